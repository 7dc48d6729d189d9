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

/** An expression parsed once; evaluated as often as needed (macro bodies repeat the same texts). */
export type ExprNode =
  | { k: 'num'; value: bigint }
  | { k: 'sym'; name: string }
  | { k: 'dot' }
  | { k: 'local'; n: string; dir: 'b' | 'f' }
  | { k: 'unary'; op: string; arg: ExprNode }
  | { k: 'binary'; op: string; rank: number; left: ExprNode; right: ExprNode };

type Token =
  | { t: 'num'; value: bigint }
  | { t: 'sym'; name: string }
  | { t: 'local'; n: string; dir: 'b' | 'f' }
  | { t: 'op'; op: string }
  | { t: 'end' };

const CH_0 = 48;
const CH_9 = 57;

const isDigit = (code: number): boolean => code >= CH_0 && code <= CH_9;
const isHexDigit = (code: number): boolean => isDigit(code) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);

/** Operators by their first character; longer spellings first. */
const OPERATORS: Record<string, string[]> = {
  '<': ['<<', '<=', '<>', '<'], '>': ['>>', '>=', '>'], '=': ['=='], '!': ['!=', '!'], '&': ['&&', '&'], '|': ['||', '|'],
  '+': ['+'], '-': ['-'], '*': ['*'], '/': ['/'], '%': ['%'], '^': ['^'], '~': ['~'], '(': ['('], ')': [')'],
};

