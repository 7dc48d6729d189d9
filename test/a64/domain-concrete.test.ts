// The concrete domain: known answers at the edges, and laws any domain must keep (written against
// the interface, so a symbolic domain can be checked with the same helper by evaluating its terms).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Domain } from '../../src/a64/domain.ts';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';

const D = concreteDomain;
const M64 = (1n << 64n) - 1n;

describe('known answers', () => {
  it('wraps and masks', () => {
    expect(D.add(M64, 1n, 64)).toBe(0n);
    expect(D.sub(0n, 1n, 32)).toBe(0xffffffffn);
    expect(D.constant(-1n, 128)).toBe((1n << 128n) - 1n);
    expect(D.mul(1n << 63n, 2n, 64)).toBe(0n);
    expect(D.neg(1n, 8)).toBe(0xffn);
  });
  it('divides as A64 does', () => {
    expect(D.sdiv(D.constant(-7n, 64), 2n, 64)).toBe(D.constant(-3n, 64));
    expect(D.sdiv(0x80000000n, 0xffffffffn, 32)).toBe(0x80000000n);
    expect(D.udiv(5n, 0n, 64)).toBe(0n);
    expect(D.sdiv(5n, 0n, 64)).toBe(0n);
  });
  it('shifts by constants and by values', () => {
    expect(D.ashr(0x80n, 7, 8)).toBe(0xffn);
    expect(D.ror(1n, 1, 64)).toBe(1n << 63n);
    expect(D.shlBy(1n, 64n, 64)).toBe(0n);
    expect(D.ashrBy(1n << 63n, 200n, 64)).toBe(M64);
    expect(D.rorBy(1n, 65n, 64)).toBe(1n << 63n);
  });
  it('extends, extracts, concatenates, counts', () => {
    expect(D.signExtend(0x80n, 8, 64)).toBe(0xffffffffffffff80n);
    expect(D.extract(0x1234n, 11, 4)).toBe(0x23n);
    expect(D.concat(0xabn, 0x1n, 4)).toBe(0xab1n);
    expect(D.countLeadingZeros(0n, 32)).toBe(32n);
    expect(D.countLeadingZeros(1n << 31n, 32)).toBe(0n);
    expect(D.slt(0x80n, 0x7fn, 8)).toBe(1n);
    expect(D.ult(0x80n, 0x7fn, 8)).toBe(0n);
  });
});

/** Laws of a bit-vector domain, checked through `value` (how a test reads a V as a number). */
export function domainLaws<V>(dom: Domain<V>, value: (v: V) => bigint): void {
  const widths = fc.constantFrom(1, 8, 16, 32, 64, 128);
  const pair = widths.chain((w) => fc.tuple(fc.constant(w), fc.bigInt(0n, (1n << BigInt(w)) - 1n), fc.bigInt(0n, (1n << BigInt(w)) - 1n)));
  it('add and sub are inverse; xor with itself is zero; not is xor with ones', () => {
    fc.assert(fc.property(pair, ([w, a, b]) => {
      const A = dom.constant(a, w);
      const B = dom.constant(b, w);
      expect(value(dom.sub(dom.add(A, B, w), B, w))).toBe(a);
      expect(value(dom.xor(A, A, w))).toBe(0n);
      expect(value(dom.not(A, w))).toBe(value(dom.xor(A, dom.constant(-1n, w), w)));
    }));
  });
  it('extract of concat gives the parts back; rotate is two shifts', () => {
    fc.assert(fc.property(pair, fc.nat(), ([w, a, b], k) => {
      if (w > 64) return;
      const C = dom.concat(dom.constant(a, w), dom.constant(b, w), w);
      expect(value(dom.extract(C, 2 * w - 1, w))).toBe(a);
      expect(value(dom.extract(C, w - 1, 0))).toBe(b);
      const n = k % w;
      if (n === 0) return;
      const A = dom.constant(a, w);
      expect(value(dom.ror(A, n, w))).toBe(value(dom.or(dom.lshr(A, n, w), dom.shl(A, w - n, w), w)));
    }));
  });
  it('sign extension agrees with signed comparison', () => {
    fc.assert(fc.property(pair, ([w, a, b]) => {
      if (w === 128) return;
      const sa = dom.signExtend(dom.constant(a, w), w, 128);
      const sb = dom.signExtend(dom.constant(b, w), w, 128);
      const lt = value(dom.slt(dom.constant(a, w), dom.constant(b, w), w));
      // In 128 bits, signed order of the extended values equals unsigned order after flipping the sign bit.
      const flip = dom.constant(1n << 127n, 128);
      expect(value(dom.ult(dom.xor(sa, flip, 128), dom.xor(sb, flip, 128), 128))).toBe(lt);
    }));
  });
}

describe('laws (concrete domain)', () => domainLaws(D, (v) => v));
