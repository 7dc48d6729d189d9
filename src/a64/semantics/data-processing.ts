// Data processing: add/sub (immediate, shifted, extended, with carry), logical, move wide, bitfield,
// extract, 1/2/3-source, conditional select and compare, adr/adrp. One function per Arm ARM family;
// the table at the end binds entry ids to them.

import type { Decoded } from '../entry.ts';
import type { Domain, Width } from '../domain.ts';
import type { State } from '../../machine/state.ts';
import { AddWithCarry, ConditionHolds, DecodeBitMasks, ExtendReg, ShiftReg } from './pseudocode.ts';
import type { Flags } from './pseudocode.ts';
import { operand, readReg, writeReg } from './types.ts';
import type { Exec, Semantics } from './types.ts';

function setFlags<V>(s: State<V>, f: Flags<V>): void {
  s.setFlags(f.n, f.z, f.c, f.v);
}

/** N and Z of a logical result; C and V cleared. */
function logicalFlags<V>(D: Domain<V>, result: V, N: Width): Flags<V> {
  const zero = D.bit(false);
  return { n: D.extract(result, N - 1, N - 1), z: D.eq(result, D.constant(0n, N), N), c: zero, v: zero };
}

/** add/adds/sub/subs of a register and an already computed second operand. */
function addSub<V>(D: Domain<V>, s: State<V>, x: V, y: V, sub: boolean, flags: boolean, N: Width): V {
  if (!flags) return sub ? D.sub(x, y, N) : D.add(x, y, N);
  const { result, flags: f } = AddWithCarry(D, x, sub ? D.not(y, N) : y, D.bit(sub), N);
  setFlags(s, f);
  return result;
}

// ------------------------------------------------------------------------------------------------
// Add/subtract

const addSubImmediate = (sub: boolean, flags: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const N = rd.width;
  const imm = D.constant(operand(d, 2, 'imm').value << BigInt(operand(d, 3, 'shift').amount), N);
  return (m) => {
    const s = m.state;
    writeReg(s, rd, addSub(D, s, readReg(s, rn), imm, sub, flags, N));
  };
};

const addSubShiftedRegister = (sub: boolean, flags: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const rm = operand(d, 2, 'reg');
  const shift = operand(d, 3, 'shift');
  const N = rd.width;
  return (m) => {
    const s = m.state;
    const y = ShiftReg(D, s.X(rm.n, N), shift.type, shift.amount, N);
    s.setX(rd.n, addSub(D, s, s.X(rn.n, N), y, sub, flags, N), N);
  };
};

const addSubExtendedRegister = (sub: boolean, flags: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const rm = operand(d, 2, 'reg');
  const ext = operand(d, 3, 'extend');
  const N = rd.width;
  return (m) => {
    const s = m.state;
    const y = ExtendReg(D, s.X(rm.n, 64), ext.type, ext.amount, N);
    writeReg(s, rd, addSub(D, s, readReg(s, rn), y, sub, flags, N));
  };
};

const addSubWithCarry = (sub: boolean, flags: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const rm = operand(d, 2, 'reg');
  const N = rd.width;
  return (m) => {
    const s = m.state;
    const y = s.X(rm.n, N);
    const { result, flags: f } = AddWithCarry(D, s.X(rn.n, N), sub ? D.not(y, N) : y, s.C, N);
    if (flags) setFlags(s, f);
    s.setX(rd.n, result, N);
  };
};

// ------------------------------------------------------------------------------------------------
// Logical

type LogicalOp = 'and' | 'or' | 'xor';

function logical<V>(D: Domain<V>, op: LogicalOp, a: V, b: V, N: Width): V {
  return op === 'and' ? D.and(a, b, N) : op === 'or' ? D.or(a, b, N) : D.xor(a, b, N);
}

const logicalImmediate = (op: LogicalOp, flags: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const N = rd.width;
  const imm = D.constant(operand(d, 2, 'imm').value, N);
  return (m) => {
    const s = m.state;
    const result = logical(D, op, s.X(rn.n, N), imm, N);
    if (flags) setFlags(s, logicalFlags(D, result, N));
    writeReg(s, rd, result);
  };
};

const logicalShiftedRegister = (op: LogicalOp, invert: boolean, flags: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const rm = operand(d, 2, 'reg');
  const shift = operand(d, 3, 'shift');
  const N = rd.width;
  return (m) => {
    const s = m.state;
    let y = ShiftReg(D, s.X(rm.n, N), shift.type, shift.amount, N);
    if (invert) y = D.not(y, N);
    const result = logical(D, op, s.X(rn.n, N), y, N);
    if (flags) setFlags(s, logicalFlags(D, result, N));
    s.setX(rd.n, result, N);
  };
};