/** End of the number literal at `i`: `0x1f`, `0b101`, `017`, `42` (a bare `0x` or `0b` ends after the `0`). */
function numberEnd(text: string, i: number): number {
  const second = text.charCodeAt(i + 1);
  if (text.charCodeAt(i) === CH_0 && (second === 120 || second === 88) && isHexDigit(text.charCodeAt(i + 2))) {
    let j = i + 2;
    while (isHexDigit(text.charCodeAt(j))) j++;
    return j;
  }
  if (text.charCodeAt(i) === CH_0 && (second === 98 || second === 66) && (text[i + 2] === '0' || text[i + 2] === '1')) {
    let j = i + 2;
    while (text[j] === '0' || text[j] === '1') j++;
    return j;
  }
  let j = i;
  while (isDigit(text.charCodeAt(j))) j++;
  return j;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const code = text.charCodeAt(i);
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (isDigit(code)) {
      const end = numberEnd(text, i);
      const lit = text.slice(i, end);
      const decimalDigits = !/^0[xXbB]/.test(lit);
      // `1b`/`1f`: a numeric local label reference (`0b1` is binary, `0b` alone a label).
      const after = text[end];
      if (decimalDigits && (after === 'b' || after === 'f' || after === 'B' || after === 'F') && !isNameChar(text[end + 1])) {
        tokens.push({ t: 'local', n: String(Number(lit)), dir: after.toLowerCase() as 'b' | 'f' });
        i = end + 1;
        continue;
      }
      if (isNameChar(after)) {
        let stop = end;
        while (stop < text.length && isNameChar(text[stop])) stop++;
        throw new ExprError('HL0304', `bad number '${text.slice(i, stop)}'`);
      }
      let value: bigint;
      if (!decimalDigits) value = BigInt(lit.toLowerCase());
      else if (lit.length > 1 && lit[0] === '0') {
        if (/[89]/.test(lit)) throw new ExprError('HL0304', `bad octal number '${lit}'`);
        value = BigInt('0o' + lit.slice(1));
      } else value = BigInt(lit);
      tokens.push({ t: 'num', value });
      i = end;
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
    const op = OPERATORS[c]?.find((o) => text.startsWith(o, i));
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

const UNARY = new Set(['-', '~', '!', '+']);

/** A recursive-descent parser over one expression's tokens. */
class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  whole(): ExprNode {
    const node = this.binary(0);
    if (this.tokens[this.pos]!.t !== 'end') throw new ExprError('HL0304', `junk at end of expression '${this.text}'`);
    return node;
  }

  private primary(): ExprNode {
    const tok = this.tokens[this.pos++]!;
    switch (tok.t) {
      case 'num':
        return { k: 'num', value: tok.value };
      case 'local':
        return { k: 'local', n: tok.n, dir: tok.dir };
      case 'sym':
        return tok.name === '.' ? { k: 'dot' } : { k: 'sym', name: tok.name };
      case 'op': {
        if (tok.op === '(') {
          const inner = this.binary(0);
          const close = this.tokens[this.pos++]!;
          if (close.t !== 'op' || close.op !== ')') throw new ExprError('HL0304', `missing ')' in '${this.text}'`);
          return inner;
        }
        if (UNARY.has(tok.op)) return { k: 'unary', op: tok.op, arg: this.primary() };
        throw new ExprError('HL0304', `unexpected '${tok.op}' in '${this.text}'`);
      }
      case 'end':
        throw new ExprError('HL0304', this.text.trim() === '' ? 'missing expression' : `expression '${this.text}' ends too early`);
    }
  }

  private binary(minRank: number): ExprNode {
    let left = this.primary();
    for (;;) {
      const tok = this.tokens[this.pos]!;
      if (tok.t !== 'op') break;
      const rank = BINARY_RANK[tok.op];
      if (rank === undefined || rank < minRank) break;
      this.pos++;
      const right = this.binary(rank + 1);
      left = { k: 'binary', op: tok.op, rank, left, right };
    }
    return left;
  }
}

/** Parses `text`; throws ExprError for a malformed expression. */
export function parseExpression(text: string): ExprNode {
  return new Parser(tokenize(text), text).whole();
}

/**
 * Parsed expressions by text, malformed ones included (as their error). One per assembly: a macro
 * body expanded a thousand times parses each of its expressions once.
 */
export class ExpressionCache {
  private readonly parsed = new Map<string, ExprNode | ExprError>();

  parse(text: string): ExprNode {
    let entry = this.parsed.get(text);
    if (entry === undefined) {
      try {
        entry = parseExpression(text);
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        entry = e;
      }
      this.parsed.set(text, entry);
    }
    if (entry instanceof ExprError) throw entry;
    return entry;
  }
}

/** Evaluates `text`; throws ExprError. */
export function evaluateExpression(text: string, env: ExprEnv): Value {
  return evaluateNode(parseExpression(text), env);
}

/** Evaluates a parsed expression; throws ExprError. */
export function evaluateNode(node: ExprNode, env: ExprEnv): Value {
  switch (node.k) {
    case 'num':
      return abs(node.value);
    case 'dot':
      return env.here();
    case 'local': {
      const v = env.localLabel(node.n, node.dir);
      if (v === undefined) throw new ExprError('HL0303', `local label '${node.n}${node.dir}' has no ${node.dir === 'b' ? 'preceding' : 'following'} definition`);
      return v;
    }
    case 'sym':
      return env.symbol(node.name) ?? { kind: 'rel', symbol: node.name, section: undefined, base: 0n, addend: 0n, global: true };
    case 'unary':
      return unary(node.op, evaluateNode(node.arg, env));
    case 'binary':
      return applyBinary(node.op, node.rank, evaluateNode(node.left, env), evaluateNode(node.right, env), env);
  }
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

function applyBinary(op: string, rank: number, a: Value, b: Value, env: ExprEnv): Value {
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
  if (rank === 2) {
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

// ---------------------------------------------------------------------------------------------
// The form GNU as gives an expression while it reads the statement (expr.c folds as it parses):
// a constant (with its "unsigned" flag), a symbol plus a constant (the symbol is an identity, not
// a place: `ldr x0, =sym` before and after `sym:` is the same), or anything else. `ldr Rt, =expr`
// accepts only the first two and shares pool entries by exactly this form (tc-aarch64.c
// add_to_lit_pool): `=-1` and `=0xffffffffffffffff` get two entries, `=5` and `=2+3` one.

export type Shape =
  | { k: 'const'; value: bigint; unsigned: boolean }
  /** `place` is set when the symbol is defined by now (section and offset), for `a - b`. */
  | { k: 'sym'; id: string; addend: bigint; place?: { section: string; offset: bigint } }
  | { k: 'other' };

/** How a symbol looks at the statement being read. */
export interface ShapeEnv {
  symbolShape(name: string): Shape;
  localShape(n: string, dir: 'b' | 'f'): Shape;
  /** `.`: a fresh symbol at every use. */
  dotShape(): Shape;
}

const OTHER: Shape = { k: 'other' };

/** Folding constants needs no symbols; its warnings come again when the value is evaluated. */
const QUIET: ExprEnv = { symbol: () => undefined, localLabel: () => undefined, here: () => abs(0n), warn: () => undefined };

export function shapeOf(node: ExprNode, env: ShapeEnv): Shape {
  switch (node.k) {
    case 'num':
      return { k: 'const', value: BigInt.asIntN(64, node.value), unsigned: true };
    case 'dot':
      return env.dotShape();
    case 'local':
      return env.localShape(node.n, node.dir);
    case 'sym':
      return env.symbolShape(node.name);
    case 'unary': {
      const arg = shapeOf(node.arg, env);
      if (node.op === '+') return arg;
      if (arg.k !== 'const') return OTHER;
      // Negation clears the unsigned flag; `~` and `!` keep it.
      if (node.op === '-') return { k: 'const', value: BigInt.asIntN(64, -arg.value), unsigned: false };
      return { ...arg, value: node.op === '~' ? BigInt.asIntN(64, ~arg.value) : arg.value === 0n ? 1n : 0n };
    }
    case 'binary':
      return binaryShape(node, shapeOf(node.left, env), shapeOf(node.right, env));
  }
}

function binaryShape(node: Extract<ExprNode, { k: 'binary' }>, a: Shape, b: Shape): Shape {
  const { op } = node;
  if (op === '+' && a.k === 'sym' && b.k === 'const') return { ...a, addend: BigInt.asIntN(64, a.addend + b.value) };
  if (op === '+' && a.k === 'const' && b.k === 'sym') return { ...b, addend: BigInt.asIntN(64, b.addend + a.value) };
  if (op === '-' && a.k === 'sym' && b.k === 'const') return { ...a, addend: BigInt.asIntN(64, a.addend - b.value) };
  if (op === '-' && a.k === 'sym' && b.k === 'sym') {
    if (a.id === b.id) return { k: 'const', value: BigInt.asIntN(64, a.addend - b.addend), unsigned: true };
    if (a.place && b.place && a.place.section === b.place.section) {
      return { k: 'const', value: BigInt.asIntN(64, a.place.offset + a.addend - b.place.offset - b.addend), unsigned: true };
    }
    return OTHER;
  }
  if (a.k !== 'const' || b.k !== 'const') return OTHER;
  // Folding two constants keeps the left operand's flag (GNU as: `1*-4` is unsigned, `-4*1` not).
  const v = applyBinary(op, node.rank, abs(a.value), abs(b.value), QUIET);
  return v.kind === 'abs' ? { k: 'const', value: v.value, unsigned: a.unsigned } : OTHER;
}
