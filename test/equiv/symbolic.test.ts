// The symbolic domain: the shared domain laws on the numbers its terms denote; soundness of the
// normalisation (a term built from symbols evaluates to what the concrete domain computes on the
// symbols' values, for random expressions); and canonical forms (moving the same data gives the
// identical term), which the proof's term-by-term comparison relies on.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { SymbolicValueError } from '../../src/a64/domain.ts';
import { CellStore } from '../../src/machine/memory.ts';
import { evaluate, show, symbol, symbolicDomain } from '../../src/equiv/symbolic.ts';
import type { Term } from '../../src/equiv/symbolic.ts';
import { domainLaws } from '../helpers/domain-laws.ts';

const S = symbolicDomain;
const C = concreteDomain;
const none = new Map<string, bigint>();

describe('laws (symbolic domain, on the constants its terms denote)', () => domainLaws(S, (t) => evaluate(t, none)));

// ------------------------------------------------------------------------------------------------
// Soundness: random expressions over symbols

const WIDTHS = [1, 8, 32, 64] as const;

/** An expression: built once in the symbolic domain and once in the concrete one from the same values. */
interface Pair {
  t: Term;
  v: bigint;
  w: number;
}

function expression(depth: number): fc.Arbitrary<(env: Map<string, bigint>) => Pair> {
  const leaf = fc.oneof(
    fc.tuple(fc.constantFrom(...WIDTHS), fc.constantFrom('a', 'b', 'c')).map(([w, n]) => (env: Map<string, bigint>) => {
      const name = `${n}${w}`;
      return { t: symbol(name, w), v: env.get(name)! & ((1n << BigInt(w)) - 1n), w };
    }),
    fc.tuple(fc.constantFrom(...WIDTHS), fc.bigInt(0n, (1n << 64n) - 1n)).map(([w, k]) => () => ({ t: S.constant(k, w), v: C.constant(k, w), w })),
  );
  if (depth === 0) return leaf;
  const sub = expression(depth - 1);
  const binary = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'eq', 'ult', 'slt', 'shlBy', 'lshrBy', 'ashrBy', 'rorBy', 'udiv', 'sdiv'] as const;
  const unary = ['not', 'neg', 'clz'] as const;
  return fc.oneof(
    leaf,
    fc.tuple(fc.constantFrom(...binary), sub, sub).map(([op, fa, fb]) => (env: Map<string, bigint>) => {
      const a = fa(env);
      const b = fit(fb(env), a.w);
      const w = a.w;
      const out = (t: Term, v: bigint, width: number): Pair => ({ t, v, w: width });
      if (op === 'eq' || op === 'ult' || op === 'slt') return out(S[op](a.t, b.t, w), C[op](a.v, b.v, w), 1);
      return out(S[op](a.t, b.t, w), C[op](a.v, b.v, w), w);
    }),
    fc.tuple(fc.constantFrom(...unary), sub).map(([op, fa]) => (env: Map<string, bigint>) => {
      const a = fa(env);
      return { t: S[op === 'clz' ? 'countLeadingZeros' : op](a.t, a.w), v: C[op === 'clz' ? 'countLeadingZeros' : op](a.v, a.w), w: a.w };
    }),
    fc.tuple(sub, fc.nat(), fc.nat(), fc.constantFrom('shl', 'lshr', 'ashr', 'ror', 'extract', 'sext', 'zext') as fc.Arbitrary<string>).map(([fa, i, j, op]) => (env: Map<string, bigint>) => {
      const a = fa(env);
      const n = i % a.w;
      if (op === 'extract') {
        const lo = Math.min(n, j % a.w);
        const hi = Math.max(n, j % a.w);
        return { t: S.extract(a.t, hi, lo), v: C.extract(a.v, hi, lo), w: hi - lo + 1 };
      }
      if (op === 'sext' || op === 'zext') {
        const to = Math.min(128, a.w + (j % 64));
        return op === 'sext' ? { t: S.signExtend(a.t, a.w, to), v: C.signExtend(a.v, a.w, to), w: to } : { t: S.zeroExtend(a.t, a.w, to), v: C.zeroExtend(a.v, a.w, to), w: to };
      }
      const f = op as 'shl' | 'lshr' | 'ashr' | 'ror';
      return { t: S[f](a.t, n, a.w), v: C[f](a.v, n, a.w), w: a.w };
    }),
    fc.tuple(sub, sub, sub).map(([fc0, fa, fb]) => (env: Map<string, bigint>) => {
      const c = fit(fc0(env), 1);
      const a = fa(env);
      const b = fit(fb(env), a.w);
      return { t: S.ite(c.t, a.t, b.t, a.w), v: C.ite(c.v, a.v, b.v, a.w), w: a.w };
    }),
    fc.tuple(sub, sub).map(([fa, fb]) => (env: Map<string, bigint>) => {
      const a = fa(env);
      const b = fb(env);
      if (a.w + b.w > 128) return a;
      return { t: S.concat(a.t, b.t, b.w), v: C.concat(a.v, b.v, b.w), w: a.w + b.w };
    }),
  );
}

/** `p` cut or zero-extended to `w` bits. */
function fit(p: Pair, w: number): Pair {
  if (p.w === w) return p;
  if (p.w > w) return { t: S.extract(p.t, w - 1, 0), v: C.extract(p.v, w - 1, 0), w };
  return { t: S.zeroExtend(p.t, p.w, w), v: C.zeroExtend(p.v, p.w, w), w };
}

