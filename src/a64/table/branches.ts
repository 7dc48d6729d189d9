// Branches: b/bl, b.<cond>, cbz/cbnz, tbz/tbnz (PC-relative, resolved or relocated as GNU as does),
// and br/blr/ret/eret.

import type { EntrySpec } from '../entry.ts';
import type { Fields } from '../pattern.ts';
import { condition, gpr, gprOfWidth, label, optionalGpr, testBitNumber } from '../operands.ts';
import { conditionOtherNames } from '../conditions.ts';

/** objdump's comment after b.cond: the condition's other names (`  // b.hs, b.nlast`). */
function otherConditionNames(f: Fields): string | undefined {
  const others = conditionOtherNames(f.cond!);
  return others.length === 0 ? undefined : `  // ${others.map((n) => `b.${n}`).join(', ')}`;
}

export const branches: EntrySpec[] = [
  { id: 'B', mnemonic: 'b', pattern: '0 00101 imm26:26', operands: [label({ bits: 26, scale: 4, relocation: 'JUMP26', field: 'imm26' })] },
  { id: 'BL', mnemonic: 'bl', pattern: '1 00101 imm26:26', operands: [label({ bits: 26, scale: 4, relocation: 'CALL26', field: 'imm26' })] },
  {
    id: 'B_cond', mnemonic: 'b.<cond>', pattern: '01010100 imm19:19 0 cond:4',
    operands: [condition('cond', { inMnemonic: true }), label({ bits: 19, scale: 4, relocation: 'CONDBR19', field: 'imm19' })],
    comment: otherConditionNames,
  },
  ...[0, 1].flatMap((sf): EntrySpec[] =>
    ['cbz', 'cbnz'].map((m, op) => ({
      id: `${m.toUpperCase()}_${sf ? 64 : 32}`, mnemonic: m, pattern: `sf=${sf} 011010 ${op} imm19:19 Rt:5`,
      operands: [gpr('Rt', { width: sf ? 64 : 32 }), label({ bits: 19, scale: 4, relocation: 'CONDBR19', field: 'imm19' })],
    })),
  ),
  ...['tbz', 'tbnz'].map((m, op): EntrySpec => ({
    id: m.toUpperCase(), mnemonic: m, pattern: `b5:1 011011 ${op} b40:5 imm14:14 Rt:5`,
    operands: [gprOfWidth('Rt', (f) => (f.b5 ? 64 : 32)), testBitNumber(), label({ bits: 14, scale: 4, relocation: 'TSTBR14', field: 'imm14' })],
  })),
  { id: 'BR', mnemonic: 'br', pattern: '1101011 0000 11111 000000 Rn:5 00000', operands: [gpr('Rn', { width: 64 })] },
  { id: 'BLR', mnemonic: 'blr', pattern: '1101011 0001 11111 000000 Rn:5 00000', operands: [gpr('Rn', { width: 64 })] },
  { id: 'RET', mnemonic: 'ret', pattern: '1101011 0010 11111 000000 Rn:5 00000', operands: [optionalGpr('Rn', { width: 64, default: 30 })] },
  { id: 'ERET', mnemonic: 'eret', pattern: '1101011 0100 11111 000000 11111 00000', operands: [] },
];
