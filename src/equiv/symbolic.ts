// The symbolic value domain: bit-vector terms, hash-consed, kept in a normal form so that two runs
// that move the same data compute the very same term (equality is object identity).
//
// The normal form: every term is a concatenation of segments, low bits first, each segment either a
// constant or a contiguous slice of an atom (a symbol, or an operation nothing simplifies further).
// Moves, shifts by constants, extracts, extensions, masks and and/or/xor with constants only cut and
// glue segments, so `ldr w; stp; ldp; lsr #32; msr` chains reduce to the symbol slices they carry.
// Arithmetic on non-constants makes an operation atom over normalised operands (commutative ones in
// a fixed order). `decide` on a non-constant condition asks the path oracle (the proof enumerates
// paths); `concrete` on a non-constant throws SymbolicValueError (addresses stay concrete).

import { SymbolicValueError } from '../a64/domain.ts';
import type { Domain, Width } from '../a64/domain.ts';
import { concreteDomain } from '../a64/domain-concrete.ts';

export type Term = ConstTerm | SymTerm | OpTerm | CatTerm;

interface TermBase {
  /** Interning number: equal terms are the same object. */
  readonly id: number;
  readonly width: Width;
}
export interface ConstTerm extends TermBase {
  readonly kind: 'const';
  readonly value: bigint;
}
export interface SymTerm extends TermBase {
  readonly kind: 'sym';
  readonly name: string;
}
export interface OpTerm extends TermBase {
  readonly kind: 'op';
  readonly op: OpName;
  readonly args: readonly Term[];
  /** Constant parameters (none of the current operations needs one; kept for the key). */
}
export interface CatTerm extends TermBase {
  readonly kind: 'cat';
  /** Low bits first; at least two segments, or one partial slice. */
  readonly segments: readonly Segment[];
}

/** An atom: what a slice segment slices. */
export type Atom = SymTerm | OpTerm;

export type Segment = { kind: 'c'; value: bigint; width: Width } | { kind: 's'; atom: Atom; lo: number; width: Width };

/** Operations that stay as nodes when their operands are not all constant. */
export type OpName = 'add' | 'sub' | 'mul' | 'neg' | 'udiv' | 'sdiv' | 'and' | 'or' | 'xor' | 'not' | 'clz' | 'shlBy' | 'lshrBy' | 'ashrBy' | 'rorBy' | 'eq' | 'ult' | 'slt' | 'ite' | 'sext';

const COMMUTATIVE = new Set<OpName>(['add', 'mul', 'and', 'or', 'xor', 'eq']);

const MASK = (w: number): bigint => (1n << BigInt(w)) - 1n;

// ------------------------------------------------------------------------------------------------
// Interning

const table = new Map<string, Term>();
let nextId = 1;

function intern<T extends Term>(key: string, make: (id: number) => T): T {
  const found = table.get(key);
  if (found !== undefined) return found as T;
  const t = make(nextId++);
  table.set(key, t);
  return t;
}

export function constant(value: bigint, width: Width): ConstTerm {
  const v = value & MASK(width);
  return intern(`c${width}:${v.toString(16)}`, (id) => ({ id, width, kind: 'const', value: v }));
}

/** A named symbol: `host.x19`, `vcpu.sys_regs[TTBR0_EL1]@init`, `mem[0x40001238]`. */
export function symbol(name: string, width: Width): SymTerm {
  return intern(`s${width}:${name}`, (id) => ({ id, width, kind: 'sym', name }));
}

function op(name: OpName, args: Term[], width: Width): OpTerm {
  if (COMMUTATIVE.has(name)) args.sort((a, b) => a.id - b.id);
  return intern(`o${width}:${name}(${args.map((a) => a.id).join(',')})`, (id) => ({ id, width, kind: 'op', op: name, args }));
}

function segmentKey(s: Segment): string {
  return s.kind === 'c' ? `c${s.width}:${s.value.toString(16)}` : `s${s.atom.id}@${s.lo}:${s.width}`;
}

// ------------------------------------------------------------------------------------------------
// Segments

/** The segments of a term, low bits first. */
export function segments(t: Term): readonly Segment[] {
  switch (t.kind) {
    case 'const':
      return [{ kind: 'c', value: t.value, width: t.width }];
    case 'cat':
      return t.segments;
    default:
      return [{ kind: 's', atom: t, lo: 0, width: t.width }];
  }
}

