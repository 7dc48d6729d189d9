// udf, exception generation (svc/hvc/smc/brk/hlt), the hint space (nop, yield, wfe, wfi, sev, sevl, csdb,
// esb, bti, pointer-authentication hints, hint #imm), clrex and
// the barriers dsb/dmb/isb (option names in ../sysops.ts).

import type { EntrySpec } from '../entry.ts';
import { barrierOption, imm, keyword, optionalImm } from '../operands.ts';

const exceptions = [
  { m: 'svc', opc: '000', ll: '01' },
  { m: 'hvc', opc: '000', ll: '10' },
  { m: 'smc', opc: '000', ll: '11' },
  { m: 'brk', opc: '001', ll: '00' },
  { m: 'hlt', opc: '010', ll: '00' },
];

/**
 * The hint space (HINT #<CRm:op2>): the names objdump prints and GNU as accepts. Hints an
 * implementation lacks execute as NOP, which is why the space is decoded in full; the rest are
 * `hint #imm`.
 */
export const HINTS: readonly { name: string; value: number }[] = [
  { name: 'nop', value: 0 },
  { name: 'yield', value: 1 },
  { name: 'wfe', value: 2 },
  { name: 'wfi', value: 3 },
  { name: 'sev', value: 4 },
  { name: 'sevl', value: 5 },
  { name: 'xpaclri', value: 7 },
  { name: 'pacia1716', value: 8 },
  { name: 'pacib1716', value: 10 },
  { name: 'autia1716', value: 12 },
  { name: 'autib1716', value: 14 },
  { name: 'esb', value: 16 },
  { name: 'psb csync', value: 17 },
  { name: 'tsb csync', value: 18 },
  { name: 'csdb', value: 20 },
  { name: 'clearbhb', value: 22 },
  { name: 'paciaz', value: 24 },
  { name: 'paciasp', value: 25 },
  { name: 'pacibz', value: 26 },
  { name: 'pacibsp', value: 27 },
  { name: 'autiaz', value: 28 },
  { name: 'autiasp', value: 29 },
  { name: 'autibz', value: 30 },
  { name: 'autibsp', value: 31 },
  { name: 'bti', value: 32 },
  { name: 'bti c', value: 34 },
  { name: 'bti j', value: 36 },
  { name: 'bti jc', value: 38 },
];

function hintEntries(): EntrySpec[] {
  const named = HINTS.map(({ name, value }): EntrySpec => {
    const [mnemonic, word] = name.split(' ');
    const bits = value.toString(2).padStart(7, '0');
    return {
      id: name.toUpperCase().replace(' ', '_'), mnemonic: mnemonic!,
      pattern: `11010101000000110010 ${bits.slice(0, 4)} ${bits.slice(4)} 11111`,
      operands: word === undefined ? [] : [keyword(word)],
    };
  });
  const generic: EntrySpec = {
    id: 'HINT', mnemonic: 'hint', pattern: '11010101000000110010 imm7:7 11111',
    // Named hints come first in the table, so decode gives them their own ids; `hint #20` still
    // assembles (to csdb), as in GNU as.
    operands: [imm('imm7', { bits: 7, style: 'hex' })],
  };
  return [...named, generic];
}

export const system: EntrySpec[] = [
  // Permanently undefined: always UNDEFINED, whatever the implementation (the world switch's traps).
  { id: 'UDF', mnemonic: 'udf', pattern: '0000000000000000 imm16:16', operands: [imm('imm16', { bits: 16, style: 'dec', placeAsOffset: true })] },
  ...exceptions.map(({ m, opc, ll }): EntrySpec => ({
    id: m.toUpperCase(), mnemonic: m, pattern: `11010100 ${opc} imm16:16 000 ${ll}`, operands: [imm('imm16', { bits: 16, style: 'hex', placeAsOffset: true })],
  })),
  ...hintEntries(),
  { id: 'CLREX', mnemonic: 'clrex', pattern: '11010101000000110011 CRm:4 010 11111', operands: [optionalImm(imm('CRm', { bits: 4, style: 'hex' }), 15n)] },
  { id: 'DSB', mnemonic: 'dsb', pattern: '11010101000000110011 CRm:4 100 11111', operands: [barrierOption('dsb')] },
  { id: 'SSBB', mnemonic: 'ssbb', aliasOf: 'DSB', pattern: '11010101000000110011 0000 100 11111', operands: [] },
  { id: 'PSSBB', mnemonic: 'pssbb', aliasOf: 'DSB', pattern: '11010101000000110011 0100 100 11111', operands: [] },
  { id: 'DMB', mnemonic: 'dmb', pattern: '11010101000000110011 CRm:4 101 11111', operands: [barrierOption('dmb')] },
  { id: 'ISB', mnemonic: 'isb', pattern: '11010101000000110011 CRm:4 110 11111', operands: [barrierOption('isb')] },
];
