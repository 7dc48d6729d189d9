// Bad operands end in one coded diagnostic, the most helpful one among the forms that were tried,
// and nothing else escapes (random operand soup).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assembleInstruction } from '../../src/a64/assemble.ts';
import { ENTRIES_BY_MNEMONIC } from '../../src/a64/table/index.ts';
import { AsmError } from '../../src/asm/diagnostics.ts';
import type { DiagnosticCode } from '../../src/asm/diagnostics.ts';
import { testContext } from '../helpers/asm-context.ts';
import { expectDiagnostic } from '../helpers/laws.ts';

describe('diagnostics', () => {
  const cases: [string, DiagnosticCode][] = [
    ['frob x0, x1', 'HL0501'],
    ['b.', 'HL0501'],
    ['add x0, x1', 'HL0502'],
    ['nop x0', 'HL0502'],
    ['ret x0, x1', 'HL0502'],
    ['b', 'HL0502'],
    ['add x0, x1, x2, foo #3', 'HL0502'],
    ['add x0, x1, [x2]', 'HL0502'],
    ['add x0, x1, #5000', 'HL0503'],
    ['ADD X0, X1, #5000', 'HL0503'],
    ['add x0, x1, #1, lsl #3', 'HL0503'],
    ['add x0, x1, #0x1000, lsl #12', 'HL0503'],
    ['add x0, x1, x2, lsl #64', 'HL0503'],
    ['add w0, w1, w2, lsl #32', 'HL0503'],
    ['mov x0, #0x123456789', 'HL0503'],
    ['lsl x0, x1, #64', 'HL0503'],
    ['ubfx x0, x1, #60, #8', 'HL0503'],
    ['tbz w0, #32, .', 'HL0503'],
    ['svc #0x10000', 'HL0503'],
    ['ccmp x0, #32, #0, eq', 'HL0503'],
    ['movz x0, #1, lsl #8', 'HL0504'],
    ['b .+2', 'HL0504'],
    ['cbz x0, .+6', 'HL0504'],
    ['add x0, xzr, #1', 'HL0508'],
    ['adds sp, x0, #1', 'HL0508'],
    ['b .+0x8000000', 'HL0509'],
    ['cbz x0, .+0x100000', 'HL0509'],
    ['tbz x0, #1, .-0x8004', 'HL0509'],
    ['adr x0, .+0x100000', 'HL0509'],
    ['and x0, x1, #5', 'HL0510'],
    ['and x0, x1, #0', 'HL0510'],
    ['tst w0, #0xffffffff', 'HL0510'],
    ['b.xx .', 'HL0512'],
    ['csel x0, x1, x2, foo', 'HL0512'],
    ['cset x0, al', 'HL0512'],
    ['add x0, w1, #1', 'HL0513'],
    ['add w0, x1, w2', 'HL0513'],
    ['add x0, x1, x2, uxtw', 'HL0513'],
    ['madd x0, x1, w2, x3', 'HL0513'],
    ['dsb foo', 'HL0514'],
    ['add x0, x1, #undefined_symbol', 'HL0305'],
    // Lines GNU as 2.40 rejects too.
    ['sxtw x0, x1', 'HL0513'],
    ['mvn x0, #1', 'HL0502'],
    ['neg x0, #1', 'HL0502'],
    ['tst x0, #0xff, lsl #0', 'HL0502'],
    ['mov x0, #0x1234, lsl 16', 'HL0502'],
    ['mul x0, x1, x2, x3', 'HL0502'],
    ['eret x0', 'HL0502'],
    ['ubfx x0, x1, #0, #65', 'HL0503'],
    ['lsl w0, w1, #32', 'HL0503'],
    ['extr x0, x1, x2, #64', 'HL0503'],
    ['mov w0, #0x100000000', 'HL0503'],
    ['cinc x0, x1, al', 'HL0512'],
    ['cset x0, nv', 'HL0512'],
  ];
  it.each(cases)('%s -> %s', (line, code) => expectDiagnostic(line, code));

  it('reads .req aliases through the context', () => {
    expect(assembleInstruction('add', 'vcpu, vcpu, #8', { ...testContext(), registerAlias: (n) => (n === 'vcpu' ? 'x0' : undefined) }).word).toBe(0x91002000);
  });
});

describe('operand soup', () => {
  const mnemonics = [...ENTRIES_BY_MNEMONIC.keys()].map((m) => m.replace('<cond>', 'eq'));
  const piece = fc.oneof(
    fc.constantFrom('x0', 'w1', 'sp', 'wsp', 'xzr', 'lr', '#1', '#-1', '#0x1000', 'lsl #3', 'uxtw', 'sxtx #2', 'eq', 'hs', 'ish', '[x0]', '[x1, #8]!', '.', '.+4', 'foo', '#:lo12:foo', '(1 << 3)', ''),
    fc.string({ maxLength: 8 }),
  );
  it('gives a coded diagnostic or an encoding, never anything else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...mnemonics), fc.array(piece, { maxLength: 5 }), (mnemonic, ops) => {
        try {
          const r = assembleInstruction(mnemonic, ops.join(', '), testContext({ symbols: { foo: { section: '.text', value: 8n } } }));
          expect(r.word >>> 0).toBe(r.word);
        } catch (e) {
          if (!(e instanceof AsmError)) throw e;
          expect(e.diagnostics.length).toBe(1);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