// ------------------------------------------------------------------------------------------------
// Move wide

const moveWide = (opc: 'n' | 'z' | 'k'): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const N = rd.width;
  const pos = operand(d, 2, 'shift').amount;
  const imm = operand(d, 1, 'imm').value;
  if (opc !== 'k') {
    const value = D.constant(opc === 'z' ? imm << BigInt(pos) : ~(imm << BigInt(pos)), N);
    return (m) => m.state.setX(rd.n, value, N);
  }
  const keep = D.constant(~(0xffffn << BigInt(pos)), N);
  const insert = D.constant(imm << BigInt(pos), N);
  return (m) => {
    const s = m.state;
    s.setX(rd.n, D.or(D.and(s.X(rd.n, N), keep, N), insert, N), N);
  };
};

// ------------------------------------------------------------------------------------------------
// Bitfield and extract

const bitfieldMove = (kind: 'sbfm' | 'bfm' | 'ubfm'): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const R = Number(operand(d, 2, 'imm').value);
  const S = Number(operand(d, 3, 'imm').value);
  const N = rd.width;
  const masks = DecodeBitMasks(d.fields.N!, S, R, false, N);
  if (masks === undefined) throw new Error(`${d.entry.id}: reserved bitfield encoding`);
  const wmask = D.constant(masks.wmask, N);
  const tmask = D.constant(masks.tmask, N);
  const notTmask = D.constant(~masks.tmask, N);
  return (m) => {
    const s = m.state;
    const src = s.X(rn.n, N);
    const rotated = D.and(D.ror(src, R, N), wmask, N);
    let result: V;
    if (kind === 'ubfm') {
      result = D.and(rotated, tmask, N);
    } else if (kind === 'sbfm') {
      const top = D.signExtend(D.extract(src, S, S), 1, N); // Replicate(src<S>)
      result = D.or(D.and(top, notTmask, N), D.and(rotated, tmask, N), N);
    } else {
      const dst = s.X(rd.n, N);
      const bot = D.or(D.and(dst, D.not(wmask, N), N), rotated, N);
      result = D.or(D.and(dst, notTmask, N), D.and(bot, tmask, N), N);
    }
    s.setX(rd.n, result, N);
  };
};

const EXTR: Semantics = <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const rm = operand(d, 2, 'reg');
  const lsb = Number(operand(d, 3, 'imm').value);
  const N = rd.width;
  return (m) => {
    const s = m.state;
    const concat = D.concat(s.X(rn.n, N), s.X(rm.n, N), N);
    s.setX(rd.n, D.extract(concat, lsb + N - 1, lsb), N);
  };
};

// ------------------------------------------------------------------------------------------------
// Two sources: divide, variable shifts

type TwoSource = <V>(D: Domain<V>, a: V, b: V, N: Width) => V;

/** The variable shifts take the amount MOD datasize. */
function shiftAmount<V>(D: Domain<V>, b: V, N: Width): V {
  return D.and(b, D.constant(BigInt(N - 1), N), N);
}

const TWO_SOURCE: Record<string, TwoSource> = {
  UDIV: (D, a, b, N) => D.udiv(a, b, N),
  SDIV: (D, a, b, N) => D.sdiv(a, b, N),
  LSLV: (D, a, b, N) => D.shlBy(a, shiftAmount(D, b, N), N),
  LSRV: (D, a, b, N) => D.lshrBy(a, shiftAmount(D, b, N), N),
  ASRV: (D, a, b, N) => D.ashrBy(a, shiftAmount(D, b, N), N),
  RORV: (D, a, b, N) => D.rorBy(a, shiftAmount(D, b, N), N),
};

const twoSource = (f: TwoSource): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const rm = operand(d, 2, 'reg');
  const N = rd.width;
  return (m) => {
    const s = m.state;
    s.setX(rd.n, f(D, s.X(rn.n, N), s.X(rm.n, N), N), N);
  };
};

// ------------------------------------------------------------------------------------------------
// One source: bit and byte reversal, leading zero and sign counts

/** Reverses the order of `size`-bit units within each `container`-bit container of an N-bit value. */
function reverseUnits<V>(D: Domain<V>, x: V, size: number, container: number, N: Width): V {
  let out: V | undefined;
  let width = 0;
  // Build from the least significant unit of the result upwards.
  for (let c = 0; c < N; c += container) {
    for (let u = 0; u < container; u += size) {
      const srcLo = c + container - size - u;
      const piece = D.extract(x, srcLo + size - 1, srcLo);
      out = out === undefined ? piece : D.concat(piece, out, width);
      width += size;
    }
  }
  return out!;
}

type OneSource = <V>(D: Domain<V>, x: V, N: Width) => V;

