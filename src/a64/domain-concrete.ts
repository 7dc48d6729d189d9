// The concrete value domain: a `width`-bit vector is its unsigned value as a bigint in
// [0, 2^width). Every result is masked to its width; no operation allocates more than its bigint.

import type { Domain, Width } from './domain.ts';

/** MASKS[w] = 2^w - 1, for w in 0..128. */
const MASKS: readonly bigint[] = Array.from({ length: 129 }, (_, w) => (1n << BigInt(w)) - 1n);
const SIGN: readonly bigint[] = Array.from({ length: 129 }, (_, w) => (w === 0 ? 0n : 1n << BigInt(w - 1)));
const WRAP: readonly bigint[] = Array.from({ length: 129 }, (_, w) => 1n << BigInt(w));

function signed(a: bigint, width: Width): bigint {
  return a >= SIGN[width]! ? a - WRAP[width]! : a;
}

export const concreteDomain: Domain<bigint> = {
  name: 'concrete',
  constant: (value, width) => value & MASKS[width]!,
  bit: (value) => (value ? 1n : 0n),

  add: (a, b, w) => (a + b) & MASKS[w]!,
  sub: (a, b, w) => (a - b) & MASKS[w]!,
  mul: (a, b, w) => (a * b) & MASKS[w]!,
  neg: (a, w) => -a & MASKS[w]!,
  udiv: (a, b) => (b === 0n ? 0n : a / b),
  sdiv(a, b, w) {
    if (b === 0n) return 0n;
    return (signed(a, w) / signed(b, w)) & MASKS[w]!; // bigint division truncates towards zero
  },
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
  not: (a, w) => a ^ MASKS[w]!,
  countLeadingZeros: (a, w) => BigInt(a === 0n ? w : w - a.toString(2).length),

  shl: (a, n, w) => (a << BigInt(n)) & MASKS[w]!,
  lshr: (a, n) => a >> BigInt(n),
  ashr: (a, n, w) => (signed(a, w) >> BigInt(n)) & MASKS[w]!,
  ror(a, n, w) {
    if (n === 0) return a;
    return ((a >> BigInt(n)) | (a << BigInt(w - n))) & MASKS[w]!;
  },

  shlBy: (a, amount, w) => (amount >= BigInt(w) ? 0n : (a << amount) & MASKS[w]!),
  lshrBy: (a, amount, w) => (amount >= BigInt(w) ? 0n : a >> amount),
  ashrBy: (a, amount, w) => (signed(a, w) >> (amount >= BigInt(w) ? BigInt(w - 1) : amount)) & MASKS[w]!,
  rorBy(a, amount, w) {
    const n = amount % BigInt(w);
    if (n === 0n) return a;
    return ((a >> n) | (a << (BigInt(w) - n))) & MASKS[w]!;
  },

  zeroExtend: (a) => a,
  signExtend: (a, from, to) => signed(a, from) & MASKS[to]!,
  extract: (a, hi, lo) => (a >> BigInt(lo)) & MASKS[hi - lo + 1]!,
  concat: (hi, lo, loWidth) => (hi << BigInt(loWidth)) | lo,

  eq: (a, b) => (a === b ? 1n : 0n),
  ult: (a, b) => (a < b ? 1n : 0n),
  slt: (a, b, w) => (signed(a, w) < signed(b, w) ? 1n : 0n),

  ite: (c, a, b) => (c === 1n ? a : b),
  decide: (c) => c === 1n,
  concrete: (a) => a,
};
