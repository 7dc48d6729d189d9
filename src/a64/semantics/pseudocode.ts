// Shared pseudocode functions of the Arm ARM, written against the value domain: AddWithCarry,
// ConditionHolds, ShiftReg, ExtendReg, DecodeBitMasks (the wmask/tmask pair bitfield moves need).

import type { Domain, Width } from '../domain.ts';
import type { ExtendType, ShiftType } from '../entry.ts';
import type { State } from '../../machine/state.ts';

export interface Flags<V> {
  n: V;
  z: V;
  c: V;
  v: V;
}

/** AddWithCarry(x, y, carry_in): the N-bit sum and the NZCV it sets. */
export function AddWithCarry<V>(D: Domain<V>, x: V, y: V, carryIn: V, N: Width): { result: V; flags: Flags<V> } {
  const wide = N + 1;
  const sum = D.add(D.add(D.zeroExtend(x, N, wide), D.zeroExtend(y, N, wide), wide), D.zeroExtend(carryIn, 1, wide), wide);
  const result = D.extract(sum, N - 1, 0);
  const n = D.extract(result, N - 1, N - 1);
  const z = D.eq(result, D.constant(0n, N), N);
  const c = D.extract(sum, N, N);
  // Signed overflow: x and y agree in sign and the result does not.
  const v = D.extract(D.and(D.xor(x, result, N), D.xor(y, result, N), N), N - 1, N - 1);
  return { result, flags: { n, z, c, v } };
}

/** ConditionHolds(cond) for the current PSTATE flags, as a 1-bit value. */
export function ConditionHolds<V>(s: State<V>, cond: number): V {
  const D = s.dom;
  let result: V;
  switch (cond >> 1) {
    case 0: result = s.Z; break; // EQ / NE
    case 1: result = s.C; break; // CS / CC
    case 2: result = s.N; break; // MI / PL
    case 3: result = s.V; break; // VS / VC
    case 4: result = D.and(s.C, D.not(s.Z, 1), 1); break; // HI / LS
    case 5: result = D.not(D.xor(s.N, s.V, 1), 1); break; // GE / LT
    case 6: result = D.and(D.not(D.xor(s.N, s.V, 1), 1), D.not(s.Z, 1), 1); break; // GT / LE
    default: result = D.bit(true); // AL (and NV, which also means always)
  }
  return (cond & 1) === 1 && cond !== 15 ? D.not(result, 1) : result;
}

/** ShiftReg: a register value shifted by a constant amount. */
export function ShiftReg<V>(D: Domain<V>, value: V, type: ShiftType, amount: number, N: Width): V {
  if (amount === 0) return value;
  switch (type) {
    case 'lsl': return D.shl(value, amount, N);
    case 'lsr': return D.lshr(value, amount, N);
    case 'asr': return D.ashr(value, amount, N);
    case 'ror': return D.ror(value, amount, N);
  }
}

const EXTEND_BITS: Record<Exclude<ExtendType, 'lsl'>, { len: number; unsigned: boolean }> = {
  uxtb: { len: 8, unsigned: true },
  uxth: { len: 16, unsigned: true },
  uxtw: { len: 32, unsigned: true },
  uxtx: { len: 64, unsigned: true },
  sxtb: { len: 8, unsigned: false },
  sxth: { len: 16, unsigned: false },
  sxtw: { len: 32, unsigned: false },
  sxtx: { len: 64, unsigned: false },
};

/**
 * ExtendReg: the low bits of a 64-bit register value, zero- or sign-extended to N bits and shifted
 * left by `shift`. `lsl` stands for uxtx (N = 64) or uxtw (N = 32), as the decoder reports it.
 */
export function ExtendReg<V>(D: Domain<V>, value64: V, type: ExtendType, shift: number, N: Width): V {
  const { len: full, unsigned } = type === 'lsl' ? { len: N, unsigned: true } : EXTEND_BITS[type];
  const len = Math.min(full, N - shift);
  const low = D.extract(value64, len - 1, 0);
  const extended = len === N ? low : unsigned ? D.zeroExtend(low, len, N) : D.signExtend(low, len, N);
  return shift === 0 ? extended : D.shl(extended, shift, N);
}

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

function replicate(element: bigint, esize: number, N: number): bigint {
  let out = 0n;
  for (let i = 0; i < N; i += esize) out |= element << BigInt(i);
  return out;
}

function rotateRight(x: bigint, r: number, esize: number): bigint {
  if (r === 0) return x;
  return ((x >> BigInt(r)) | (x << BigInt(esize - r))) & ones(esize);
}

/**
 * DecodeBitMasks(immN, imms, immr, immediate, M): the wmask and tmask of a bitfield move (with
 * immediate = false) or a logical immediate; undefined where the ASL says UNDEFINED.
 */
export function DecodeBitMasks(immN: number, imms: number, immr: number, immediate: boolean, M: number): { wmask: bigint; tmask: bigint } | undefined {
  const combined = (immN << 6) | (~imms & 0x3f);
  let len = -1;
  for (let i = 6; i >= 0; i--) if ((combined >> i) & 1) { len = i; break; }
  if (len < 1) return undefined;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return undefined;
  const S = imms & levels;
  const R = immr & levels;
  const esize = 1 << len;
  if (esize > M) return undefined;
  const d = (S - R) & levels;
  const welem = ones(S + 1);
  const telem = ones(d + 1);
  return { wmask: replicate(rotateRight(welem, R, esize), esize, M), tmask: replicate(telem, esize, M) };
}
