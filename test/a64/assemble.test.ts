// Assembly of one statement (src/a64/assemble.ts): the operand shapes that let it pass over forms
// are sound, and a place where an immediate goes follows GNU as 2.40 (answers taken from it).

import { describe, expect, it } from 'vitest';
import { StatementOperands, shapeFits, writtenShape } from '../../src/a64/assemble.ts';
import { ENTRIES } from '../../src/a64/table/index.ts';
import { OperandError } from '../../src/a64/entry.ts';
import { AsmError } from '../../src/asm/diagnostics.ts';
import { assembleText } from '../../src/asm/assemble.ts';
import { testContext } from '../helpers/asm-context.ts';

/** Operand texts of every shape: registers of each class and width, aliases, immediates, addresses. */
const TOKENS = [
  'x0', 'X7', 'w1', 'W30', 'sp', 'wsp', 'xzr', 'wzr', 'lr', 'fp', 'ip0', 'vcpu', 'wtmp',
  'b0', 'h1', 's2', 'd3', 'q4', 'Q31', 'v5', 'q32', '#x0', '#1', '1', '#-8', '#0x1000', '#(1 << 3)', 'foo', '#foo', '#:lo12:foo', ':lo12:foo',
  '[x0]', '[sp, #16]!', '[x1], #8', '[x2, x3, lsl #3]', '[x2, w3, uxtw]', '[x1, #:lo12:foo]', '#[x0]',
  'lsl #3', 'uxtw', 'eq', 'sy', 'sctlr_el1', 'c7', '',
];

describe('operand shapes', () => {
  it('are necessary: a kind parses only operands of its shape', () => {
    const ctx = { ...testContext({ symbols: { foo: { section: '.text', value: 8n } } }), registerAlias: (n: string) => ({ vcpu: 'x0', wtmp: 'w9' })[n] };
    let checked = 0;
    for (const entry of ENTRIES) {
      for (const spec of entry.operands) {
        if (spec.shape === undefined) continue;
        for (const token of TOKENS) {
          const env = new StatementOperands(ctx);
          let parsed: boolean;
          try {
            spec.parse(token, env);
            parsed = true;
          } catch (e) {
            if (!(e instanceof OperandError) && !(e instanceof AsmError)) throw e;
            parsed = false;
          }
          if (parsed) expect(shapeFits(spec.shape, writtenShape(token, env)), `${entry.id} ${spec.kind} takes '${token}'`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

function assemble(text: string): { words: string[]; warnings: string[]; errors: string[] } {
  try {
    const p = assembleText('t.S', text);
    const bytes = p.sections.get('.text')!.bytes;
    const words: string[] = [];
    for (let i = 0; i < bytes.length; i += 4) words.push(new DataView(bytes.buffer, bytes.byteOffset + i, 4).getUint32(0, true).toString(16).padStart(8, '0'));
    return { words, warnings: p.warnings.map((w) => `${w.code}@${w.origin.location.line}`), errors: [] };
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    return { words: [], warnings: [], errors: e.diagnostics.map((d) => `${d.code}@${d.origin.location.line}`) };
  }
}

describe('a place where an immediate goes (GNU as 2.40)', () => {
  // `lab` is at offset 8 of .text. GNU as fixes these immediates up without a relocation.
  const fixedUp: [string, string][] = [
    ['add x0, x1, lab', '91002020'],
    ['subs x0, x1, lab', 'f1002020'],
    ['cmn w0, lab', '3100201f'],
    ['add x0, x1, lab, lsl #12', '91402020'],
    ['mov x0, lab', 'd2800100'],
    ['movz x0, #lab, lsl #16', 'd2a00100'],
    ['movn x0, lab', '92800100'],
    ['orr x0, x1, #lab', 'b27d0020'],
    ['bic x0, x1, #lab', '927cf820'],
    ['ldrb w0, [x1, #lab]', '39402020'],
    ['ldr x0, [x1, #lab]!', 'f8408c20'],
    ['ldr x0, [x1], #lab', 'f8408420'],
    ['ldur x0, [x1, #lab]', 'f8408020'],
    ['stp x0, x1, [sp, #lab]!', 'a98087e0'],
    ['hvc lab', 'd4000102'],
    ['hlt #lab', 'd4400100'],
    ['udf #lab', '00000008'],
  ];
  it.each(fixedUp)('%s encodes the offset and warns', (line, word) => {
    const r = assemble(`nop\nnop\nlab: ${line}`);
    expect(r).toEqual({ words: ['d503201f', 'd503201f', word], warnings: ['HL0305@3'], errors: [] });
  });

  // GNU as: "constant expression required".
  const constantOnly = [
    'lsl x0, x1, #lab', 'ubfx x0, x1, #lab, #4', 'bfi x0, x1, #4, #lab', 'extr x0, x1, x2, #lab', 'add x0, x1, x2, lsl #lab',
    'ccmp x0, #lab, #0, eq', 'tbz x0, #lab, lab', 'hint #lab', 'clrex #lab', 'dsb #lab', 'isb #lab', 'msr spsel, #lab',
    'sys #lab, c7, c5, #0', 'movk x0, #1, lsl #lab', 'ldr x0, [x1, x2, lsl #lab]',
  ];
  it.each(constantOnly)('%s is an error', (line) => {
    expect(assemble(`nop\nnop\nlab: ${line}`).errors).toEqual(['HL0305@3']);
  });

  it('keeps the relocation of a branch beside a fixed-up immediate, and only warns for the chosen form', () => {
    const r = assemble('nop\nnop\nlab: mov x0, lab\nmov x1, x2\n');
    expect(r.warnings).toEqual(['HL0305@3']);
    expect(r.words.slice(2)).toEqual(['d2800100', 'aa0203e1']);
  });
});
