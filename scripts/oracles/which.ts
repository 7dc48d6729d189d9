// Finding an outside tool on PATH (the oracles, and the tests that need them).

import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The executable `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
