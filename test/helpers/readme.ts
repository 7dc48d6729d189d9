// README.md's shell blocks as a new user reads them: the tests run these lines, so that every command
// the README gives is exercised as written.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../src/worldswitch/variant.ts';


/** The command lines of every ```sh block in README.md, in order, with their comments removed. */
export function readmeShellBlocks(): string[][] {
  const text = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) =>
    m[1]!
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

/** The fresh-machine block: the main job and the test command. */
function firstBlock(): { mainJob: string; test: string } {
  const [mainJob, test] = readmeShellBlocks()[0] ?? [];
  if (mainJob === undefined || test === undefined) throw new Error('README.md must open with a sh block: the main job, then the test command');
  return { mainJob, test };
}

/** The main job's hyplab arguments (`npm ci && npx hyplab check ...` gives `check ...`). */
export function readmeMainJob(): string[] {
  const { mainJob } = firstBlock();
  const m = /^npm ci && npx hyplab (.+)$/.exec(mainJob);
  if (m === null) throw new Error(`README.md's main job is not 'npm ci && npx hyplab ...': ${mainJob}`);
  return m[1]!.split(/\s+/);
}

export function readmeTestCommand(): string {
  return firstBlock().test;
}
