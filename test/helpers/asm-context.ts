// A small AsmContext for instruction-set tests: integer expressions (+ - * / << >> & | ^ ~, parens),
// `.` (the instruction's address), and a symbol table. As in src/asm: a defined local symbol's offset
// is its place in its section; a global or undefined symbol's offset is the addend.

import type { AsmContext, ExprValue } from '../../src/a64/context.ts';
import { fail, originOf } from '../../src/asm/diagnostics.ts';
import type { Origin } from '../../src/asm/diagnostics.ts';

export interface TestSymbol {
  section: string | undefined;
  value: bigint;
  global?: boolean;
}

export interface TestContextOptions {
  section?: string;
  offset?: number;
  symbols?: Record<string, TestSymbol>;
  aliases?: Record<string, string>;
}

export function testContext(o: TestContextOptions = {}): AsmContext {
  const section = o.section ?? '.text';
  const offset = o.offset ?? 0;
  const origin = originOf('test.S', 1, 1);
  const symbols = o.symbols ?? {};
  return {
    section,
    offset,
    origin,
    registerAlias: (name) => o.aliases?.[name],
    evaluate(text) {
      const p = new Parser(text, (name) => {
        if (name === '.') return { kind: 'relative', symbol: section, section, offset: BigInt(offset), global: false };
        const s = symbols[name];
        if (s === undefined) return { kind: 'relative', symbol: name, section: undefined, offset: 0n, global: false };
        if (s.section === undefined) return { kind: 'absolute', value: s.value };
        if (s.global) return { kind: 'relative', symbol: name, section: s.section, offset: 0n, global: true };
        return { kind: 'relative', symbol: name, section: s.section, offset: s.value, global: false };
      }, origin);
      const v = p.expression();
      if (!p.atEnd()) fail('HL0304', `malformed expression '${text}'`, origin);
      return v;
    },
  };

}

function add(a: ExprValue, b: ExprValue, sign: 1n | -1n, origin: Origin): ExprValue {
  if (a.kind === 'absolute' && b.kind === 'absolute') return { kind: 'absolute', value: a.value + sign * b.value };
  if (a.kind === 'relative' && b.kind === 'absolute') return { ...a, offset: a.offset + sign * b.value };
  if (a.kind === 'absolute' && b.kind === 'relative' && sign === 1n) return { ...b, offset: b.offset + a.value };
  if (a.kind === 'relative' && b.kind === 'relative' && sign === -1n && a.symbol === b.symbol) {
    return { kind: 'absolute', value: a.offset - b.offset };
  }
  fail('HL0305', 'expression must be absolute', origin);
}


class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly lookup: (name: string) => ExprValue,
    private readonly origin: Origin,
  ) {}
  atEnd(): boolean {
    this.skip();
    return this.pos >= this.text.length;
  }
  private skip(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }
  private eat(op: string): boolean {
    this.skip();
    if (this.text.startsWith(op, this.pos)) {
      this.pos += op.length;
      return true;
    }
    return false;
  }
  expression(): ExprValue {
    let v = this.term();
    for (;;) {
      if (this.eat('+')) v = add(v, this.term(), 1n, this.origin);
      else if (this.eat('-')) v = add(v, this.term(), -1n, this.origin);
      else if (this.eat('<<')) v = this.abs(v, this.term(), (a, b) => a << b);
      else if (this.eat('>>')) v = this.abs(v, this.term(), (a, b) => a >> b);
      else if (this.eat('|')) v = this.abs(v, this.term(), (a, b) => a | b);
      else if (this.eat('&')) v = this.abs(v, this.term(), (a, b) => a & b);
      else if (this.eat('^')) v = this.abs(v, this.term(), (a, b) => a ^ b);
      else return v;
    }
  }
  private abs(a: ExprValue, b: ExprValue, f: (a: bigint, b: bigint) => bigint): ExprValue {
    if (a.kind !== 'absolute' || b.kind !== 'absolute') fail('HL0305', 'expression must be absolute', this.origin);
    return { kind: 'absolute', value: f(a.value, b.value) };
  }
  private term(): ExprValue {
    let v = this.unary();
    for (;;) {
      if (this.eat('*')) v = this.abs(v, this.unary(), (a, b) => a * b);
      else if (this.eat('/')) v = this.abs(v, this.unary(), (a, b) => (b === 0n ? fail('HL0306', 'division by zero', this.origin) : a / b));
      else return v;
    }
  }
  private unary(): ExprValue {
    if (this.eat('-')) return this.abs({ kind: 'absolute', value: 0n }, this.unary(), (a, b) => a - b);
    if (this.eat('~')) return this.abs({ kind: 'absolute', value: 0n }, this.unary(), (_a, b) => ~b);
    if (this.eat('+')) return this.unary();
    if (this.eat('(')) {
      const v = this.expression();
      if (!this.eat(')')) fail('HL0304', `malformed expression '${this.text}'`, this.origin);
      return v;
    }
    this.skip();
    const rest = this.text.slice(this.pos);
    const num = /^(0x[0-9a-fA-F]+|0b[01]+|\d+)/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return { kind: 'absolute', value: BigInt(num[0]) };
    }
    const name = /^([A-Za-z_.$][\w.$]*)/.exec(rest);
    if (name) {
      this.pos += name[0].length;
      return this.lookup(name[0]);
    }
    fail('HL0304', `malformed expression '${this.text}'`, this.origin);
  }
}
