// Exception generation (svc/hvc/smc/brk/hlt), hints (nop, yield, wfe, wfi, sev, sevl), clrex and
// the barriers dsb/dmb/isb (option names in ../sysops.ts).

import type { EntrySpec } from '../entry.ts';
import { barrierOption, imm, optionalImm } from '../operands.ts';

const exceptions = [
  { m: 'svc', opc: '000', ll: '01' },
  { m: 'hvc', opc: '000', ll: '10' },
  { m: 'smc', opc: '000', ll: '11' },
  { m: 'brk', opc: '001', ll: '00' },
  { m: 'hlt', opc: '010', ll: '00' },
];

const hints = ['nop', 'yield', 'wfe', 'wfi', 'sev', 'sevl'];

export const system: EntrySpec[] = [
  ...exceptions.map(({ m, opc, ll }): EntrySpec => ({
    id: m.toUpperCase(), mnemonic: m, pattern: `11010100 ${opc} imm16:16 000 ${ll}`, operands: [imm('imm16', { bits: 16, style: 'hex' })],
  })),
  ...hints.map((m, op2): EntrySpec => ({
    id: m.toUpperCase(), mnemonic: m, pattern: `11010101000000110010 0000 ${op2.toString(2).padStart(3, '0')} 11111`, operands: [],
  })),
  { id: 'CLREX', mnemonic: 'clrex', pattern: '11010101000000110011 CRm:4 010 11111', operands: [optionalImm(imm('CRm', { bits: 4, style: 'hex' }), 15n)] },
  { id: 'DSB', mnemonic: 'dsb', pattern: '11010101000000110011 CRm:4 100 11111', operands: [barrierOption('dsb')] },
  { id: 'SSBB', mnemonic: 'ssbb', aliasOf: 'DSB', pattern: '11010101000000110011 0000 100 11111', operands: [] },
  { id: 'PSSBB', mnemonic: 'pssbb', aliasOf: 'DSB', pattern: '11010101000000110011 0100 100 11111', operands: [] },
  { id: 'DMB', mnemonic: 'dmb', pattern: '11010101000000110011 CRm:4 101 11111', operands: [barrierOption('dmb')] },
  { id: 'ISB', mnemonic: 'isb', pattern: '11010101000000110011 CRm:4 110 11111', operands: [barrierOption('isb')] },
];