/** The term of a segment list: adjacent constants and contiguous slices of one atom merged. */
function build(parts: readonly Segment[]): Term {
  const merged: Segment[] = [];
  for (const p of parts) {
    if (p.width === 0) continue;
    const last = merged[merged.length - 1];
    if (last !== undefined && last.kind === 'c' && p.kind === 'c') {
      merged[merged.length - 1] = { kind: 'c', value: last.value | (p.value << BigInt(last.width)), width: last.width + p.width };
    } else if (last !== undefined && last.kind === 's' && p.kind === 's' && last.atom === p.atom && last.lo + last.width === p.lo) {
      merged[merged.length - 1] = { kind: 's', atom: p.atom, lo: last.lo, width: last.width + p.width };
    } else merged.push(p);
  }
  if (merged.length === 1) {
    const only = merged[0]!;
    if (only.kind === 'c') return constant(only.value, only.width);
    if (only.lo === 0 && only.width === only.atom.width) return only.atom;
  }
  const width = merged.reduce((n, s) => n + s.width, 0);
  return intern(`k[${merged.map(segmentKey).join(' ')}]`, (id) => ({ id, width, kind: 'cat', segments: merged }));
}

/** Bits lo..lo+width-1 of a segment list. */
function slice(parts: readonly Segment[], lo: number, width: number): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  const hi = lo + width;
  for (const p of parts) {
    const start = Math.max(lo, at);
    const end = Math.min(hi, at + p.width);
    if (start < end) {
      const from = start - at;
      const n = end - start;
      out.push(p.kind === 'c' ? { kind: 'c', value: (p.value >> BigInt(from)) & MASK(n), width: n } : { kind: 's', atom: p.atom, lo: p.lo + from, width: n });
    }
    at += p.width;
    if (at >= hi) break;
  }
  return out;
}

/** Two segment lists of one width cut at the union of their boundaries: pairs of equal-width pieces. */
function align(a: readonly Segment[], b: readonly Segment[]): [Segment, Segment][] {
  const cuts = new Set<number>();
  let at = 0;
  for (const p of a) cuts.add((at += p.width));
  at = 0;
  for (const p of b) cuts.add((at += p.width));
  const out: [Segment, Segment][] = [];
  let lo = 0;
  for (const c of [...cuts].sort((x, y) => x - y)) {
    out.push([slice(a, lo, c - lo)[0]!, slice(b, lo, c - lo)[0]!]);
    lo = c;
  }
  return out;
}

/** Runs of equal bits of a constant: [lo, width, bit]. */
function runs(value: bigint, width: number): [number, number, 0 | 1][] {
  const out: [number, number, 0 | 1][] = [];
  let lo = 0;
  while (lo < width) {
    const bit = Number((value >> BigInt(lo)) & 1n) as 0 | 1;
    let n = 1;
    while (lo + n < width && Number((value >> BigInt(lo + n)) & 1n) === bit) n++;
    out.push([lo, n, bit]);
    lo += n;
  }
  return out;
}

const termOf = (s: Segment): Term => build([s]);
const sameSegment = (a: Segment, b: Segment): boolean => a.kind === 's' && b.kind === 's' && a.atom === b.atom && a.lo === b.lo;

// ------------------------------------------------------------------------------------------------
// Bitwise operations, piece by piece

type Bitwise = 'and' | 'or' | 'xor';

function bitwise(name: Bitwise, a: Term, b: Term, width: Width): Term {
  if (a.kind === 'const' && b.kind === 'const') {
    const v = name === 'and' ? a.value & b.value : name === 'or' ? a.value | b.value : a.value ^ b.value;
    return constant(v, width);
  }
  const out: Segment[] = [];
  for (const [pa, pb] of align(segments(a), segments(b))) {
    if (pa.kind === 'c' && pb.kind === 'c') {
      out.push(...segments(bitwise(name, termOf(pa), termOf(pb), pa.width)));
    } else if (pa.kind === 'c' || pb.kind === 'c') {
      const [c, x] = (pa.kind === 'c' ? [pa, pb] : [pb, pa]) as [Segment & { kind: 'c' }, Segment];
      for (const [lo, n, bit] of runs(c.value, c.width)) {
        const piece = slice([x], lo, n);
        if (name === 'and') out.push(...(bit === 1 ? piece : [{ kind: 'c', value: 0n, width: n } as Segment]));
        else if (name === 'or') out.push(...(bit === 0 ? piece : [{ kind: 'c', value: MASK(n), width: n } as Segment]));
        else out.push(...(bit === 0 ? piece : segments(not(build(piece), n))));
      }
    } else if (sameSegment(pa, pb)) {
      out.push(name === 'xor' ? { kind: 'c', value: 0n, width: pa.width } : pa);
    } else {
      out.push(...segments(op(name, [termOf(pa), termOf(pb)], pa.width)));
    }
  }
  return build(out);
}

