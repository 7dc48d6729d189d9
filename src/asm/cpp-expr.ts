// `#if` expressions: C integer constant expressions evaluated in intmax_t/uintmax_t (64 bits) with
// C's precedence, usual arithmetic conversions, short-circuit (no errors in unevaluated operands),
// `defined`, and `__has_include`. Identifiers left after macro expansion are 0. Character constants
// follow aarch64, where plain char is unsigned.

import { fail, type Origin } from './diagnostics.ts';
import type { Token } from './cpp-lexer.ts';

/** A 64-bit value: `bits` is the two's complement pattern in [0, 2^64). */
export interface IfValue {
  bits: bigint;
  unsigned: boolean;
}

export interface IfOperands {
  /** Next token after macro expansion (paddings included; the evaluator skips them). */
  next(): Token;
  /** Turns macro expansion off (for the operands of `defined` and `__has_include`) or back on. */
  preventExpansion(on: boolean): void;
  isDefined(name: string): boolean;
  hasInclude(name: string, angled: boolean): boolean;
  originAt(t: Token): Origin;
}

const MASK = (1n << 64n) - 1n;
const NESTING_LIMIT = 256;

/** Binary operators and their C precedence (higher binds tighter). */
const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5,
  '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

function signed(v: IfValue): bigint {
  return BigInt.asIntN(64, v.bits);
}

function make(x: bigint, unsigned: boolean): IfValue {
  return { bits: x & MASK, unsigned };
}

function truth(v: IfValue): boolean {
  return v.bits !== 0n;
}

function bool(b: boolean): IfValue {
  return { bits: b ? 1n : 0n, unsigned: false };
}

/** Evaluates the rest of an `#if`/`#elif` line. `at` is the directive name (for "no expression"). */
export function evaluateIf(ops: IfOperands, at: Token): boolean {
  return new IfParser(ops, at).run();
}

class IfParser {
  private peeked: Token | null = null;
  private skip = 0;
  private depth = 0;

  constructor(private readonly ops: IfOperands, private readonly directive: Token) {}

  run(): boolean {
    if (this.peek().kind === 'eof') this.error(this.directive, `#${this.directive.text} with no expression`);
    const v = this.comma();
    const t = this.peek();
    if (t.kind !== 'eof') {
      if (t.kind === 'punct' && t.text === ')') this.error(t, "missing '(' in expression");
      this.error(t, `missing binary operator before token "${t.text}"`);
    }
    return truth(v);
  }

  private error(t: Token, message: string): never {
    fail('HL0105', message, this.ops.originAt(t));
  }

  private peek(): Token {
    if (this.peeked === null) {
      let t = this.ops.next();
      while (t.kind === 'padding') t = this.ops.next();
      this.peeked = t;
    }
    return this.peeked;
  }

