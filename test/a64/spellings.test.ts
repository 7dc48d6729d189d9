// GNU as spellings (test/a64/fixtures/gnu-spellings.s): every line assembled by GNU as 2.40 and by
// hyplab must give the same word, and objdump's text for it must equal our disassembly.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { disassemble } from '../../src/a64/disassemble.ts';
import { describeWithGnuAs, gnuAssembleFile } from '../helpers/gnu-as.ts';
import { assembleLine, hex32 } from '../helpers/laws.ts';

const FIXTURE = new URL('./fixtures/gnu-spellings.s', import.meta.url).pathname;

const lines = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('//'));

describeWithGnuAs('GNU as spellings', () => {
  it(`${lines.length} hand-written lines encode and disassemble as with GNU as`, () => {
    const gnu = gnuAssembleFile(FIXTURE);
    const bytes = gnu.elf.sections.get('.text')!.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(bytes.length).toBe(lines.length * 4);
    const objdump = new Map(gnu.instructions.map((l) => [l.offset, l.text]));
    const problems: string[] = [];
    lines.forEach((line, i) => {
      const address = i * 4;
      const theirs = view.getUint32(address, true);
      let ours: number;
      try {
        ours = assembleLine(line, { offset: address }).word;
      } catch (e) {
        problems.push(`'${line}': GNU as 0x${hex32(theirs)}, hyplab fails: ${(e as Error).message}`);
        return;
      }
      if (ours !== theirs) problems.push(`'${line}': GNU as 0x${hex32(theirs)}, hyplab 0x${hex32(ours)}`);
      const text = disassemble(theirs, address);
      if (text !== objdump.get(address)) problems.push(`'${line}' 0x${hex32(theirs)}: objdump '${objdump.get(address)}', hyplab '${text}'`);
    });
    expect(problems.join('\n')).toBe('');
  });
});
