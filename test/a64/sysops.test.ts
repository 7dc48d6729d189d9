// TLBI/IC/DC/AT operations, barrier options and PSTATE fields against GNU as 2.40 / objdump, one `as`
// run per check, plus known answers.

import { describe, expect, it } from 'vitest';
import {
  BARRIER_OPTIONS,
  PSTATE_FIELDS,
  SPECULATION_BARRIERS,
  SYSTEM_OPERATIONS,
  barrierOptionByName,
  barrierOptionText,
  packSysOpFields,
  pstateFieldByEncoding,
  pstateFieldByName,
  systemOperation,
  systemOperationByFields,
  type BarrierMnemonic,
} from '../../src/a64/sysops.ts';
import { GnuAsFailure, describeWithGnuAs, gnuAssembleText, normaliseDisassembly } from '../helpers/gnu-as.ts';

const SYS = 0xd5080000;
const BARRIER_BASE: Record<BarrierMnemonic, number> = { dsb: 0xd503309f, dmb: 0xd50330bf, isb: 0xd50330df };
const MSR_IMM = 0xd500401f;

function sysWord(o: { op1: number; crn: number; crm: number; op2: number }, rt: number): number {
  return (SYS | (packSysOpFields(o) << 5) | rt) >>> 0;
}

/** Line numbers GNU as reported an error on. */
function erroredLines(text: string): Set<number> {
  try {
    gnuAssembleText(text);
    return new Set();
  } catch (e) {
    if (!(e instanceof GnuAsFailure)) throw e;
    const lines = new Set<number>();
    for (const m of e.stderr.matchAll(/:(\d+): Error: /g)) lines.add(Number(m[1]));
    return lines;
  }
}

describeWithGnuAs('system operations against GNU as 2.40', () => {
  it('every tlbi/ic/dc/at operation assembles to our sys encoding and disassembles to its name', () => {
    const lines = SYSTEM_OPERATIONS.map((o, i) => (o.takesRegister ? `${o.mnemonic} ${o.name.toUpperCase()}, x${i % 31}` : `${o.mnemonic} ${o.name}`));
    const out = gnuAssembleText(lines.join('\n') + '\n');
    expect(out.instructions).toHaveLength(SYSTEM_OPERATIONS.length);
    SYSTEM_OPERATIONS.forEach((o, i) => {
      const rt = o.takesRegister ? i % 31 : 31;
      const got = out.instructions[i]!;
      expect({ op: o.name, word: got.word.toString(16) }).toEqual({ op: o.name, word: sysWord(o, rt).toString(16) });
      expect(normaliseDisassembly(got.text)).toBe(o.takesRegister ? `${o.mnemonic} ${o.name}, x${rt}` : `${o.mnemonic} ${o.name}`);
    });
  });

  it('GNU as insists on the register exactly when takesRegister says so', () => {
    const lines = SYSTEM_OPERATIONS.map((o) => (o.takesRegister ? `${o.mnemonic} ${o.name}` : `${o.mnemonic} ${o.name}, x1`));
    expect(erroredLines(lines.join('\n') + '\n').size).toBe(SYSTEM_OPERATIONS.length);
  });

  it('the plain sys form of every operation disassembles to the named alias', () => {
    const lines = SYSTEM_OPERATIONS.map((o) => `sys #${o.op1}, C${o.crn}, C${o.crm}, #${o.op2}${o.takesRegister ? ', x4' : ''}`);
    const out = gnuAssembleText(lines.join('\n') + '\n');
    SYSTEM_OPERATIONS.forEach((o, i) => {
      expect(systemOperationByFields(o)).toBe(o);
      expect(normaliseDisassembly(out.instructions[i]!.text)).toBe(o.takesRegister ? `${o.mnemonic} ${o.name}, x4` : `${o.mnemonic} ${o.name}`);
    });
  });

  it('every barrier option of dsb/dmb/isb, by name and by #imm, and objdump prints barrierOptionText', () => {
    const cases: { text: string; word: number; printed: string }[] = [];
    for (const mnemonic of ['dsb', 'dmb', 'isb'] as const) {
      for (let crm = 0; crm < 16; crm++) {
        const word = (BARRIER_BASE[mnemonic] | (crm << 8)) >>> 0;
        const option = barrierOptionText(mnemonic, crm);
        const speculation = mnemonic === 'dsb' ? SPECULATION_BARRIERS.find((s) => s.crm === crm) : undefined;
        const printed = speculation?.name ?? (option === undefined ? mnemonic : `${mnemonic} ${option}`);
        cases.push({ text: `${mnemonic} #${crm}`, word, printed });
      }
      for (const o of mnemonic === 'isb' ? [{ name: 'sy', crm: 15 }] : BARRIER_OPTIONS) {
        const crm = barrierOptionByName(mnemonic, o.name.toUpperCase());
        expect(crm).toBe(o.crm);
        cases.push({ text: `${mnemonic} ${o.name}`, word: (BARRIER_BASE[mnemonic] | (o.crm << 8)) >>> 0, printed: mnemonic === 'isb' ? 'isb' : `${mnemonic} ${o.name}` });
      }
    }
    for (const s of SPECULATION_BARRIERS) cases.push({ text: s.name, word: (BARRIER_BASE.dsb | (s.crm << 8)) >>> 0, printed: s.name });
    const out = gnuAssembleText(cases.map((c) => c.text).join('\n') + '\n');
    cases.forEach((c, i) => {
      expect({ text: c.text, word: out.instructions[i]!.word }).toEqual({ text: c.text, word: c.word });
      expect(normaliseDisassembly(out.instructions[i]!.text)).toBe(c.printed);
    });
  });

  it('PSTATE fields: every immediate in range assembles and prints as msr <field>, #imm', () => {
    const cases = PSTATE_FIELDS.flatMap((p) => Array.from({ length: p.maxImmediate + 1 }, (_, imm) => ({ p, imm })));
    const out = gnuAssembleText(cases.map(({ p, imm }) => `msr ${p.name.toUpperCase()}, #${imm}`).join('\n') + '\n');
    cases.forEach(({ p, imm }, i) => {
      const word = (MSR_IMM | (p.op1 << 16) | (imm << 8) | (p.op2 << 5)) >>> 0;
      expect(out.instructions[i]!.word).toBe(word);
      expect(normaliseDisassembly(out.instructions[i]!.text)).toBe(`msr ${p.name}, #0x${imm.toString(16)}`);
      expect(pstateFieldByEncoding(p.op1, p.op2)).toBe(p);
    });
  });

  it('PSTATE immediates past maxImmediate are errors in GNU as', () => {
    const lines = PSTATE_FIELDS.map((p) => `msr ${p.name}, #${p.maxImmediate + 1}`);
    expect(erroredLines(lines.join('\n') + '\n').size).toBe(PSTATE_FIELDS.length);
  });
});

