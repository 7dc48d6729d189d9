// One GNU as run for many instruction lines: hyplab's word and disassembly of every line, side by side
// with GNU as's word and objdump's text. Line i sits at offset 4*i in both assemblers, so PC-relative
// operands agree.

import fc from 'fast-check';
import { expect } from 'vitest';
import { disassemble } from '../../src/a64/disassemble.ts';
import { arbitraryInstance, textAt } from '../../src/a64/generate.ts';
import { ENTRIES } from '../../src/a64/table/index.ts';
import { gnuAssembleText, normaliseDisassembly } from '../helpers/gnu-as.ts';
import { assembleLine, hex32 } from '../helpers/laws.ts';

export interface LineComparison {
  line: string;
  ours: string;
  gnu: string;
  ourText: string;
  objdump: string;
}

/** Assembles `lines` with hyplab and with GNU as (one run) and returns every disagreement. */
export function compareWithGnu(lines: readonly string[]): LineComparison[] {
  const gnu = gnuAssembleText(lines.join('\n') + '\n');
  expect(gnu.instructions).toHaveLength(lines.length);
  const differences: LineComparison[] = [];
  lines.forEach((line, i) => {
    const theirs = gnu.instructions[i]!;
    let ours: string;
    let ourText: string;
    try {
      const word = assembleLine(line, { offset: 4 * i }).word;
      ours = hex32(word);
      ourText = normaliseDisassembly(disassemble(word, 4 * i));
    } catch (e) {
      ours = `error: ${(e as Error).message}`;
      ourText = '';
    }
    const objdump = normaliseDisassembly(theirs.text);
    const row = { line, ours, gnu: hex32(theirs.word), ourText, objdump };
    if (row.ours !== row.gnu || row.ourText !== row.objdump) differences.push(row);
  });
  return differences;
}

/** `perEntry` random instances of every generatable entry of `family`, as source lines for offset 4*i. */
export function generatedLines(family: string, perEntry: number, seed: number): string[] {
  const entries = ENTRIES.filter((e) => e.family === family && e.noGenerate === undefined);
  expect(entries.length).toBeGreaterThan(0);
  const lines: string[] = [];
  for (const entry of entries) {
    for (const g of fc.sample(arbitraryInstance(entry), { numRuns: perEntry, seed: seed + lines.length })) {
      lines.push(textAt(g, BigInt(4 * lines.length)));
    }
  }
  return lines;
}
