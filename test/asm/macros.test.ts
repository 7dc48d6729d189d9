// Macro argument binding and body substitution. The argument splits are known answers measured with
// aarch64-linux-gnu-as 2.40 (a macro printing `<\a|\b|\c>` with .ascii); oracle.test.ts re-checks
// them against the live tool through whole sources.

import { describe, expect, it } from 'vitest';
import { MacroError, bindArguments, parseMacroHeader, substitute, type MacroDefinition } from '../../src/asm/macros.ts';

function macro(header: string): MacroDefinition {
  const { name, parameters } = parseMacroHeader(header);
  return { name, parameters, body: [] };
}

const abc = macro('m a, b, c');
const bound = (m: MacroDefinition, operands: string): string[] => [...bindArguments(m, operands).values()];

describe('binding arguments as GNU as 2.40 does', () => {
  it.each([
    ['a + b', ['a+b', '', '']],
    ['a +b', ['a+b', '', '']],
    ['#1 , x', ['#1', 'x', '']],
    ['(a) b', ['(a)b', '', '']],
    ['a (b)', ['a(b)', '', '']],
    ['"x" y', ['x', 'y', '']],
    ['[x0] x1', ['[x0]x1', '', '']],
    ['-1 2', ['-1', '2', '']],
    ['1 -2', ['1-2', '', '']],
    ['x0, [x1, #8]!', ['x0', '[x1', '#8]!']],
    ['x0 #1', ['x0#1', '', '']],
    ['a\tb   c', ['a', 'b', 'c']],
    ['a.b $c d_e', ['a.b', '$c', 'd_e']],
    ['1: 2', ['1:2', '', '']],
    ["'a'", ['97', '', '']],
    ['"a\\"b"', ['a\\"b', '', '']],
    ['"a b", "c,d"', ['a b', 'c,d', '']],
    ['1,,3', ['1', '', '3']],
    ['c = 4', ['', '', '4']],
    ['a=1 b=2', ['1', '2', '']],
  ] as [string, string[]][])('m %s -> %j', (operands, expected) => {
    expect(bound(abc, operands)).toEqual(expected);
  });

  it('defaults, :req and :vararg', () => {
    const m = macro('m a, b=5, c:req');
    expect(bound(m, '1,,3')).toEqual(['1', '5', '3']);
    expect(bound(m, 'c=9, a=7')).toEqual(['7', '5', '9']);
    expect(() => bound(m, '1, 2')).toThrow(/missing value for required parameter 'c'/);
    const v = macro('v first, rest:vararg');
    expect(bound(v, '1, 2 ,3,  4')).toEqual(['1', '2,3,4']);
    expect(bound(v, '1 2 3')).toEqual(['1', '2 3']);
  });

  it('reports unknown keywords, too many arguments and mixing with codes', () => {
    const code = (m: MacroDefinition, operands: string): string => {
      try {
        bindArguments(m, operands);
      } catch (e) {
        if (e instanceof MacroError) return e.code;
      }
      return 'none';
    };
    expect(code(abc, 'd=1')).toBe('HL0208');
    expect(code(abc, '1, 2, 3, 4')).toBe('HL0209');
    expect(code(abc, 'a=1, 2')).toBe('HL0209');
  });

  it('rejects bad headers', () => {
    expect(() => parseMacroHeader('')).toThrow(MacroError);
    expect(() => parseMacroHeader('m a:bogus')).toThrow(/bad qualifier/);
    expect(() => parseMacroHeader('m a, a')).toThrow(/appears twice/);
    expect(() => parseMacroHeader('m a:vararg, b')).toThrow(/follows the :vararg/);
  });
});

describe('substitution', () => {
  const values = new Map([
    ['x', 'Q'],
    ['n', 'x1'],
  ]);
  it('replaces \\name greedily (`.` is a name character), \\() and \\@', () => {
    expect(substitute('\\x\\().y', values, 0)).toBe('Q.y');
    expect(substitute('\\x.y', values, 0)).toBe('\\x.y'); // parameter `x.y` is unknown: left as written
    expect(substitute('.L\\@_\\n:', values, 7)).toBe('.L7_x1:');
    expect(substitute('\\(abc)', values, 0)).toBe('abc');
  });
  it('leaves \\@ alone where there is no macro counter (.irp)', () => {
    expect(substitute('\\@ \\n', values, undefined)).toBe('\\@ x1');
  });
});