function not(a: Term, width: Width): Term {
  const out: Segment[] = [];
  for (const p of segments(a)) {
    if (p.kind === 'c') out.push({ kind: 'c', value: ~p.value & MASK(p.width), width: p.width });
    else if (p.atom.kind === 'op' && p.atom.op === 'not' && p.lo === 0 && p.width === p.atom.width) out.push(...segments(p.atom.args[0]!));
    else out.push(...segments(op('not', [termOf(p)], p.width)));
  }
  void width;
  return build(out);
}

// ------------------------------------------------------------------------------------------------
// The domain

const C = concreteDomain;

function isConst(t: Term): t is ConstTerm {
  return t.kind === 'const';
}

function extract(a: Term, hi: number, lo: number): Term {
  if (lo === 0 && hi === a.width - 1) return a;
  return build(slice(segments(a), lo, hi - lo + 1));
}

function concat(hi: Term, lo: Term): Term {
  return build([...segments(lo), ...segments(hi)]);
}

const zero = (w: Width): Term => constant(0n, w);

function signExtend(a: Term, from: Width, to: Width): Term {
  if (to === from) return a;
  if (isConst(a)) return constant(C.signExtend(a.value, from, to), to);
  const top = slice(segments(a), from - 1, 1)[0]!;
  if (top.kind === 'c') return concat(constant(top.value === 1n ? -1n : 0n, to - from), a);
  return build([...segments(a), ...Array.from({ length: to - from }, () => top)]);
}

function shl(a: Term, n: number, w: Width): Term {
  if (n === 0) return a;
  return build([{ kind: 'c', value: 0n, width: n }, ...slice(segments(a), 0, w - n)]);
}

function lshr(a: Term, n: number, w: Width): Term {
  if (n === 0) return a;
  return build([...slice(segments(a), n, w - n), { kind: 'c', value: 0n, width: n }]);
}

function ashr(a: Term, n: number, w: Width): Term {
  if (n === 0) return a;
  return signExtend(extract(a, w - 1, n), w - n, w);
}

function ror(a: Term, n: number, w: Width): Term {
  if (n === 0) return a;
  return build([...slice(segments(a), n, w - n), ...slice(segments(a), 0, n)]);
}

function add(a: Term, b: Term, w: Width): Term {
  if (isConst(a) && isConst(b)) return constant(a.value + b.value, w);
  if (isConst(a)) return add(b, a, w);
  if (isConst(b)) {
    if (b.value === 0n) return a;
    // (x + c1) + c2 = x + (c1 + c2)
    if (a.kind === 'op' && a.op === 'add' && isConst(a.args[1]!) ) return add(a.args[0]!, constant(a.args[1].value + b.value, w), w);
    return intern(`o${w}:add(${a.id},${b.id})`, (id) => ({ id, width: w, kind: 'op', op: 'add', args: [a, b] }));
  }
  return op('add', [a, b], w);
}

function sub(a: Term, b: Term, w: Width): Term {
  if (a === b) return zero(w);
  if (isConst(b)) return add(a, constant(-b.value, w), w);
  if (isConst(a) && a.value === 0n) return neg(b, w);
  return op('sub', [a, b], w);
}

function neg(a: Term, w: Width): Term {
  if (isConst(a)) return constant(-a.value, w);
  if (a.kind === 'op' && a.op === 'neg') return a.args[0]!;
  return op('neg', [a], w);
}