  private take(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  private isPunct(t: Token, text: string): boolean {
    return t.kind === 'punct' && t.text === text;
  }

  private comma(): IfValue {
    let v = this.conditional();
    while (this.isPunct(this.peek(), ',')) {
      this.take();
      v = this.conditional();
    }
    return v;
  }

  private conditional(): IfValue {
    const c = this.binary(1);
    if (!this.isPunct(this.peek(), '?')) return c;
    const q = this.take();
    const taken = truth(c);
    if (!taken) this.skip++;
    const a = this.comma();
    if (!taken) this.skip--;
    if (!this.isPunct(this.peek(), ':')) this.error(q, "'?' without following ':'");
    this.take();
    if (taken) this.skip++;
    const b = this.conditional();
    if (taken) this.skip--;
    const unsigned = a.unsigned || b.unsigned;
    return make((taken ? a : b).bits, unsigned);
  }

  private binary(minPrecedence: number): IfValue {
    let lhs = this.unary();
    for (;;) {
      const op = this.peek();
      if (op.kind !== 'punct') return lhs;
      const precedence = BINARY_PRECEDENCE[op.text];
      if (precedence === undefined || precedence < minPrecedence) return lhs;
      this.take();
      if (op.text === '&&' || op.text === '||') {
        const decided = op.text === '&&' ? !truth(lhs) : truth(lhs);
        if (decided) this.skip++;
        const rhs = this.binary(precedence + 1);
        if (decided) this.skip--;
        lhs = bool(op.text === '&&' ? truth(lhs) && truth(rhs) : truth(lhs) || truth(rhs));
        continue;
      }
      const rhs = this.binary(precedence + 1);
      lhs = this.apply(op, lhs, rhs);
    }
  }

  private apply(op: Token, a: IfValue, b: IfValue): IfValue {
    if (op.text === '<<' || op.text === '>>') return shift(op.text, a, b);
    const unsigned = a.unsigned || b.unsigned;
    const x = unsigned ? a.bits : signed(a);
    const y = unsigned ? b.bits : signed(b);
    switch (op.text) {
      case '*': return make(x * y, unsigned);
      case '/':
      case '%':
        if (y === 0n) {
          if (this.skip === 0) this.error(op, 'division by zero in #if');
          return make(0n, unsigned);
        }
        return make(op.text === '/' ? x / y : x % y, unsigned);
      case '+': return make(x + y, unsigned);
      case '-': return make(x - y, unsigned);
      case '<': return bool(x < y);
      case '>': return bool(x > y);
      case '<=': return bool(x <= y);
      case '>=': return bool(x >= y);
      case '==': return bool(x === y);
      case '!=': return bool(x !== y);
      case '&': return make(x & y, unsigned);
      case '^': return make(x ^ y, unsigned);
      case '|': return make(x | y, unsigned);
      default: return this.error(op, `token "${op.text}" is not valid in preprocessor expressions`);
    }
  }

  private unary(): IfValue {
    if (++this.depth > NESTING_LIMIT) this.error(this.peek(), `#if expression nested more than ${NESTING_LIMIT} deep`);
    try {
      const t = this.peek();
      if (t.kind === 'punct') {
        switch (t.text) {
          case '+': this.take(); return this.unary();
          case '-': { this.take(); const v = this.unary(); return make(-(v.unsigned ? v.bits : signed(v)), v.unsigned); }
          case '~': { this.take(); const v = this.unary(); return make(~v.bits, v.unsigned); }
          case '!': { this.take(); return bool(!truth(this.unary())); }
          case '(': {
            this.take();
            const v = this.comma();
            if (!this.isPunct(this.peek(), ')')) this.error(this.peek().kind === 'eof' ? t : this.peek(), "missing ')' in expression");
            this.take();
            return v;
          }
        }
      }
      return this.primary();
    } finally {
      this.depth--;
    }
  }

  private primary(): IfValue {
    const t = this.take();
    switch (t.kind) {
      case 'number': {
        const r = parseIntegerLiteral(t.text);
        if (typeof r === 'string') this.error(t, r);
        return r;
      }
      case 'char': {
        const r = parseCharLiteral(t.text);
        if (typeof r === 'string') this.error(t, r);
        return r;
      }
      case 'name':
        if (t.text === 'defined') return bool(this.ops.isDefined(this.definedOperand(t)));
        if (t.text === '__has_include' || t.text === '__has_include__') return bool(this.hasInclude(t));
        return bool(false);
      case 'eof':
        return this.error(t, 'missing expression: operator has no operand');
      default:
        return this.error(t, `token "${t.text}" is not valid in preprocessor expressions`);
    }
  }

  /** Reads `X` or `( X )` after `defined`, without expanding X. */
  private definedOperand(at: Token): string {
    this.ops.preventExpansion(true);
    try {
      let t = this.take();
      const paren = this.isPunct(t, '(');
      if (paren) t = this.take();
      if (t.kind !== 'name') this.error(t.kind === 'eof' ? at : t, 'operator "defined" requires an identifier');
      if (paren) {
        if (!this.isPunct(this.peek(), ')')) this.error(at, 'missing \')\' after "defined"');
        this.take();
      }
      return t.text;
    } finally {
      this.ops.preventExpansion(false);
    }
  }

  /** `__has_include("x")` or `__has_include(<x>)`. */
  private hasInclude(at: Token): boolean {
    this.ops.preventExpansion(true);
    try {
      if (!this.isPunct(this.take(), '(')) this.error(at, 'missing \'(\' after "__has_include"');
      const t = this.take();
      let name: string;
      let angled = false;
      if (t.kind === 'string' && t.text.startsWith('"')) {
        name = t.text.slice(1, -1);
      } else if (this.isPunct(t, '<')) {
        angled = true;
        name = '';
        for (;;) {
          const p = this.take();
          if (p.kind === 'eof') this.error(at, 'missing terminating > character');
          if (this.isPunct(p, '>')) break;
          if (p.ws !== '' && name !== '') name += ' ';
          name += p.text;
        }
      } else {
        return this.error(at, 'operator "__has_include" requires a header-name');
      }
      if (!this.isPunct(this.take(), ')')) this.error(at, 'missing \')\' after "__has_include" operand');
      return this.ops.hasInclude(name, angled);
    } finally {
      this.ops.preventExpansion(false);
    }
  }
}

function shift(op: '<<' | '>>', a: IfValue, b: IfValue): IfValue {
  let n = b.unsigned ? b.bits : signed(b);
  let left = op === '<<';
  if (n < 0n) {
    // A negative shift count shifts the other way (gcc).
    left = !left;
    n = -n;
  }
  if (left) return make(n >= 64n ? 0n : a.bits << n, a.unsigned);
  if (a.unsigned) return make(n >= 64n ? 0n : a.bits >> n, true);
  return make(signed(a) >> (n >= 64n ? 63n : n), false);
}

/** An integer constant with C suffixes; a message if it is not one. */
export function parseIntegerLiteral(text: string): IfValue | string {
  let i = 0;
  let radix = 10;
  const lower = text.toLowerCase();
  if (lower.startsWith('0x')) {
    radix = 16;
    i = 2;
  } else if (lower.startsWith('0b')) {
    radix = 2;
    i = 2;
  } else if (lower.startsWith('0')) {
    radix = 8;
  }
  const start = i;
  let value = 0n;
  const big = BigInt(radix);
  for (; i < lower.length; i++) {
    const d = digitValue(lower.charCodeAt(i));
    if (d < 0 || d >= radix) break;
    value = value * big + BigInt(d);
  }
  if (radix !== 10 && radix !== 8 && i === start) return `invalid suffix "${text.slice(1)}" on integer constant`;
  const rest = lower.slice(i);
  if (radix === 8 && /^[89]/.test(rest)) return `invalid digit "${rest[0]}" in octal constant`;
  if (rest.includes('.') || (radix !== 16 && /^[0-9]*e/.test(rest)) || (radix === 16 && rest.startsWith('p')) || (radix === 10 && text.includes('.'))) {
    return 'floating constant in preprocessor expression';
  }
  const suffix = text.slice(i);
  if (!INTEGER_SUFFIX.test(suffix)) return `invalid suffix "${suffix}" on integer constant`;
  const unsignedSuffix = /u/i.test(suffix);
  value &= MASK;
  return { bits: value, unsigned: unsignedSuffix || value > 0x7fffffffffffffffn };
}

/** u and l in either case and order; `ll` must be `ll` or `LL`. */
const INTEGER_SUFFIX = /^(?:[uU]?(?:l|L|ll|LL)?|(?:l|L|ll|LL)[uU])$/;

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Value of a character constant (aarch64: plain char unsigned, wchar_t unsigned int). */
export function parseCharLiteral(text: string): IfValue | string {
  const wide = text.startsWith('L');
  const body = text.slice(wide ? 2 : 1, -1);
  const units: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      if (wide || cp < 0x80) units.push(cp);
      else for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) units.push(b);
      continue;
    }
    const e = body[i + 1] ?? '';
    i += 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      units.push(simple);
    } else if (e >= '0' && e <= '7') {
      let v = Number(e);
      for (let k = 0; k < 2 && body[i]! >= '0' && body[i]! <= '7'; k++) v = v * 8 + Number(body[i++]);
      units.push(v);
    } else if (e === 'x') {
      let v = 0n;
      const from = i;
      while (i < body.length && digitValue(body.toLowerCase().charCodeAt(i)) >= 0) v = v * 16n + BigInt(digitValue(body.toLowerCase().charCodeAt(i++)));
      if (i === from) return '\\x used with no following hex digits';
      units.push(Number(v & 0xffffffffn));
    } else {
      units.push(e.charCodeAt(0));
    }
  }
  if (units.length === 0) return 'empty character constant';
  if (wide) return { bits: BigInt(units[units.length - 1]! >>> 0), unsigned: true };
  if (units.length === 1) return { bits: BigInt(units[0]! & 0xff), unsigned: true };
  // A multi-character constant is an int: the low 32 bits of the bytes in order, sign-extended.
  let v = 0n;
  for (const u of units) v = ((v << 8n) | BigInt(u & 0xff)) & 0xffffffffn;
  return make(BigInt.asIntN(32, v), false);
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, E: 27, '\\': 92, "'": 39, '"': 34, '?': 63,
};