describe('system operations: known answers', () => {
  it('finds operations by name and by encoding', () => {
    expect(systemOperation('TLBI', 'VMALLS12E1IS')).toMatchObject({ op1: 4, crn: 8, crm: 3, op2: 6, takesRegister: false, el: 2 });
    expect(systemOperation('dc', 'zva')).toMatchObject({ op1: 3, crn: 7, crm: 4, op2: 1, takesRegister: true, el: 0 });
    expect(systemOperation('at', 's12e1r')?.el).toBe(2);
    expect(systemOperation('tlbi', 'vmalle1is ')?.name).toBe('vmalle1is');
    expect(systemOperation('tlbi', 'zva')).toBeUndefined();
    expect(systemOperation('dc', 'foo')).toBeUndefined();
    expect(systemOperationByFields({ op1: 0, crn: 1, crm: 0, op2: 0 })).toBeUndefined();
    const v80 = SYSTEM_OPERATIONS.filter((o) => o.extension === undefined);
    expect(v80.filter((o) => o.mnemonic === 'tlbi')).toHaveLength(32);
    expect(v80.filter((o) => o.mnemonic === 'at')).toHaveLength(12);
  });

  it('barrier options and PSTATE fields', () => {
    expect(barrierOptionByName('dmb', 'ishst')).toBe(10);
    expect(barrierOptionByName('isb', 'ish')).toBeUndefined();
    expect(barrierOptionByName('dsb', 'foo')).toBeUndefined();
    expect(barrierOptionText('dsb', 12)).toBe('#0x0c');
    expect(barrierOptionText('isb', 3)).toBe('#0x3');
    expect(barrierOptionText('isb', 15)).toBeUndefined();
    expect(pstateFieldByName('DAIFSet')?.op2).toBe(6);
    expect(pstateFieldByName('pan')).toBeUndefined();
  });
});