/** A constant operation when every operand is constant, else the operation node. */
function fold(name: OpName, args: Term[], w: Width, concrete: (...v: bigint[]) => bigint): Term {
  if (args.every(isConst)) return constant(concrete(...args.map((t) => (t as ConstTerm).value)), w);
  return op(name, args, w);
}

function eq(a: Term, b: Term, w: Width): Term {
  if (a === b) return constant(1n, 1);
  const restA: Segment[] = [];
  const restB: Segment[] = [];
  for (const [pa, pb] of align(segments(a), segments(b))) {
    if (pa.kind === 'c' && pb.kind === 'c') {
      if (pa.value !== pb.value) return constant(0n, 1);
      continue;
    }
    if (sameSegment(pa, pb)) continue;
    restA.push(pa);
    restB.push(pb);
  }
  if (restA.length === 0) return constant(1n, 1);
  void w;
  return op('eq', [build(restA), build(restB)], 1);
}

function ite(c: Term, a: Term, b: Term, w: Width): Term {
  if (isConst(c)) return c.value === 1n ? a : b;
  if (a === b) return a;
  return op('ite', [c, a, b], w);
}

/** How the domain asks which way a non-constant condition goes. */
export type PathOracle = (condition: Term) => boolean;

export class SymbolicDomain implements Domain<Term> {
  readonly name = 'symbolic';
  /** Set by the proof for each path; without one, a non-constant decision is an error. */
  oracle: PathOracle | undefined;

  constant = (value: bigint, width: Width): Term => constant(value, width);
  bit = (value: boolean): Term => constant(value ? 1n : 0n, 1);
  add = add;
  sub = sub;
  mul = (a: Term, b: Term, w: Width): Term => {
    if (isConst(a) && a.value === 1n) return b;
    if (isConst(b) && b.value === 1n) return a;
    if ((isConst(a) && a.value === 0n) || (isConst(b) && b.value === 0n)) return zero(w);
    return fold('mul', [a, b], w, (x, y) => C.mul(x, y, w));
  };
  neg = neg;
  udiv = (a: Term, b: Term, w: Width): Term => fold('udiv', [a, b], w, (x, y) => C.udiv(x, y, w));
  sdiv = (a: Term, b: Term, w: Width): Term => fold('sdiv', [a, b], w, (x, y) => C.sdiv(x, y, w));
  and = (a: Term, b: Term, w: Width): Term => bitwise('and', a, b, w);
  or = (a: Term, b: Term, w: Width): Term => bitwise('or', a, b, w);
  xor = (a: Term, b: Term, w: Width): Term => bitwise('xor', a, b, w);
  not = not;
  countLeadingZeros = (a: Term, w: Width): Term => fold('clz', [a], w, (x) => C.countLeadingZeros(x, w));
  shl = shl;
  lshr = lshr;
  ashr = ashr;
  ror = ror;
  shlBy = (a: Term, n: Term, w: Width): Term => (isConst(n) ? (n.value >= BigInt(w) ? zero(w) : shl(a, Number(n.value), w)) : op('shlBy', [a, n], w));
  lshrBy = (a: Term, n: Term, w: Width): Term => (isConst(n) ? (n.value >= BigInt(w) ? zero(w) : lshr(a, Number(n.value), w)) : op('lshrBy', [a, n], w));
  ashrBy = (a: Term, n: Term, w: Width): Term => (isConst(n) ? ashr(a, Number(n.value >= BigInt(w) ? BigInt(w - 1) : n.value), w) : op('ashrBy', [a, n], w));
  rorBy = (a: Term, n: Term, w: Width): Term => (isConst(n) ? ror(a, Number(n.value % BigInt(w)), w) : op('rorBy', [a, n], w));
  zeroExtend = (a: Term, from: Width, to: Width): Term => (to === from ? a : concat(zero(to - from), a));
  signExtend = signExtend;
  extract = extract;
  concat = (hi: Term, lo: Term, _loWidth: Width): Term => concat(hi, lo);
  eq = eq;
  ult = (a: Term, b: Term, w: Width): Term => (a === b ? constant(0n, 1) : isConst(b) && b.value === 0n ? constant(0n, 1) : fold('ult', [a, b], 1, (x, y) => C.ult(x, y, w)));
  slt = (a: Term, b: Term, w: Width): Term => (a === b ? constant(0n, 1) : fold('slt', [a, b], 1, (x, y) => C.slt(x, y, w)));
  ite = ite;

