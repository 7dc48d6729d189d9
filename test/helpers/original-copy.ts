// A copy of variants/original with one edit: the broken variants that show a check can fail.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { VARIANTS_DIR } from '../../src/worldswitch/variant.ts';

const ORIGINAL = join(VARIANTS_DIR, 'original');

/** Copies original into `work/name` with `from` (which must occur exactly once in hyp.S) replaced by `to`; gives the folder and the edited line. */
export function editedOriginal(work: string, name: string, from: string, to: string): { dir: string; line: number } {
  const text = readFileSync(join(ORIGINAL, 'hyp.S'), 'utf8');
  const at = text.indexOf(from);
  expect(at, `'${from}' is in variants/original/hyp.S`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(from, at + 1), `'${from}' occurs once`).toBe(-1);
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'hyp.S'), text.replace(from, to));
  copyFileSync(join(ORIGINAL, 'layout.ts'), join(dir, 'layout.ts'));
  return { dir, line: text.slice(0, at).split('\n').length };
}