const ONE_SOURCE: Record<string, OneSource> = {
  RBIT: (D, x, N) => reverseUnits(D, x, 1, N, N),
  REV16: (D, x, N) => reverseUnits(D, x, 8, 16, N),
  REV32: (D, x, N) => reverseUnits(D, x, 8, 32, N),
  REV: (D, x, N) => reverseUnits(D, x, 8, N, N),
  CLZ: (D, x, N) => D.countLeadingZeros(x, N),
  // CountLeadingSignBits(x) = CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>)
  CLS: (D, x, N) => D.zeroExtend(D.countLeadingZeros(D.xor(D.extract(x, N - 1, 1), D.extract(x, N - 2, 0), N - 1), N - 1), N - 1, N),
};

const oneSource = (f: OneSource): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const rn = operand(d, 1, 'reg');
  const N = rd.width;
  return (m) => {
    const s = m.state;
    s.setX(rd.n, f(D, s.X(rn.n, N), N), N);
  };
};

// ------------------------------------------------------------------------------------------------
// Three sources: multiply-add

const multiplyAdd = (sub: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const [rd, rn, rm, ra] = [0, 1, 2, 3].map((i) => operand(d, i, 'reg'));
  const N = rd!.width;
  return (m) => {
    const s = m.state;
    const product = D.mul(s.X(rn!.n, N), s.X(rm!.n, N), N);
    const acc = s.X(ra!.n, N);
    s.setX(rd!.n, sub ? D.sub(acc, product, N) : D.add(acc, product, N), N);
  };
};

/** smaddl/smsubl/umaddl/umsubl: 32x32 -> 64 products, accumulated into X. */
const multiplyAddLong = (unsigned: boolean, sub: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const [rd, rn, rm, ra] = [0, 1, 2, 3].map((i) => operand(d, i, 'reg'));
  const extend = (v: V): V => (unsigned ? D.zeroExtend(v, 32, 64) : D.signExtend(v, 32, 64));
  return (m) => {
    const s = m.state;
    const product = D.mul(extend(s.X(rn!.n, 32)), extend(s.X(rm!.n, 32)), 64);
    const acc = s.X(ra!.n, 64);
    s.setX(rd!.n, sub ? D.sub(acc, product, 64) : D.add(acc, product, 64));
  };
};

/** smulh/umulh: the upper 64 bits of the 128-bit product. */
const multiplyHigh = (unsigned: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const [rd, rn, rm] = [0, 1, 2].map((i) => operand(d, i, 'reg'));
  const extend = (v: V): V => (unsigned ? D.zeroExtend(v, 64, 128) : D.signExtend(v, 64, 128));
  return (m) => {
    const s = m.state;
    const product = D.mul(extend(s.X(rn!.n)), extend(s.X(rm!.n)), 128);
    s.setX(rd!.n, D.extract(product, 127, 64));
  };
};

// ------------------------------------------------------------------------------------------------
// Conditional select and compare

type ElseOp = 'sel' | 'inc' | 'inv' | 'neg';

const conditionalSelect = (elseOp: ElseOp): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const [rd, rn, rm] = [0, 1, 2].map((i) => operand(d, i, 'reg'));
  const cond = operand(d, 3, 'cond').cond;
  const N = rd!.width;
  const one = D.constant(1n, N);
  return (m) => {
    const s = m.state;
    const y = s.X(rm!.n, N);
    const otherwise = elseOp === 'sel' ? y : elseOp === 'inc' ? D.add(y, one, N) : elseOp === 'inv' ? D.not(y, N) : D.neg(y, N);
    s.setX(rd!.n, D.ite(ConditionHolds(s, cond), s.X(rn!.n, N), otherwise, N), N);
  };
};

/** ccmp/ccmn: the flags of the comparison if the condition holds, else the #nzcv immediate. */
const conditionalCompare = (negative: boolean, immediate: boolean): Semantics => <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const rn = operand(d, 0, 'reg');
  const N = rn.width;
  const rm = immediate ? undefined : operand(d, 1, 'reg');
  const imm = immediate ? D.constant(operand(d, 1, 'imm').value, N) : undefined;
  const nzcv = Number(operand(d, 2, 'imm').value);
  const cond = operand(d, 3, 'cond').cond;
  const given = [3, 2, 1, 0].map((b) => D.bit(((nzcv >> b) & 1) === 1)) as [V, V, V, V];
  return (m) => {
    const s = m.state;
    const y = rm === undefined ? imm! : s.X(rm.n, N);
    const holds = ConditionHolds(s, cond);
    const { flags: f } = AddWithCarry(D, s.X(rn.n, N), negative ? y : D.not(y, N), D.bit(!negative), N);
    s.setFlags(D.ite(holds, f.n, given[0], 1), D.ite(holds, f.z, given[1], 1), D.ite(holds, f.c, given[2], 1), D.ite(holds, f.v, given[3], 1));
  };
};

