// Laws of a bit-vector domain, written once against the Domain interface: the concrete domain checks
// them on numbers, the symbolic domain on the numbers its terms denote.

import { expect, it } from 'vitest';
import fc from 'fast-check';
import type { Domain } from '../../src/a64/domain.ts';

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