  decide(cond: Term): boolean {
    if (isConst(cond)) return cond.value === 1n;
    if (this.oracle === undefined) throw new SymbolicValueError(`the condition ${show(cond)}`);
    return this.oracle(cond);
  }

  concrete(a: Term, _width: Width, what: string): bigint {
    if (isConst(a)) return a.value;
    throw new SymbolicValueError(`${what} (${show(a)})`);
  }
}

/** The one symbolic domain (terms are interned globally; the state caches masks per domain). */
export const symbolicDomain = new SymbolicDomain();

// ------------------------------------------------------------------------------------------------
// Reading terms

/** Values for symbols, by name (a symbol without one is 0). */
export type Assignment = ReadonlyMap<string, bigint>;

/** The number a term denotes when its symbols take `env`'s values. */
export function evaluate(t: Term, env: Assignment, memo: Map<number, bigint> = new Map()): bigint {
  const known = memo.get(t.id);
  if (known !== undefined) return known;
  let v: bigint;
  switch (t.kind) {
    case 'const':
      v = t.value;
      break;
    case 'sym':
      v = (env.get(t.name) ?? 0n) & MASK(t.width);
      break;
    case 'cat': {
      v = 0n;
      let at = 0n;
      for (const s of t.segments) {
        const part = s.kind === 'c' ? s.value : (evaluate(s.atom, env, memo) >> BigInt(s.lo)) & MASK(s.width);
        v |= part << at;
        at += BigInt(s.width);
      }
      break;
    }
    case 'op':
      v = evaluateOp(t, t.args.map((a) => evaluate(a, env, memo)));
  }
  memo.set(t.id, v);
  return v;
}

function evaluateOp(t: OpTerm, x: bigint[]): bigint {
  const w = t.width;
  const [a, b, c] = x as [bigint, bigint, bigint];
  const argWidth = t.args[0]!.width;
  switch (t.op) {
    case 'add': return C.add(a, b, w);
    case 'sub': return C.sub(a, b, w);
    case 'mul': return C.mul(a, b, w);
    case 'neg': return C.neg(a, w);
    case 'udiv': return C.udiv(a, b, w);
    case 'sdiv': return C.sdiv(a, b, w);
    case 'and': return a & b;
    case 'or': return a | b;
    case 'xor': return a ^ b;
    case 'not': return C.not(a, w);
    case 'clz': return C.countLeadingZeros(a, w);
    case 'shlBy': return C.shlBy(a, b, w);
    case 'lshrBy': return C.lshrBy(a, b, w);
    case 'ashrBy': return C.ashrBy(a, b, w);
    case 'rorBy': return C.rorBy(a, b, w);
    case 'eq': return a === b ? 1n : 0n;
    case 'ult': return C.ult(a, b, argWidth);
    case 'slt': return C.slt(a, b, argWidth);
    case 'ite': return a === 1n ? b : c;
    case 'sext': return C.signExtend(a, argWidth, w);
  }
}

/** The names of the symbols a term mentions. */
export function symbolsOf(t: Term, out: Map<string, number> = new Map(), seen: Set<number> = new Set()): Map<string, number> {
  if (seen.has(t.id)) return out;
  seen.add(t.id);
  if (t.kind === 'sym') out.set(t.name, t.width);
  else if (t.kind === 'op') for (const a of t.args) symbolsOf(a, out, seen);
  else if (t.kind === 'cat') for (const s of t.segments) if (s.kind === 's') symbolsOf(s.atom, out, seen);
  return out;
}

/** A term as text: symbols by name, constants in hex, slices as name[hi:lo], concatenations high first. */
export function show(t: Term): string {
  switch (t.kind) {
    case 'const':
      return `0x${t.value.toString(16)}`;
    case 'sym':
      return t.name;
    case 'op':
      return `${t.op}(${t.args.map(show).join(', ')})`;
    case 'cat':
      return `{${[...t.segments].reverse().map((s) => (s.kind === 'c' ? `0x${s.value.toString(16)}:${s.width}` : s.lo === 0 && s.width === s.atom.width ? show(s.atom) : `${show(s.atom)}[${s.lo + s.width - 1}:${s.lo}]`)).join(' : ')}}`;
  }
}
