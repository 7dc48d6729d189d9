// GNU as expressions: syntax, precedence and 64-bit arithmetic as GNU as 2.40 evaluates them.
//
// Precedence, highest first (measured against aarch64-linux-gnu-as 2.40; it is NOT C's):
//   unary  - ~ ! +
//   * / % << >>
//   | & ^ !          (binary ! is "or not": a | ~b)
//   + -
//   == != <> < > <= >=   (true is -1, false 0; signed)
//   &&                   (result 1 or 0)
//   ||
// Binary operators of one level associate to the left. Division truncates toward zero (signed);
// `>>` is a logical shift; a shift by 64 or more gives 0 (with a warning); `x / 0` and `x % 0`
// warn and divide by 1. Values are signed 64-bit (two's complement wrap).

import { charConstantValue, isNameChar, isNameStart, skipString } from './lexer.ts';

/** A value during evaluation. `rel` is symbol + addend; `base` is the symbol's offset in its section. */
export type Value =
  | { kind: 'abs'; value: bigint }
  | { kind: 'rel'; symbol: string; section: string | undefined; base: bigint; addend: bigint; global: boolean }
  /** `target - place` where place is a location in `placeSection`: what `.word sym - .` needs. */
  | { kind: 'pcrel'; target: Extract<Value, { kind: 'rel' }>; placeSection: string; place: bigint };

export type RelValue = Extract<Value, { kind: 'rel' }>;

/** Why an expression could not be evaluated; the caller turns it into a coded diagnostic. */
export class ExprError extends Error {
  constructor(
    readonly code: 'HL0301' | 'HL0303' | 'HL0304' | 'HL0305',
    message: string,
  ) {
    super(message);
    this.name = 'ExprError';
  }
}

/** What the evaluator asks its environment. */
export interface ExprEnv {
  /** A named symbol's value, or undefined when it is not defined (yet). */
  symbol(name: string): Value | undefined;
  /** `1b` / `1f`: the nearest definition of numeric label `n` before / after the statement. */
  localLabel(n: string, direction: 'b' | 'f'): Value | undefined;
  /** `.`: the current location. */
  here(): Value;
  warn(code: 'HL0304' | 'HL0306', message: string): void;
}

export const abs = (value: bigint): Value => ({ kind: 'abs', value: BigInt.asIntN(64, value) });

type Token =
  | { t: 'num'; value: bigint }
  | { t: 'sym'; name: string }
  | { t: 'local'; n: string; dir: 'b' | 'f' }
  | { t: 'op'; op: string }
  | { t: 'end' };

const OPERATORS = ['<<', '>>', '<=', '>=', '==', '!=', '<>', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '|', '&', '^', '!', '~', '(', ')'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)/.exec(text.slice(i))!;
      const lit = m[1]!;
      // `1b`/`1f`: a numeric local label reference (`0b1` is binary, `0b` alone a label).
      const after = text[i + lit.length];
      if (/^[0-9]+$/.test(lit) && (after === 'b' || after === 'f' || after === 'B' || after === 'F') && !isNameChar(text[i + lit.length + 1])) {
        tokens.push({ t: 'local', n: String(Number(lit)), dir: after.toLowerCase() as 'b' | 'f' });
        i += lit.length + 1;
        continue;
      }
      if (isNameChar(text[i + lit.length])) throw new ExprError('HL0304', `bad number '${text.slice(i).split(/[^A-Za-z0-9_.$]/)[0]}'`);
      let value: bigint;
      if (/^0[xXbB]/.test(lit)) value = BigInt(lit.toLowerCase());
      else if (lit.length > 1 && lit[0] === '0') {
        if (/[89]/.test(lit)) throw new ExprError('HL0304', `bad octal number '${lit}'`);
        value = BigInt('0o' + lit.slice(1));
      } else value = BigInt(lit);
      tokens.push({ t: 'num', value });
      i += lit.length;
      continue;
    }
    if (c === "'") {
      const { value, end } = charConstantValue(text, i);
      tokens.push({ t: 'num', value: BigInt(value) });
      i = end;
      continue;
    }
    if (c === '"') {
      // A quoted symbol name.
      const end = skipString(text, i);
      tokens.push({ t: 'sym', name: text.slice(i + 1, end - 1) });
      i = end;
      continue;
    }
    if (isNameStart(c)) {
      let end = i + 1;
      while (end < text.length && isNameChar(text[end])) end++;
      tokens.push({ t: 'sym', name: text.slice(i, end) });
      i = end;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) throw new ExprError('HL0304', `unexpected character '${c}' in expression '${text}'`);
    tokens.push({ t: 'op', op });
    i += op.length;
  }
  tokens.push({ t: 'end' });
  return tokens;
}