// ------------------------------------------------------------------------------------------------
// PC-relative addresses

const pcRelative = (page: boolean): Semantics => <V>(d: Decoded, { dom: D, address }: { dom: Domain<V>; address: bigint }): Exec<V> => {
  const rd = operand(d, 0, 'reg');
  const base = page ? address & ~0xfffn : address;
  const value = D.constant(base + operand(d, 1, 'label').offset, 64);
  return (m) => m.state.setX(rd.n, value);
};

// ------------------------------------------------------------------------------------------------
// The table: entry id -> semantics

function forWidths(make: (w: string) => [string, Semantics][]): [string, Semantics][] {
  return ['32', '64'].flatMap(make);
}

export const DATA_PROCESSING: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ...forWidths((w) =>
    (
      [
        ['ADD', false, false],
        ['ADDS', false, true],
        ['SUB', true, false],
        ['SUBS', true, true],
      ] as const
    ).flatMap(([name, sub, flags]): [string, Semantics][] => [
      [`${name}_${w}_addsub_imm`, addSubImmediate(sub, flags)],
      [`${name}_${w}_addsub_shift`, addSubShiftedRegister(sub, flags)],
      [`${name}_${w}_addsub_ext`, addSubExtendedRegister(sub, flags)],
    ]),
  ),
  ...forWidths((w) => [
    [`ADC_${w}`, addSubWithCarry(false, false)],
    [`ADCS_${w}`, addSubWithCarry(false, true)],
    [`SBC_${w}`, addSubWithCarry(true, false)],
    [`SBCS_${w}`, addSubWithCarry(true, true)],
    [`AND_${w}_log_imm`, logicalImmediate('and', false)],
    [`ORR_${w}_log_imm`, logicalImmediate('or', false)],
    [`EOR_${w}_log_imm`, logicalImmediate('xor', false)],
    [`ANDS_${w}_log_imm`, logicalImmediate('and', true)],
    [`AND_${w}_log_shift`, logicalShiftedRegister('and', false, false)],
    [`BIC_${w}_log_shift`, logicalShiftedRegister('and', true, false)],
    [`ORR_${w}_log_shift`, logicalShiftedRegister('or', false, false)],
    [`ORN_${w}_log_shift`, logicalShiftedRegister('or', true, false)],
    [`EOR_${w}_log_shift`, logicalShiftedRegister('xor', false, false)],
    [`EON_${w}_log_shift`, logicalShiftedRegister('xor', true, false)],
    [`ANDS_${w}_log_shift`, logicalShiftedRegister('and', false, true)],
    [`BICS_${w}_log_shift`, logicalShiftedRegister('and', true, true)],
    [`MOVN_${w}`, moveWide('n')],
    [`MOVZ_${w}`, moveWide('z')],
    [`MOVK_${w}`, moveWide('k')],
    [`SBFM_${w}`, bitfieldMove('sbfm')],
    [`BFM_${w}`, bitfieldMove('bfm')],
    [`UBFM_${w}`, bitfieldMove('ubfm')],
    [`EXTR_${w}`, EXTR],
    ...Object.entries(TWO_SOURCE).map(([name, f]): [string, Semantics] => [`${name}_${w}`, twoSource(f)]),
    ...Object.entries(ONE_SOURCE)
      .filter(([name]) => w === '64' || name !== 'REV32')
      .map(([name, f]): [string, Semantics] => [`${name}_${w}`, oneSource(f)]),
    [`MADD_${w}`, multiplyAdd(false)],
    [`MSUB_${w}`, multiplyAdd(true)],
    [`CSEL_${w}`, conditionalSelect('sel')],
    [`CSINC_${w}`, conditionalSelect('inc')],
    [`CSINV_${w}`, conditionalSelect('inv')],
    [`CSNEG_${w}`, conditionalSelect('neg')],
    [`CCMN_${w}_reg`, conditionalCompare(true, false)],
    [`CCMN_${w}_imm`, conditionalCompare(true, true)],
    [`CCMP_${w}_reg`, conditionalCompare(false, false)],
    [`CCMP_${w}_imm`, conditionalCompare(false, true)],
  ]),
  ['SMADDL', multiplyAddLong(false, false)],
  ['SMSUBL', multiplyAddLong(false, true)],
  ['UMADDL', multiplyAddLong(true, false)],
  ['UMSUBL', multiplyAddLong(true, true)],
  ['SMULH', multiplyHigh(false)],
  ['UMULH', multiplyHigh(true)],
  ['ADR', pcRelative(false)],
  ['ADRP', pcRelative(true)],
]);
