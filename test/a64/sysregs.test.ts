// The system register catalog against GNU as 2.40 / objdump (one `as` run per check, every register in
// it), plus known answers that do not need the oracle.

import { describe, expect, it } from 'vitest';
import {
  SYSTEM_REGISTERS,
  applyReservedBits,
  bits,
  genericSysregName,
  packSysregFields,
  parseSystemRegister,
  sysregDisplayName,
  sysregTrapIss,
  systemRegisterAccessible,
  systemRegisterByName,
  type SystemRegister,
} from '../../src/a64/sysregs.ts';
import { GnuAsFailure, describeWithGnuAs, gnuAssembleText, normaliseDisassembly } from '../helpers/gnu-as.ts';

const MRS = 0xd5300000;
const MSR = 0xd5100000;

/** The instruction word of `mrs xt, reg` / `msr reg, xt` (op0 lives in bits [20:19]). */
function sysregWord(base: number, r: SystemRegister, rt: number): number {
  return ((base & ~0x1f_ffe0) | (packSysregFields(r) << 5) | rt) >>> 0;
}

const readable = SYSTEM_REGISTERS.filter((r) => r.access !== 'wo');
const writable = SYSTEM_REGISTERS.filter((r) => r.access !== 'ro');

/** Line numbers (1-based) of GNU as warnings matching `pattern` in its stderr. */
function warnedLines(stderr: string, pattern: RegExp): Set<number> {
  const lines = new Set<number>();
  for (const line of stderr.split('\n')) {
    const m = /:(\d+): Warning: (.*)$/.exec(line);
    if (m && pattern.test(m[2]!)) lines.add(Number(m[1]));
  }
  return lines;
}

/** Assembles text that must produce warnings (GNU as fails only because of --fatal-warnings). */
function expectWarnings(text: string): string {
  try {
    gnuAssembleText(text);
  } catch (e) {
    if (e instanceof GnuAsFailure) return e.stderr;
    throw e;
  }
  throw new Error('GNU as accepted the text without a warning');
}

describeWithGnuAs('system register catalog against GNU as 2.40', () => {
  it('every readable register: mrs assembles to our encoding and objdump prints our name', () => {
    const lines = readable.map((r, i) => `mrs x${i % 31}, ${i % 2 === 0 ? r.name : r.name.toUpperCase()}`);
    const out = gnuAssembleText(lines.join('\n') + '\n');
    expect(out.instructions).toHaveLength(readable.length);
    readable.forEach((r, i) => {
      const got = out.instructions[i]!;
      expect({ name: r.name, word: got.word.toString(16) }).toEqual({ name: r.name, word: sysregWord(MRS, r, i % 31).toString(16) });
      expect(normaliseDisassembly(got.text)).toBe(`mrs x${i % 31}, ${r.name}`);
    });
  });

  it('every writable register: msr assembles to our encoding and objdump prints our name', () => {
    const lines = writable.map((r, i) => `msr ${r.name}, x${(i + 7) % 31}`);
    const out = gnuAssembleText(lines.join('\n') + '\n');
    expect(out.instructions).toHaveLength(writable.length);
    writable.forEach((r, i) => {
      const got = out.instructions[i]!;
      expect({ name: r.name, word: got.word.toString(16) }).toEqual({ name: r.name, word: sysregWord(MSR, r, (i + 7) % 31).toString(16) });
      expect(normaliseDisassembly(got.text)).toBe(`msr ${r.name}, x${(i + 7) % 31}`);
    });
  });

  it('GNU as warns on exactly our read-only (msr) and write-only (mrs) registers', () => {
    const readOnly = SYSTEM_REGISTERS.filter((r) => r.access === 'ro');
    const writeOnly = SYSTEM_REGISTERS.filter((r) => r.access === 'wo');
    const lines = [...readOnly.map((r) => `msr ${r.name}, x0`), ...writeOnly.map((r) => `mrs x0, ${r.name}`)];
    const stderr = expectWarnings(lines.join('\n') + '\n');
    expect(warnedLines(stderr, /cannot be written to/).size).toBe(readOnly.length);
    expect(warnedLines(stderr, /cannot be read from/).size).toBe(writeOnly.length);
    expect(readOnly.length).toBeGreaterThan(40);
  });

  it('the generic S<op0>_<op1>_C<n>_C<m>_<op2> name of every register disassembles to the catalog name', () => {
    const lines = readable.map((r) => `mrs x3, ${genericSysregName(r).toUpperCase()}`);
    const out = gnuAssembleText(lines.join('\n') + '\n');
    readable.forEach((r, i) => expect(normaliseDisassembly(out.instructions[i]!.text)).toBe(`mrs x3, ${r.name}`));
  });

  it('encodings outside the catalog print in the generic form, as sysregDisplayName says', () => {
    const encodings = [
      { op0: 3, op1: 3, crn: 15, crm: 2, op2: 0 },
      { op0: 3, op1: 7, crn: 15, crm: 15, op2: 7 },
      { op0: 2, op1: 0, crn: 0, crm: 0, op2: 0 },
      { op0: 3, op1: 1, crn: 11, crm: 3, op2: 5 },
    ];
    const out = gnuAssembleText(encodings.map((e) => `mrs x0, ${genericSysregName(e)}`).join('\n') + '\n');
    encodings.forEach((e, i) => expect(normaliseDisassembly(out.instructions[i]!.text)).toBe(`mrs x0, ${sysregDisplayName(e)}`));
  });

  it('names left out of the catalog are the ones GNU as rejects with the default -march', () => {
    const leftOut = ['sctlr_el12', 'elr_el12', 'spsr_el12', 'zcr_el2', 'pan', 'uao', 'contextidr_el2', 'ttbr1_el2'];
    for (const name of leftOut) expect(systemRegisterByName(name)).toBeUndefined();
    try {
      gnuAssembleText(leftOut.map((n) => `mrs x0, ${n}`).join('\n') + '\n');
      throw new Error('GNU as accepted names that need -march');
    } catch (e) {
      if (!(e instanceof GnuAsFailure)) throw e;
      const rejected = e.stderr.split('\n').filter((l) => /Error: selected processor does not support system register name/.test(l));
      expect(rejected).toHaveLength(leftOut.length);
    }
  });
});

