// The instruction table against GNU as 2.40 and objdump: instructions generated from every table entry
// are assembled in one batch by aarch64-linux-gnu-as; every encoding must equal ours, every relocation
// too, and objdump's text for every word must equal our disassembly.

import { expect, it } from 'vitest';
import fc from 'fast-check';
import { ENTRIES, FAMILIES } from '../../src/a64/table/index.ts';
import { arbitraryInstance, textAt } from '../../src/a64/generate.ts';
import type { GeneratedInstruction } from '../../src/a64/generate.ts';
import { disassemble } from '../../src/a64/disassemble.ts';
import { describeWithGnuAs, gnuAssembleText, GnuAsFailure } from '../helpers/gnu-as.ts';
import { assembleLine, hex32 } from '../helpers/laws.ts';

const PER_ENTRY = Number(process.env.HYPLAB_ORACLE_PER_ENTRY ?? 16);
const SEED = Number(process.env.HYPLAB_ORACLE_SEED ?? 20240601);

interface Case {
  address: number;
  text: string;
  g: GeneratedInstruction;
}

function cases(family: string): Case[] {
  const out: Case[] = [];
  ENTRIES.filter((e) => e.noGenerate === undefined && e.family === family).forEach((entry, k) => {
    for (const g of fc.sample(arbitraryInstance(entry), { numRuns: PER_ENTRY, seed: SEED + k })) {
      const address = out.length * 4;
      out.push({ address, text: textAt(g, BigInt(address)), g });
    }
  });
  return out;
}

describeWithGnuAs('instruction table vs GNU as 2.40 and objdump', () => {
  // One batch per family, so that one family's mismatch does not hide another's.
  it.each(Object.keys(FAMILIES).filter((f) => ENTRIES.some((e) => e.family === f)))(`%s: ${PER_ENTRY} generated instructions per entry, same words, relocations and disassembly`, (family) => {
    const all = cases(family);
    let gnu;
    try {
      gnu = gnuAssembleText(`\t.text\n${all.map((c) => `\t${c.text}`).join('\n')}\n`);
    } catch (e) {
      if (e instanceof GnuAsFailure) {
        // Name the generated lines GNU as rejected (its line numbers are 1-based and line 1 is `.text`).
        const lines = [...e.stderr.matchAll(/:(\d+): (?:Error|Warning): (.*)/g)].slice(0, 20);
        const texts = lines.map(([, n, msg]) => `${all[Number(n) - 2]?.g.entry.id}: '${all[Number(n) - 2]?.text}': ${msg}`);
        throw new Error(`GNU as rejected generated instructions:\n${texts.join('\n')}`);
      }
      throw e;
    }
    const bytes = gnu.elf.sections.get('.text')!.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const objdump = new Map(gnu.instructions.filter((l) => l.section === '.text').map((l) => [l.offset, l.text]));
    const relocations = new Map(gnu.elf.relocations.filter((r) => r.section === '.text').map((r) => [r.offset, r]));
    const problems: string[] = [];
    for (const c of all) {
      const theirs = view.getUint32(c.address, true);
      const ours = assembleLine(c.text, { offset: c.address });
      const where = `${c.g.entry.id} '${c.text}' @${c.address.toString(16)}`;
      if (ours.word !== theirs) problems.push(`${where}: GNU as 0x${hex32(theirs)}, hyplab 0x${hex32(ours.word)}`);
      const reloc = relocations.get(c.address);
      const ourReloc = ours.relocation ? `${ours.relocation.type} ${ours.relocation.symbol}+${ours.relocation.addend}` : 'none';
      const theirReloc = reloc ? `${reloc.type} ${reloc.symbol}+${reloc.addend}` : 'none';
      if (ourReloc !== theirReloc) problems.push(`${where}: relocation GNU as ${theirReloc}, hyplab ${ourReloc}`);
      // objdump prints a relocated adrp's target as if the instruction were at 0 (binutils checks
      // INSN_HAS_RELOC); the words are equal, so this compares the same printing rule.
      const text = disassemble(theirs, reloc?.type === 'ADR_PREL_PG_HI21' ? 0 : c.address);
      if (text !== objdump.get(c.address)) problems.push(`${where}: objdump '${objdump.get(c.address)}', hyplab '${text}'`);
    }
    expect(problems.slice(0, 40).join('\n'), `${problems.length} mismatches of ${all.length} instructions`).toBe('');
  });
});
