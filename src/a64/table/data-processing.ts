// Data processing: add/sub (immediate, shifted, extended), logical (immediate, shifted), move wide,
// bitfield, extract, 1- and 2-source, 3-source multiply, conditional select and compare, adr/adrp.
// Each entry is written once per register width (sf = 0: W, sf = 1: X); aliases follow their base.

import type { EntrySpec } from '../entry.ts';
import {
  gpr,
  gprOfWidth,
  imm,
  addSubImm,
  addSubShift,
  moveWideShift,
  movImmediate,
  bitmaskImmediate,
  moveWidePreferred,
  registerShift,
  registerExtend,
  extendRegisterWidth,
  lslBitfieldAmount,
  bitfieldLsb,
  bitfieldWidth,
  condition,
  label,
} from '../operands.ts';

const WIDTHS = [
  { sf: 0, width: 32, w: '32' },
  { sf: 1, width: 64, w: '64' },
] as const;

const ZR = 31;

function addSub(): EntrySpec[] {
  const out: EntrySpec[] = [];
  const ops = [
    { name: 'ADD', m: 'add', op: 0, S: 0 },
    { name: 'ADDS', m: 'adds', op: 0, S: 1 },
    { name: 'SUB', m: 'sub', op: 1, S: 0 },
    { name: 'SUBS', m: 'subs', op: 1, S: 1 },
  ] as const;
  for (const { sf, width, w } of WIDTHS) {
    const r = (field: string | string[], sp = false) => gpr(field, { width, sp });
    for (const { name, m, op, S } of ops) {
      const head = `sf=${sf} ${op} ${S}`;
      const setsFlags = S === 1;
      // Immediate.
      const immId = `${name}_${w}_addsub_imm`;
      out.push({ id: immId, mnemonic: m, pattern: `${head} 100010 sh:1 imm12:12 Rn:5 Rd:5`, operands: [r('Rd', !setsFlags), r('Rn', true), addSubImm(), addSubShift()] });
      if (name === 'ADD') {
        out.push({
          id: `MOV_${w}_to_from_sp`, mnemonic: 'mov', aliasOf: immId, pattern: `${head} 100010 0 000000000000 Rn:5 Rd:5`,
          operands: [r('Rd', true), r('Rn', true)], when: (f) => f.Rd === ZR || f.Rn === ZR,
        });
      }
      if (setsFlags) {
        out.push({
          id: `${name === 'ADDS' ? 'CMN' : 'CMP'}_${w}_addsub_imm`, mnemonic: name === 'ADDS' ? 'cmn' : 'cmp', aliasOf: immId,
          pattern: `${head} 100010 sh:1 imm12:12 Rn:5 11111`, operands: [r('Rn', true), addSubImm(), addSubShift()],
        });
      }
      // Shifted register.
      const shId = `${name}_${w}_addsub_shift`;
      const shifted = `${head} 01011 shift:2 0 Rm:5 imm6:6 Rn:5`;
      out.push({ id: shId, mnemonic: m, pattern: `${shifted} Rd:5`, operands: [r('Rd'), r('Rn'), r('Rm'), registerShift(width, { ror: false })] });
      if (setsFlags) {
        out.push({
          id: `${name === 'ADDS' ? 'CMN' : 'CMP'}_${w}_addsub_shift`, mnemonic: name === 'ADDS' ? 'cmn' : 'cmp', aliasOf: shId,
          pattern: `${shifted} 11111`, operands: [r('Rn'), r('Rm'), registerShift(width, { ror: false })],
        });
      }
      if (op === 1) {
        out.push({
          id: `${S ? 'NEGS' : 'NEG'}_${w}_addsub_shift`, mnemonic: S ? 'negs' : 'neg', aliasOf: shId,
          pattern: `${head} 01011 shift:2 0 Rm:5 imm6:6 11111 Rd:5`, operands: [r('Rd'), r('Rm'), registerShift(width, { ror: false })],
        });
      }
      // Extended register. The register width follows the extend (X for uxtx/sxtx).
      const extId = `${name}_${w}_addsub_ext`;
      const rm = gprOfWidth('Rm', (f) => (width === 64 ? extendRegisterWidth(f) : 32));
      const extended = `${head} 01011 00 1 Rm:5 option:3 imm3:3 Rn:5`;
      const lslWhen = setsFlags ? ['Rn'] : ['Rd', 'Rn'];
      out.push({
        id: extId, mnemonic: m, pattern: `${extended} Rd:5`,
        operands: [r('Rd', !setsFlags), r('Rn', true), rm, registerExtend(width, lslWhen)],
      });
      if (setsFlags) {
        out.push({
          id: `${name === 'ADDS' ? 'CMN' : 'CMP'}_${w}_addsub_ext`, mnemonic: name === 'ADDS' ? 'cmn' : 'cmp', aliasOf: extId,
          pattern: `${extended} 11111`, operands: [r('Rn', true), rm, registerExtend(width, ['Rn'])],
        });
      }
    }
  }
  return out;
}

export const dataProcessing: EntrySpec[] = [...addSub()];