describe('system register catalog: known answers', () => {
  it('covers every register the seed and the KVM world switch touch', () => {
    const needed =
      'sp_el0 sp_el1 sp_el2 elr_el1 elr_el2 spsr_el1 spsr_el2 spsr_abt spsr_und spsr_irq spsr_fiq mpidr_el1 csselr_el1 sctlr_el1 actlr_el1 cpacr_el1 ttbr0_el1 ttbr1_el1 tcr_el1 esr_el1 afsr0_el1 afsr1_el1 far_el1 mair_el1 vbar_el1 contextidr_el1 tpidr_el0 tpidrro_el0 tpidr_el1 amair_el1 cntkctl_el1 par_el1 mdscr_el1 hcr_el2 cptr_el2 hstr_el2 mdcr_el2 vttbr_el2 vtcr_el2 vmpidr_el2 vpidr_el2 sctlr_el2 actlr_el2 tcr_el2 ttbr0_el2 mair_el2 amair_el2 vbar_el2 esr_el2 far_el2 hpfar_el2 afsr0_el2 afsr1_el2 tpidr_el2 hacr_el2 dacr32_el2 ifsr32_el2 fpexc32_el2 dbgvcr32_el2 cntfrq_el0 cntpct_el0 cntvct_el0 cntv_ctl_el0 cntv_cval_el0 cntv_tval_el0 cntp_ctl_el0 cntp_cval_el0 cntp_tval_el0 cnthctl_el2 cntvoff_el2 cnthp_ctl_el2 cnthp_cval_el2 cnthp_tval_el2 midr_el1 revidr_el1 id_aa64pfr0_el1 id_aa64mmfr0_el1 id_aa64isar0_el1 id_aa64dfr0_el1 ctr_el0 dczid_el0 clidr_el1 ccsidr_el1 currentel daif nzcv spsel fpcr fpsr ich_hcr_el2 ich_lr15_el2 icc_sre_el2';
    const missing = needed.split(' ').filter((n) => systemRegisterByName(n) === undefined);
    expect(missing).toEqual([]);
  });

  it('parses names case-insensitively and the generic form of any encoding', () => {
    expect(parseSystemRegister('HCR_EL2')?.register?.name).toBe('hcr_el2');
    expect(parseSystemRegister('Hcr_El2')?.encoding).toEqual({ op0: 3, op1: 4, crn: 1, crm: 1, op2: 0 });
    expect(parseSystemRegister('S3_4_C1_C1_0')?.register?.name).toBe('hcr_el2');
    expect(parseSystemRegister('s3_3_c15_c2_0')).toEqual({ encoding: { op0: 3, op1: 3, crn: 15, crm: 2, op2: 0 }, register: undefined });
    for (const bad of ['elr_hyp', 'sp', 'S3_8_C0_C0_0', 'S3_0_C16_C0_0', 's4_0_c0_c0_0', 'hcr_el2x', '']) {
      expect(parseSystemRegister(bad)).toBeUndefined();
    }
  });

  it('derives access by EL and direction from the table', () => {
    const hcr = systemRegisterByName('hcr_el2')!;
    expect([0, 1, 2, 3].map((el) => systemRegisterAccessible(hcr, el as 0 | 1 | 2 | 3, 'read'))).toEqual([false, false, true, true]);
    const tpidrro = systemRegisterByName('tpidrro_el0')!;
    expect(systemRegisterAccessible(tpidrro, 0, 'read')).toBe(true);
    expect(systemRegisterAccessible(tpidrro, 0, 'write')).toBe(false);
    expect(systemRegisterAccessible(tpidrro, 1, 'write')).toBe(true);
    expect(systemRegisterAccessible(systemRegisterByName('midr_el1')!, 2, 'write')).toBe(false);
    expect(systemRegisterAccessible(systemRegisterByName('icc_sgi1r_el1')!, 1, 'read')).toBe(false);
    expect(systemRegisterByName('sp_el1')!.el).toBe(2);
    expect(systemRegisterByName('sp_el0')!.el).toBe(1);
    expect(systemRegisterByName('nzcv')!.el).toBe(0);
  });

  it('builds the ISS of a trapped access (EC 0x18)', () => {
    // mrs x3, hcr_el2: Op0 3, Op2 0, Op1 4, CRn 1, Rt 3, CRm 1, read.
    expect(sysregTrapIss(systemRegisterByName('hcr_el2')!, 3, 'read')).toBe((3 << 20) | (4 << 14) | (1 << 10) | (3 << 5) | (1 << 1) | 1);
    expect(sysregTrapIss(systemRegisterByName('tpidr_el2')!, 31, 'write')).toBe((3 << 20) | (2 << 17) | (4 << 14) | (13 << 10) | (31 << 5));
  });

  it('RES0/RES1 masks shape written values (ARMv8.0)', () => {
    const all = (1n << 64n) - 1n;
    expect(applyReservedBits(systemRegisterByName('hcr_el2')!, all)).toBe(bits(33, 0));
    expect(applyReservedBits(systemRegisterByName('cptr_el2')!, 0n)).toBe(0x33ffn);
    expect(applyReservedBits(systemRegisterByName('cptr_el2')!, all)).toBe(0x8010_33ffn | (1n << 10n));
    expect(applyReservedBits(systemRegisterByName('vbar_el2')!, 0xffff_ffff_1234_5678n)).toBe(0xffff_ffff_1234_5000n);
    expect(applyReservedBits(systemRegisterByName('sctlr_el2')!, 0n)).toBe(0x30c5_0830n);
    expect(applyReservedBits(systemRegisterByName('dacr32_el2')!, all)).toBe(0xffff_ffffn);
    expect(applyReservedBits(systemRegisterByName('vtcr_el2')!, 0n)).toBe(0x8000_0000n);
    expect(applyReservedBits(systemRegisterByName('spsr_el2')!, all)).toBe(0xfe3f_ffffn);
    // RES0 and RES1 never overlap, and 32-bit registers have no upper half.
    for (const r of SYSTEM_REGISTERS) {
      expect(r.res0 & r.res1).toBe(0n);
      if (r.width === 32) expect(r.res0 & bits(63, 32)).toBe(bits(63, 32));
    }
  });
});