/** Binding power of each binary operator (higher binds tighter). */
const BINARY_RANK: Record<string, number> = {
  '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5,
  '|': 4, '&': 4, '^': 4, '!': 4,
  '+': 3, '-': 3,
  '==': 2, '!=': 2, '<>': 2, '<': 2, '>': 2, '<=': 2, '>=': 2,
  '&&': 1,
  '||': 0,
};

/** Evaluates `text`; throws ExprError. */
export function evaluateExpression(text: string, env: ExprEnv): Value {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;

  const primary = (): Value => {
    const tok = tokens[pos++]!;
    switch (tok.t) {
      case 'num':
        return abs(tok.value);
      case 'local': {
        const v = env.localLabel(tok.n, tok.dir);
        if (v === undefined) throw new ExprError('HL0303', `local label '${tok.n}${tok.dir}' has no ${tok.dir === 'b' ? 'preceding' : 'following'} definition`);
        return v;
      }
      case 'sym': {
        if (tok.name === '.') return env.here();
        const v = env.symbol(tok.name);
        if (v === undefined) return { kind: 'rel', symbol: tok.name, section: undefined, base: 0n, addend: 0n, global: true };
        return v;
      }
      case 'op': {
        if (tok.op === '(') {
          const v = binary(0);
          const close = tokens[pos++]!;
          if (close.t !== 'op' || close.op !== ')') throw new ExprError('HL0304', `missing ')' in '${text}'`);
          return v;
        }
        if (tok.op === '-' || tok.op === '~' || tok.op === '!' || tok.op === '+') return unary(tok.op, primary());
        throw new ExprError('HL0304', `unexpected '${tok.op}' in '${text}'`);
      }
      case 'end':
        throw new ExprError('HL0304', text.trim() === '' ? 'missing expression' : `expression '${text}' ends too early`);
    }
  };

  const binary = (minRank: number): Value => {
    let left = primary();
    for (;;) {
      const tok = peek();
      if (tok.t !== 'op') break;
      const rank = BINARY_RANK[tok.op];
      if (rank === undefined || rank < minRank) break;
      pos++;
      const right = binary(rank + 1);
      left = applyBinary(tok.op, left, right, env);
    }
    return left;
  };

  const value = binary(0);
  const rest = peek();
  if (rest.t !== 'end') throw new ExprError('HL0304', `junk at end of expression '${text}'`);
  return value;
}

/** An undefined symbol where a number is needed is reported as undefined (HL0301). */
function undefinedSymbol(v: Value): ExprError | undefined {
  if (v.kind === 'rel' && v.section === undefined) return new ExprError('HL0301', `undefined symbol '${v.symbol}' where a number is needed`);
  return undefined;
}

function needAbsolute(v: Value, op: string): bigint {
  const undef = undefinedSymbol(v);
  if (undef) throw undef;
  if (v.kind !== 'abs') throw new ExprError('HL0305', `operator '${op}' needs absolute operands (${describe(v)} is not)`);
  return v.value;
}

export function describe(v: Value): string {
  if (v.kind === 'abs') return String(v.value);
  if (v.kind === 'rel') return v.section === undefined ? `undefined symbol '${v.symbol}'` : `'${v.symbol}'`;
  return `'${v.target.symbol}' relative to the current location`;
}

