// Decoding against objdump on random words: words drawn from the encoding groups this table covers
// (data processing immediate and register, branches, exceptions, hints and barriers) are given to
// objdump as `.inst`; for every word we decode, our text must equal objdump's, and every word objdump
// prints as undefined must be undefined for us too; what we leave undecoded is listed with a reason.

import { expect, it } from 'vitest';
import fc from 'fast-check';
import { decode } from '../../src/a64/decode.ts';
import { disassemble } from '../../src/a64/disassemble.ts';
import { describeWithGnuAs, gnuAssembleText } from '../helpers/gnu-as.ts';
import { hex32 } from '../helpers/laws.ts';

/**
 * What objdump decodes in these groups that the table does not model, and why. Any other undecoded
 * word fails the test: it would be an ARMv8.0 instruction we missed.
 */
const NOT_MODELLED: { pattern: RegExp; why: string }[] = [
  { pattern: /^\.inst$/, why: 'unallocated: objdump prints it as `.inst ... ; undefined` too' },
  { pattern: /^bc\./, why: 'FEAT_HBC (ARMv8.8) hinted conditional branch' },
  { pattern: /^((s|u)(min|max)|abs|cnt|ctz)$/, why: 'FEAT_CSSC (ARMv8.9) min/max/abs/cnt/ctz' },
  { pattern: /^(addg|subg|subp|subps|irg|gmi)$/, why: 'FEAT_MTE (ARMv8.5) tag arithmetic' },
  { pattern: /^crc32c?[bhwx]$/, why: 'FEAT_CRC32: optional in ARMv8.0, not used by the world switch' },
  { pattern: /^(pac|aut|xpac|bra[ab]|blra[ab]|reta[ab]|ereta[ab])/, why: 'FEAT_PAuth (ARMv8.3) pointer authentication' },
  { pattern: /^dcps[123]$/, why: 'debug state only (Debug change PE state), never executed by the lab' },
  { pattern: /^tcancel$/, why: 'FEAT_TME transactional memory' },
  { pattern: /^(rmif|setf8|setf16|cfinv|xaflag|axflag)$/, why: 'FEAT_FlagM (ARMv8.4) flag manipulation' },
];

const COUNT = Number(process.env.HYPLAB_ORACLE_WORDS ?? 6000);

/** Top-level encoding groups (Arm ARM "A64 instruction set encoding", op0 = bits 28:25). */
const GROUPS = [
  { name: 'data processing, immediate', mask: 0x1c000000, bits: 0x10000000 }, // op0 = 100x
  { name: 'branches, exceptions, system', mask: 0x1c000000, bits: 0x14000000 }, // op0 = 101x
  { name: 'data processing, register', mask: 0x0e000000, bits: 0x0a000000 }, // op0 = x101
];

/** System-register moves and SYS belong to the system-registers family (tested with its catalog). */
const isSystemRegisterMove = (w: number): boolean => (w & 0xffc00000) >>> 0 === 0xd5000000 && ((w >>> 19) & 3) !== 0;

describeWithGnuAs('decoder vs objdump on random words', () => {
  it(`${COUNT} random words of the covered encoding groups, and the hint, barrier and udf spaces`, () => {
    const random = fc
      .sample(fc.tuple(fc.constantFrom(...GROUPS), fc.integer({ min: 0, max: 0xffffffff })), { numRuns: COUNT, seed: 42 })
      .map(([g, r]) => ((r & ~g.mask) | g.bits) >>> 0);
    // Small spaces random words rarely hit, in full: the 128 hints and CRm of clrex/dsb/dmb/isb.
    const hints = Array.from({ length: 128 }, (_, i) => (0xd503201f | (i << 5)) >>> 0);
    const barriers = [0xd503305f, 0xd503309f, 0xd50330bf, 0xd50330df].flatMap((base) => Array.from({ length: 16 }, (_, crm) => (base | (crm << 8)) >>> 0));
    const udf = [0x00000000, 0x00000010, 0x0000ffff, 0x00010000, 0x00ff0000];
    const words = [...hints, ...barriers, ...udf, ...random];
    const gnu = gnuAssembleText(`\t.text\n${words.map((w) => `\t.inst 0x${hex32(w)}`).join('\n')}\n`);
    const objdump = new Map(gnu.instructions.map((l) => [l.offset, l.text]));
    const problems: string[] = [];
    let decoded = 0;
    const notModelled = new Map<string, number>();
    words.forEach((w, i) => {
      const theirs = objdump.get(i * 4) ?? '';
      if (decode(w) === undefined) {
        const mnemonic = theirs.split(/\s/)[0]!;
        notModelled.set(mnemonic, (notModelled.get(mnemonic) ?? 0) + 1);
        if (!NOT_MODELLED.some((n) => n.pattern.test(mnemonic))) problems.push(`0x${hex32(w)}: objdump '${theirs}', hyplab does not decode it`);
        return;
      }
      decoded++;
      if (isSystemRegisterMove(w)) return;
      const ours = disassemble(w, i * 4);
      if (ours !== theirs) problems.push(`0x${hex32(w)} @${(i * 4).toString(16)}: objdump '${theirs}', hyplab '${ours}'`);
    });
    console.log(`decoded ${decoded} of ${words.length}; objdump's mnemonics for the rest:`, [...notModelled].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m}:${n}`).join(' '));
    expect(problems.slice(0, 40).join('\n'), `${problems.length} of ${decoded} decoded words differ`).toBe('');
  });
});
