// The concrete value domain: a `width`-bit vector is its unsigned value as a bigint in
// [0, 2^width). Every result is masked to its width.
//
// Speed: the 64-bit case is written as `BigInt.asUintN(64, ...)`, which V8's optimising compiler turns
// into plain 64-bit machine arithmetic (no BigInt allocated) when the operation is inlined between a
// load from and a store to a BigUint64Array (how the concrete State holds X and SP). Other widths use
// masks. Shift amounts come from a table: converting a number with BigInt() on every step costs more
// than the shift.

import type { Domain, Width } from './domain.ts';

/** MASKS[w] = 2^w - 1, for w in 0..128. */
const MASKS: readonly bigint[] = Array.from({ length: 129 }, (_, w) => (1n << BigInt(w)) - 1n);
const SIGN: readonly bigint[] = Array.from({ length: 129 }, (_, w) => (w === 0 ? 0n : 1n << BigInt(w - 1)));
const WRAP: readonly bigint[] = Array.from({ length: 129 }, (_, w) => 1n << BigInt(w));
/** BIG[n] = BigInt(n), for the shift amounts and extract positions 0..128. */
const BIG: readonly bigint[] = Array.from({ length: 129 }, (_, n) => BigInt(n));

function signed(a: bigint, width: Width): bigint {
  return a >= SIGN[width]! ? a - WRAP[width]! : a;
}

export const concreteDomain: Domain<bigint> = {
  name: 'concrete',
  constant: (value, width) => value & MASKS[width]!,
  bit: (value) => (value ? 1n : 0n),

  add: (a, b, w) => (w === 64 ? BigInt.asUintN(64, a + b) : (a + b) & MASKS[w]!),
  sub: (a, b, w) => (w === 64 ? BigInt.asUintN(64, a - b) : (a - b) & MASKS[w]!),
  mul: (a, b, w) => (w === 64 ? BigInt.asUintN(64, a * b) : (a * b) & MASKS[w]!),
  neg: (a, w) => (w === 64 ? BigInt.asUintN(64, -a) : -a & MASKS[w]!),
  udiv: (a, b) => (b === 0n ? 0n : a / b),
  sdiv(a, b, w) {
    if (b === 0n) return 0n;
    return (signed(a, w) / signed(b, w)) & MASKS[w]!; // bigint division truncates towards zero
  },
  and: (a, b, w) => (w === 64 ? BigInt.asUintN(64, a & b) : a & b),
  or: (a, b, w) => (w === 64 ? BigInt.asUintN(64, a | b) : a | b),
  xor: (a, b, w) => (w === 64 ? BigInt.asUintN(64, a ^ b) : a ^ b),
  not: (a, w) => (w === 64 ? BigInt.asUintN(64, ~a) : a ^ MASKS[w]!),
  countLeadingZeros: (a, w) => BigInt(a === 0n ? w : w - a.toString(2).length),

  shl: (a, n, w) => (w === 64 ? BigInt.asUintN(64, a << BIG[n]!) : (a << BIG[n]!) & MASKS[w]!),
  lshr: (a, n) => a >> BIG[n]!,
  ashr: (a, n, w) => (signed(a, w) >> BIG[n]!) & MASKS[w]!,
  ror(a, n, w) {
    if (n === 0) return a;
    return ((a >> BIG[n]!) | (a << BIG[w - n]!)) & MASKS[w]!;
  },

  shlBy: (a, amount, w) => (amount >= BIG[w]! ? 0n : (a << amount) & MASKS[w]!),
  lshrBy: (a, amount, w) => (amount >= BIG[w]! ? 0n : a >> amount),
  ashrBy: (a, amount, w) => (signed(a, w) >> (amount >= BIG[w]! ? BIG[w - 1]! : amount)) & MASKS[w]!,
  rorBy(a, amount, w) {
    const n = amount % BIG[w]!;
    if (n === 0n) return a;
    return ((a >> n) | (a << (BIG[w]! - n))) & MASKS[w]!;
  },

  zeroExtend: (a) => a,
  signExtend: (a, from, to) => signed(a, from) & MASKS[to]!,
  extract: (a, hi, lo) => (lo === 0 ? (hi === 63 ? BigInt.asUintN(64, a) : a & MASKS[hi + 1]!) : (a >> BIG[lo]!) & MASKS[hi - lo + 1]!),
  concat: (hi, lo, loWidth) => (hi << BIG[loWidth]!) | lo,

  eq: (a, b) => (a === b ? 1n : 0n),
  ult: (a, b) => (a < b ? 1n : 0n),
  slt: (a, b, w) => (signed(a, w) < signed(b, w) ? 1n : 0n),

  ite: (c, a, b) => (c === 1n ? a : b),
  decide: (c) => c === 1n,
  concrete: (a) => a,
};
