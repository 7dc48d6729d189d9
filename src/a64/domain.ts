// The value domain: the one interface the A64 semantics are written against. The concrete domain
// (domain-concrete.ts) computes on numbers; a symbolic domain (issue 5) builds terms. Semantics never
// look inside a value: they combine values with these operations, ask `decide` where control flow
// depends on a value, and ask `concrete` where the machine needs a number (an address).
//
// Widths are bit-vector widths 1..128, as in the ASL's bits(N). Every operation names the width it
// works at (a symbolic term also knows its own width; a concrete value is just its unsigned number),
// so the semantics state every width once, where the Arm ARM does.

/** A bit-vector width, 1..128. */
export type Width = number;

/** Why a value could not be used as a number: the machine needs it concrete (an address, a branch target). */
export class SymbolicValueError extends Error {
  constructor(readonly what: string) {
    super(`${what} is symbolic; the machine needs a concrete value here`);
    this.name = 'SymbolicValueError';
  }
}

export interface Domain<V> {
  readonly name: string;

  /** The constant `value` (taken modulo 2^width; negative values wrap) as a `width`-bit vector. */
  constant(value: bigint, width: Width): V;
  /** The 1-bit vector for a boolean. */
  bit(value: boolean): V;

  // Arithmetic and logic, all operands and the result `width` bits wide; results wrap modulo 2^width.
  add(a: V, b: V, width: Width): V;
  sub(a: V, b: V, width: Width): V;
  mul(a: V, b: V, width: Width): V;
  neg(a: V, width: Width): V;
  /** Unsigned quotient; 0 when the divisor is 0 (the A64 UDIV rule). */
  udiv(a: V, b: V, width: Width): V;
  /** Signed quotient rounded towards zero; 0 when the divisor is 0 (the A64 SDIV rule). */
  sdiv(a: V, b: V, width: Width): V;
  and(a: V, b: V, width: Width): V;
  or(a: V, b: V, width: Width): V;
  xor(a: V, b: V, width: Width): V;
  not(a: V, width: Width): V;
  /** Number of leading zero bits (0..width), as a `width`-bit value. */
  countLeadingZeros(a: V, width: Width): V;

  // Shifts by a constant amount 0..width-1.
  shl(a: V, amount: number, width: Width): V;
  lshr(a: V, amount: number, width: Width): V;
  ashr(a: V, amount: number, width: Width): V;
  ror(a: V, amount: number, width: Width): V;

  // Shifts by a value (`amount` is `width` bits, unsigned). An amount >= width shifts everything out
  // (0, or all sign bits for ashr), as SMT-LIB does; A64's "MOD datasize" is the semantics' job.
  shlBy(a: V, amount: V, width: Width): V;
  lshrBy(a: V, amount: V, width: Width): V;
  ashrBy(a: V, amount: V, width: Width): V;
  /** Rotate right by `amount` MOD width. */
  rorBy(a: V, amount: V, width: Width): V;

  // Width changes.
  zeroExtend(a: V, from: Width, to: Width): V;
  signExtend(a: V, from: Width, to: Width): V;
  /** Bits hi..lo of `a` (a `hi-lo+1`-bit value), as the ASL's a<hi:lo>. */
  extract(a: V, hi: number, lo: number): V;
  /** hi:lo, where lo is `loWidth` bits wide. */
  concat(hi: V, lo: V, loWidth: Width): V;

  // Comparisons, each a 1-bit value.
  eq(a: V, b: V, width: Width): V;
  ult(a: V, b: V, width: Width): V;
  slt(a: V, b: V, width: Width): V;

  /** `cond` (1 bit) ? a : b. */
  ite(cond: V, a: V, b: V, width: Width): V;

  /** Where control flow depends on a 1-bit value: a concrete domain returns it, a symbolic one forks. */
  decide(cond: V): boolean;
  /** The number a value holds; throws SymbolicValueError (naming `what`) when it has no single one. */
  concrete(a: V, width: Width, what: string): bigint;
}

/** Bit n of a `width`-bit value, as the ASL's a<n>. */
export function bitOf<V>(D: Domain<V>, a: V, n: number): V {
  return D.extract(a, n, n);
}

/** The ASL's IsZero(a), as a 1-bit value. */
export function isZero<V>(D: Domain<V>, a: V, width: Width): V {
  return D.eq(a, D.constant(0n, width), width);
}
