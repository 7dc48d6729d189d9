// GNU as expression semantics. The known answers below were measured with aarch64-linux-gnu-as 2.40
// (`.quad <expr>` then objdump -s); oracle.test.ts re-checks the same table against the live tool.

import { describe, expect, it } from 'vitest';
import { ExprError, evaluateExpression, type ExprEnv, type Value } from '../../src/asm/expr.ts';
import { PRECEDENCE_KNOWN_ANSWERS } from './expr-known-answers.ts';

function env(symbols: Record<string, Value> = {}, warnings: string[] = []): ExprEnv {
  const locals: Record<string, Value> = {
    '1b': { kind: 'rel', symbol: '.text', section: '.text', base: 0n, addend: 8n, global: false },
    '1f': { kind: 'rel', symbol: '.text', section: '.text', base: 0n, addend: 24n, global: false },
  };
  return {
    symbol: (name) => symbols[name],
    localLabel: (n, dir) => locals[`${n}${dir}`],
    here: () => ({ kind: 'rel', symbol: '.text', section: '.text', base: 0n, addend: 16n, global: false }),
    warn: (code, message) => warnings.push(`${code} ${message}`),
  };
}

const value = (text: string, e = env()): Value => evaluateExpression(text, e);

describe('precedence and arithmetic, as GNU as 2.40', () => {
  it.each(PRECEDENCE_KNOWN_ANSWERS)('%s = %s', (text, expected) => {
    expect(value(text)).toEqual({ kind: 'abs', value: expected });
  });

  it('warns on division by zero and divides by 1 (GNU as: 1/0 = 1, 7%0 = 0)', () => {
    const warnings: string[] = [];
    expect(value('1/0', env({}, warnings))).toEqual({ kind: 'abs', value: 1n });
    expect(value('7%0', env({}, warnings))).toEqual({ kind: 'abs', value: 0n });
    expect(warnings).toEqual(['HL0306 division by zero', 'HL0306 division by zero']);
  });

  it('warns on a shift by 64 or more and gives 0', () => {
    const warnings: string[] = [];
    expect(value('1 << 64', env({}, warnings))).toEqual({ kind: 'abs', value: 0n });
    expect(warnings[0]).toMatch(/^HL0304 shift count out of range/);
  });
});

describe('symbols, places and local labels', () => {
  const g: Value = { kind: 'rel', symbol: 'g', section: '.text', base: 4n, addend: 0n, global: true };
  const ext: Value = { kind: 'rel', symbol: 'ext', section: undefined, base: 0n, addend: 0n, global: true };

  it('symbol + constant keeps the symbol; two places in one section subtract to a number', () => {
    expect(value('g + 8', env({ g }))).toEqual({ ...g, addend: 8n });
    expect(value('1f - 1b')).toEqual({ kind: 'abs', value: 16n });
    expect(value('. - g', env({ g }))).toEqual({ kind: 'abs', value: 12n });
    expect(value('(1f - .) / 4')).toEqual({ kind: 'abs', value: 2n });
  });

  it('an unknown symbol is an undefined (external) symbol; ext - . is PC-relative', () => {
    expect(value('ext + 4')).toEqual({ ...ext, addend: 4n });
    expect(value('ext - .')).toMatchObject({ kind: 'pcrel', target: ext, placeSection: '.text', place: 16n });
  });

  it('`0b1` is binary but `0b` and `2f` are label references', () => {
    expect(value('0b1')).toEqual({ kind: 'abs', value: 1n });
    expect(() => value('2f')).toThrow(/local label '2f' has no following definition/);
  });

  it('reports malformed, non-absolute and undefined operands with codes', () => {
    const code = (text: string, e = env()): string => {
      try {
        value(text, e);
      } catch (err) {
        if (err instanceof ExprError) return err.code;
      }
      return 'none';
    };
    expect(code('1 +')).toBe('HL0304');
    expect(code('(1')).toBe('HL0304');
    expect(code('1 2')).toBe('HL0304');
    expect(code('09')).toBe('HL0304');
    expect(code('g * 2', env({ g }))).toBe('HL0305');
    expect(code('undefined_thing > 1')).toBe('HL0301');
    expect(code('2b')).toBe('HL0303');
  });
});