function unary(op: string, v: Value): Value {
  const x = needAbsolute(v, op);
  switch (op) {
    case '-':
      return abs(-x);
    case '~':
      return abs(~x);
    case '!':
      return abs(x === 0n ? 1n : 0n);
    default:
      return abs(x);
  }
}

const truth = (b: boolean): Value => abs(b ? -1n : 0n);

/** Both operands as comparable numbers: absolute, or two places in the same section. */
function comparable(a: Value, b: Value, op: string): [bigint, bigint] {
  if (a.kind === 'abs' && b.kind === 'abs') return [a.value, b.value];
  if (a.kind === 'rel' && b.kind === 'rel' && sameBase(a, b)) return [a.base + a.addend, b.base + b.addend];
  const undef = undefinedSymbol(a) ?? undefinedSymbol(b);
  if (undef) throw undef;
  throw new ExprError('HL0305', `operator '${op}' needs absolute operands or two symbols of one section`);
}

function sameBase(a: RelValue, b: RelValue): boolean {
  if (a.section !== undefined) return a.section === b.section;
  return b.section === undefined && a.symbol === b.symbol;
}

function applyBinary(op: string, a: Value, b: Value, env: ExprEnv): Value {
  if (op === '+') {
    if (a.kind === 'abs' && b.kind === 'abs') return abs(a.value + b.value);
    if (a.kind === 'rel' && b.kind === 'abs') return { ...a, addend: BigInt.asIntN(64, a.addend + b.value) };
    if (a.kind === 'abs' && b.kind === 'rel') return { ...b, addend: BigInt.asIntN(64, b.addend + a.value) };
    if (a.kind === 'pcrel' && b.kind === 'abs') return { ...a, target: { ...a.target, addend: a.target.addend + b.value } };
    throw new ExprError('HL0305', `cannot add ${describe(a)} and ${describe(b)}`);
  }
  if (op === '-') {
    if (b.kind === 'abs') {
      if (a.kind === 'abs') return abs(a.value - b.value);
      if (a.kind === 'rel') return { ...a, addend: BigInt.asIntN(64, a.addend - b.value) };
      return { ...a, target: { ...a.target, addend: a.target.addend - b.value } };
    }
    if (a.kind === 'rel' && b.kind === 'rel') {
      if (sameBase(a, b)) return abs(a.base + a.addend - (b.base + b.addend));
      if (b.section !== undefined) return { kind: 'pcrel', target: a, placeSection: b.section, place: b.base + b.addend };
    }
    throw new ExprError('HL0305', `cannot subtract ${describe(b)} from ${describe(a)}`);
  }
  if (BINARY_RANK[op] === 2) {
    const [x, y] = comparable(a, b, op);
    switch (op) {
      case '==':
        return truth(x === y);
      case '!=':
      case '<>':
        return truth(x !== y);
      case '<':
        return truth(x < y);
      case '>':
        return truth(x > y);
      case '<=':
        return truth(x <= y);
      default:
        return truth(x >= y);
    }
  }
  const x = needAbsolute(a, op);
  let y = needAbsolute(b, op);
  switch (op) {
    case '*':
      return abs(x * y);
    case '/':
    case '%':
      if (y === 0n) {
        env.warn('HL0306', 'division by zero');
        y = 1n;
      }
      return abs(op === '/' ? x / y : x % y);
    case '<<':
    case '>>':
      if (y < 0n || y >= 64n) {
        env.warn('HL0304', `shift count out of range (${y} is not between 0 and 63)`);
        return abs(0n);
      }
      return abs(op === '<<' ? x << y : BigInt.asUintN(64, x) >> y);
    case '|':
      return abs(x | y);
    case '&':
      return abs(x & y);
    case '^':
      return abs(x ^ y);
    case '!':
      return abs(x | ~y);
    case '&&':
      return abs(x !== 0n && y !== 0n ? 1n : 0n);
    default:
      return abs(x !== 0n || y !== 0n ? 1n : 0n);
  }
}
