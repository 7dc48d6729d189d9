// mrs/msr, msr PSTATE immediates, sys/sysl and tlbi/ic/dc/at through the instruction table: every
// catalog register and operation, plus random rows, against GNU as 2.40 / objdump in one batch each;
// known answers; diagnostics.

import { describe, expect, it } from 'vitest';
import { decode } from '../../src/a64/decode.ts';
import { disassemble } from '../../src/a64/disassemble.ts';
import { SYSTEM_REGISTERS, genericSysregName } from '../../src/a64/sysregs.ts';
import { PSTATE_FIELDS, SYSTEM_OPERATIONS } from '../../src/a64/sysops.ts';
import { systemRegisterOf } from '../../src/a64/table/system-registers.ts';
import { describeWithGnuAs } from '../helpers/gnu-as.ts';
import { assembleLine, expectDiagnostic, expectEncoding } from '../helpers/laws.ts';
import { compareWithGnu, generatedLines } from './gnu-batch.ts';

/** Every catalog register through mrs and msr (by name, upper-case name and generic name), every
 *  system operation through its alias and through sys, every PSTATE immediate. */
function catalogLines(): string[] {
  const lines: string[] = [];
  SYSTEM_REGISTERS.forEach((r, i) => {
    if (r.access !== 'wo') lines.push(`mrs x${i % 31}, ${r.name}`, `MRS X${(i + 3) % 31}, ${genericSysregName(r).toUpperCase()}`);
    if (r.access !== 'ro') lines.push(`msr ${r.name.toUpperCase()}, x${(i + 1) % 31}`, `msr ${genericSysregName(r)}, xzr`);
  });
  for (const o of SYSTEM_OPERATIONS) {
    lines.push(o.takesRegister ? `${o.mnemonic} ${o.name}, x9` : `${o.mnemonic} ${o.name}`);
    lines.push(`sys #${o.op1}, c${o.crn}, C${o.crm}, #${o.op2}${o.takesRegister ? ', x10' : ''}`);
  }
  for (const p of PSTATE_FIELDS) for (let imm = 0; imm <= p.maxImmediate; imm++) lines.push(`msr ${p.name}, #${imm}`);
  return lines;
}

const GNU_CHOICES = [
  'mrs x0, s3_3_c15_c2_0',
  'msr s3_7_c15_c15_7, x1',
  'mrs x0, s2_0_c0_c0_0',
  'sys #0, c7, c5, #0, x2', // objdump prints `ic iallu`: the register of a no-register operation is ignored
  'sys #1, c7, c5, #0',
  'sys #0, C1, C0, #0, x5',
  'sys #7, c15, c15, #7, xzr',
  'sysl x0, #0, c7, c5, #0',
  'sysl x0, #3, c15, c0, #7',
  'dc zva, xzr',
  'ic ivau, xzr',
  'at s12e1r, x30',
  'tlbi VMALLS12E1IS',
  'msr DAIFSet, #0xf',
  'msr SPSel, #1',
];

describeWithGnuAs('system instructions against GNU as 2.40', () => {
  it('every catalog register and system operation (one as run): same words, same objdump text', () => {
    const lines = catalogLines();
    expect(lines.length).toBeGreaterThan(1000);
    expect(compareWithGnu(lines)).toEqual([]);
  });

  it('random instances of every row and the generic/odd forms', () => {
    expect(compareWithGnu([...generatedLines('system-registers', 60, 7), ...GNU_CHOICES])).toEqual([]);
  });
});

describe('system instructions: known answers', () => {
  it('encodes the world-switch moves', () => {
    expectEncoding('mrs x19, sp_el0', 0xd5384113, 'mrs\tx19, sp_el0');
    expectEncoding('msr hcr_el2, x2', 0xd51c1102, 'msr\thcr_el2, x2');
    expectEncoding('msr vttbr_el2, x3', 0xd51c2103, 'msr\tvttbr_el2, x3');
    expectEncoding('mrs x5, spsr_el2', 0xd53c4005, 'mrs\tx5, spsr_el2');
    expectEncoding('tlbi vmalls12e1is', 0xd50c83df, 'tlbi\tvmalls12e1is');
    expectEncoding('msr daifclr, #2', 0xd50342ff, 'msr\tdaifclr, #0x2');
  });

  it('decodes to the catalog entry the execution core needs', () => {
    const d = decode(0xd53c1100)!; // mrs x0, hcr_el2
    expect(d.entry.id).toBe('MRS_RS_systemmove');
    expect(systemRegisterOf(d.fields)?.name).toBe('hcr_el2');
    expect(d.operands[1]).toMatchObject({ kind: 'name', name: 'hcr_el2' });
    expect(systemRegisterOf(decode(assembleLine('mrs x0, s3_3_c15_c2_0').word)!.fields)).toBeUndefined();
    const word = assembleLine('tlbi ipas2e1is, x4').word;
    const tlbi = decode(word)!;
    expect(tlbi.entry.id).toBe('SYS_CR_systeminstrs');
    expect(tlbi.fields).toMatchObject({ op1: 4, CRn: 8, CRm: 0, op2: 1, Rt: 4 });
    expect(disassemble(word)).toBe('tlbi\tipas2e1is, x4');
  });

  it('diagnoses unknown names, read-only/write-only registers and bad immediates', () => {
    expectDiagnostic('mrs x0, foo_el2', 'HL0505');
    expectDiagnostic('msr elr_hyp, x0', 'HL0505');
    expectDiagnostic('mrs x0, S3_8_C0_C0_0', 'HL0505');
    expectDiagnostic('mrs x0, sctlr_el12', 'HL0505');
    expectDiagnostic('msr midr_el1, x0', 'HL0506');
    expectDiagnostic('msr currentel, x0', 'HL0506');
    expectDiagnostic('msr s3_0_c0_c0_5, x0', 'HL0506');
    expectDiagnostic('mrs x0, icc_sgi1r_el1', 'HL0507');
    expectDiagnostic('mrs x0, oslar_el1', 'HL0507');
    expectDiagnostic('mrs w0, hcr_el2', 'HL0513');
    expectDiagnostic('msr hcr_el2, w0', 'HL0513');
    expectDiagnostic('tlbi vmallfoo', 'HL0514');
    expectDiagnostic('dc zzz, x0', 'HL0514');
    expectDiagnostic('ic foo', 'HL0514');
    expectDiagnostic('at s1e9r, x0', 'HL0514');
    expectDiagnostic('tlbi vae2', 'HL0502');
    expectDiagnostic('tlbi vmalle1is, x0', 'HL0502');
    expectDiagnostic('msr spsel, #2', 'HL0503');
    expectDiagnostic('msr daifset, #16', 'HL0503');
    expectDiagnostic('sys #8, c7, c5, #0', 'HL0503');
    expectDiagnostic('sys #0, c16, c5, #0', 'HL0503');
    expectDiagnostic('msr hcr_el2, #1', 'HL0502');
  });
});