const environment = fc.record(Object.fromEntries(['a', 'b', 'c'].flatMap((n) => WIDTHS.map((w) => [`${n}${w}`, fc.bigInt(0n, (1n << BigInt(w)) - 1n)])))).map((r) => new Map(Object.entries(r)));

describe('normalisation is sound', () => {
  it('a term evaluates to what the concrete domain computes on the same values', () => {
    fc.assert(
      fc.property(expression(3), environment, (make, env) => {
        const p = make(env);
        expect(p.t.width, show(p.t)).toBe(p.w);
        expect(evaluate(p.t, env), show(p.t)).toBe(p.v);
      }),
      { numRuns: 2000 },
    );
  });
});

// ------------------------------------------------------------------------------------------------
// Canonical forms

describe('moving the same data gives the identical term', () => {
  const x = symbol('host.x19', 64);
  const y = symbol('host.x20', 64);

  it('extract of concat, extract of zero-extend, shifts that cancel, x+0, x & ones, x | 0', () => {
    expect(S.extract(S.concat(x, y, 64), 127, 64)).toBe(x);
    expect(S.extract(S.zeroExtend(x, 64, 128), 63, 0)).toBe(x);
    expect(S.concat(S.extract(x, 63, 32), S.extract(x, 31, 0), 32)).toBe(x);
    expect(S.lshr(S.shl(S.lshr(x, 8, 64), 8, 64), 8, 64)).toBe(S.lshr(x, 8, 64));
    expect(S.add(x, S.constant(0n, 64), 64)).toBe(x);
    expect(S.add(S.add(x, S.constant(8n, 64), 64), S.constant(-8n, 64), 64)).toBe(x);
    expect(S.and(x, S.constant(-1n, 64), 64)).toBe(x);
    expect(S.or(x, S.constant(0n, 64), 64)).toBe(x);
    expect(S.xor(x, x, 64)).toBe(S.constant(0n, 64));
    expect(S.not(S.not(x, 64), 64)).toBe(x);
    expect(S.sub(x, x, 64)).toBe(S.constant(0n, 64));
  });

  it('masks of known bits: RES0/RES1 applied twice are applied once; ubfx of a masked value is a slice', () => {
    const keep = S.constant(0x0000_ffff_0000_ff0fn, 64);
    const ones = S.constant(0x0000_0001_0000_0100n, 64);
    const once = S.or(S.and(x, keep, 64), ones, 64);
    expect(S.or(S.and(once, keep, 64), ones, 64)).toBe(once);
    expect(S.extract(once, 3, 0)).toBe(S.extract(x, 3, 0));
    expect(S.extract(once, 7, 4)).toBe(S.constant(0n, 4));
  });

  it('commutative operations in one order; ite with equal arms or a constant condition', () => {
    expect(S.add(x, y, 64)).toBe(S.add(y, x, 64));
    expect(S.and(x, y, 64)).toBe(S.and(y, x, 64));
    expect(S.eq(x, y, 64)).toBe(S.eq(y, x, 64));
    expect(S.ite(S.eq(x, y, 64), x, x, 64)).toBe(x);
    expect(S.ite(S.bit(true), x, y, 64)).toBe(x);
  });

  it('equality decides constant differences in any slice, and equal slices', () => {
    const tagged = S.or(S.and(x, S.constant(~0xfn, 64), 64), S.constant(0x5n, 64), 64);
    expect(S.eq(tagged, S.and(y, S.constant(~0xfn, 64), 64), 64)).toBe(S.constant(0n, 1));
    expect(S.eq(S.concat(S.extract(x, 63, 8), S.constant(1n, 8), 8), S.concat(S.extract(x, 63, 8), S.constant(1n, 8), 8), 64)).toBe(S.constant(1n, 1));
  });

  it('an 8-byte store read back as two 4-byte halves, or bytewise, is the term again', () => {
    const cells = new CellStore(S, (i) => symbol(`mem[${i}]`, 64));
    cells.store(8, 8, x);
    expect(S.concat(cells.load(12, 4), cells.load(8, 4), 32)).toBe(x);
    cells.store(16, 4, S.extract(y, 31, 0));
    cells.store(20, 4, S.extract(y, 63, 32));
    expect(cells.load(16, 8)).toBe(y);
    const q = symbol('host.v0', 128);
    cells.store(32, 16, q);
    expect(cells.load(32, 16)).toBe(q);
  });

  it('decide asks the oracle only for non-constant conditions; concrete refuses a symbol', () => {
    const asked: string[] = [];
    S.oracle = (c) => {
      asked.push(show(c));
      return true;
    };
    try {
      expect(S.decide(S.eq(x, x, 64))).toBe(true);
      expect(S.decide(S.eq(x, y, 64))).toBe(true);
    } finally {
      S.oracle = undefined;
    }
    expect(asked).toEqual([show(S.eq(x, y, 64))]);
    expect(() => S.concrete(x, 64, 'load address')).toThrow(SymbolicValueError);
    expect(S.concrete(S.add(S.constant(0x4000n, 64), S.constant(8n, 64), 64), 64, 'load address')).toBe(0x4008n);
  });
});
