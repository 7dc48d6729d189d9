// The concrete domain: known answers at the edges, and the laws any domain must keep
// (test/helpers/domain-laws.ts, shared with the symbolic domain's tests).

import { describe, expect, it } from 'vitest';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { domainLaws } from '../helpers/domain-laws.ts';

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

describe('laws (concrete domain)', () => domainLaws(D, (v) => v));
