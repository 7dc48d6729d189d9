// Known answers for every data-processing family, flags included (carry and overflow at the edges,
// W forms zeroing the top half), through the whole path: assemble, decode, compile, run.

import { describe, expect, it } from 'vitest';
import { BASE, MASK64, expectResult, runSnippet } from '../machine/helpers.ts';

const X = (v: bigint): bigint => v & MASK64;
type Case = [insn: string, inputs: Record<number, bigint>, result: bigint, flags?: string, startFlags?: number];

function table(name: string, cases: Case[]): void {
  describe(name, () => {
    it.each(cases.map((c) => [c[0], c] as const))('%s', (_t, [insn, inputs, result, f, start]) => expectResult(insn, inputs, result, f, start ?? 0));
  });
}

table('add/sub with flags (AddWithCarry)', [
  ['adds x0, x1, x2', { 1: 0x7fffffffffffffffn, 2: 1n }, 0x8000000000000000n, 'NV'],
  ['adds x0, x1, x2', { 1: MASK64, 2: 1n }, 0n, 'ZC'],
  ['adds x0, x1, x2', { 1: 0x8000000000000000n, 2: 0x8000000000000000n }, 0n, 'ZCV'],
  ['adds x0, x1, #1', { 1: 1n }, 2n, ''],
  ['adds w0, w1, w2', { 1: 0xffffffff7fffffffn, 2: 1n }, 0x80000000n, 'NV'],
  ['adds w0, w1, #1', { 1: 0xffffffffn }, 0n, 'ZC'],
  ['subs x0, x1, x2', { 1: 5n, 2: 5n }, 0n, 'ZC'],
  ['subs x0, x1, #1', { 1: 0n }, MASK64, 'N'],
  ['subs x0, x1, x2', { 1: 0x8000000000000000n, 2: 1n }, 0x7fffffffffffffffn, 'CV'],
  ['subs w0, w1, #1', { 1: 0x80000000n }, 0x7fffffffn, 'CV'],
  ['subs w0, w1, w2', { 1: 3n, 2: 5n }, 0xfffffffen, 'N'],
  ['cmp x1, x2', { 0: 9n, 1: 2n, 2: 3n }, 9n, 'N'],
  ['cmn w1, #1', { 0: 9n, 1: 0xffffffffn }, 9n, 'ZC'],
  ['add x0, x1, #1, lsl #12', { 1: 1n }, 0x1001n, undefined, 0b1111],
  ['sub w0, w1, #1', { 1: 0n }, 0xffffffffn],
  ['add x0, x1, x2, lsl #4', { 1: 1n, 2: 2n }, 0x21n],
  ['sub w0, w1, w2, asr #31', { 1: 0n, 2: 0x80000000n }, 1n],
  ['neg x0, x1', { 1: 1n }, MASK64],
  ['add x0, x1, w2, sxtw #2', { 1: 100n, 2: 0xfffffffen }, 92n],
  ['add x0, x1, w2, uxtb', { 1: 0x1000n, 2: 0x1ffn }, 0x10ffn],
  ['subs x0, x1, w2, sxth', { 1: 0n, 2: 0x8000n }, 0x8000n, ''],
  ['adcs x0, x1, x2', { 1: MASK64, 2: 0n }, 0n, 'ZC', 0b0010],
  ['adc w0, w1, w2', { 1: 1n, 2: 1n }, 3n, undefined, 0b0010],
  ['sbcs x0, x1, x2', { 1: 5n, 2: 3n }, 1n, 'C', 0],
  ['sbcs x0, x1, x2', { 1: 5n, 2: 5n }, 0n, 'ZC', 0b0010],
  ['ngc w0, w1', { 1: 0n }, 0xffffffffn, undefined, 0],
]);

table('logical', [
  ['ands x0, x1, x2', { 1: 0x8000000000000000n, 2: MASK64 }, 0x8000000000000000n, 'N', 0b0011],
  ['ands w0, w1, #0x80000000', { 1: 0xffffffff80000000n }, 0x80000000n, 'N'],
  ['tst x1, #1', { 0: 7n, 1: 2n }, 7n, 'Z'],
  ['bics x0, x1, x2', { 1: 0xffn, 2: 0xffn }, 0n, 'Z'],
  ['orn x0, x1, x2', { 1: 1n, 2: MASK64 - 1n }, 1n],
  ['eon w0, w1, w2', { 1: 0n, 2: 0n }, 0xffffffffn],
  ['eor x0, x1, x2, ror #4', { 1: 0n, 2: 1n }, 0x1000000000000000n],
  ['orr w0, wzr, #0xff00ff00', {}, 0xff00ff00n],
  ['and x0, x1, #0x5555555555555555', { 1: MASK64 }, 0x5555555555555555n],
  ['mov x0, x1', { 1: 42n }, 42n],
]);

table('move wide', [
  ['mov x0, #-1', {}, MASK64],
  ['mov w0, #-1', { 0: 5n }, 0xffffffffn],
  ['movz x0, #0x1234, lsl #48', {}, 0x1234000000000000n],
  ['movk x0, #0x1234, lsl #16', { 0: MASK64 }, 0xffffffff1234ffffn],
  ['movk w0, #0x1234', { 0: MASK64 }, 0xffff1234n],
  ['movn w0, #1, lsl #16', {}, 0xfffeffffn],
]);

table('bitfield and extract', [
  ['ubfx x0, x1, #8, #8', { 1: 0x12345678n }, 0x56n],
  ['sbfx x0, x1, #4, #4', { 1: 0xf0n }, MASK64],
  ['bfi x0, x1, #8, #4', { 0: 0xffffn, 1: 0x5n }, 0xf5ffn],
  ['bfxil x0, x1, #4, #8', { 0: 0xffff0000n, 1: 0xabcdn }, 0xffff00bcn],
  ['lsl w0, w1, #4', { 1: 0xf0000001n }, 0x10n],
  ['lsr x0, x1, #60', { 1: 0xf000000000000000n }, 0xfn],
  ['asr x0, x1, #63', { 1: 0x8000000000000000n }, MASK64],
  ['asr w0, w1, #4', { 1: 0x80000000n }, 0xf8000000n],
  ['sxtw x0, w1', { 1: 0x80000000n }, 0xffffffff80000000n],
  ['sxtb w0, w1', { 1: 0x80n }, 0xffffff80n],
  ['uxtb w0, w1', { 1: 0x1ffn }, 0xffn],
  ['sbfiz x0, x1, #60, #4', { 1: 0x8n }, 0x8000000000000000n],
  ['ubfiz w0, w1, #28, #4', { 1: 0xffn }, 0xf0000000n],
  ['extr x0, x1, x2, #8', { 1: 0x11n, 2: 0x2200000000000033n }, 0x1122000000000000n],
  ['ror w0, w1, #4', { 1: 0x12345678n }, 0x81234567n],
]);

table('one and two sources', [
  ['rev x0, x1', { 1: 0x0102030405060708n }, 0x0807060504030201n],
  ['rev w0, w1', { 1: 0xff11223344n }, 0x44332211n],
  ['rev16 w0, w1', { 1: 0x11223344n }, 0x22114433n],
  ['rev32 x0, x1', { 1: 0x1122334455667788n }, 0x4433221188776655n],
  ['rbit w0, w1', { 1: 1n }, 0x80000000n],
  ['rbit x0, x1', { 1: 0x3n }, 0xc000000000000000n],
  ['clz x0, x1', { 1: 1n }, 63n],
  ['clz x0, x1', { 1: 0n }, 64n],
  ['clz w0, w1', { 1: 0x00010000n }, 15n],
  ['cls x0, x1', { 1: MASK64 }, 63n],
  ['cls w0, w1', { 1: 0x0000ffffn }, 15n],
  ['udiv x0, x1, x2', { 1: 7n, 2: 2n }, 3n],
  ['udiv x0, x1, x2', { 1: 7n, 2: 0n }, 0n],
  ['sdiv x0, x1, x2', { 1: X(-7n), 2: 2n }, X(-3n)],
  ['sdiv w0, w1, w2', { 1: 0x80000000n, 2: 0xffffffffn }, 0x80000000n],
  ['lsl x0, x1, x2', { 1: 1n, 2: 65n }, 2n],
  ['asr w0, w1, w2', { 1: 0x80000000n, 2: 63n }, 0xffffffffn],
  ['lsr w0, w1, w2', { 1: 0x80000000n, 2: 31n }, 1n],
  ['ror x0, x1, x2', { 1: 1n, 2: 4n }, 0x1000000000000000n],
]);

table('multiply', [
  ['madd x0, x1, x2, x3', { 1: 3n, 2: 4n, 3: 5n }, 17n],
  ['msub x0, x1, x2, x3', { 1: 3n, 2: 4n, 3: 5n }, X(-7n)],
  ['mul w0, w1, w2', { 1: 0x10000n, 2: 0x10000n }, 0n],
  ['smull x0, w1, w2', { 1: 0xfffffffen, 2: 3n }, X(-6n)],
  ['umull x0, w1, w2', { 1: 0xffffffffn, 2: 0xffffffffn }, 0xfffffffe00000001n],
  ['smaddl x0, w1, w2, x3', { 1: 0xffffffffn, 2: 1n, 3: 10n }, 9n],
  ['umsubl x0, w1, w2, x3', { 1: 2n, 2: 3n, 3: 10n }, 4n],
  ['smulh x0, x1, x2', { 1: MASK64, 2: MASK64 }, 0n],
  ['smulh x0, x1, x2', { 1: 0x8000000000000000n, 2: 2n }, MASK64],
  ['umulh x0, x1, x2', { 1: MASK64, 2: MASK64 }, 0xfffffffffffffffen],
]);

table('conditional select and compare', [
  ['csel x0, x1, x2, eq', { 1: 1n, 2: 2n }, 1n, undefined, 0b0100],
  ['csel x0, x1, x2, eq', { 1: 1n, 2: 2n }, 2n, undefined, 0],
  ['csinc x0, x1, x2, ne', { 1: 1n, 2: 2n }, 3n, undefined, 0b0100],
  ['csinv w0, w1, w2, hi', { 1: 1n, 2: 0n }, 0xffffffffn, undefined, 0b0110],
  ['csneg x0, x1, x2, ge', { 1: 1n, 2: 5n }, X(-5n), undefined, 0b1000],
  ['cset w0, lt', {}, 1n, undefined, 0b1000],
  ['cset x0, gt', {}, 0n, undefined, 0b0100],
  ['cinc x0, x1, le', { 1: 7n }, 8n, undefined, 0b0100],
  ['ccmp x1, x2, #0, eq', { 0: 1n, 1: 5n, 2: 5n }, 1n, 'ZC', 0b0100],
  ['ccmp x1, x2, #0xa, eq', { 0: 1n, 1: 5n, 2: 5n }, 1n, 'NC', 0],
  ['ccmn w1, #1, #0, ne', { 0: 1n, 1: 0xffffffffn }, 1n, '', 0b0100],
  ['ccmn w1, #1, #0, eq', { 0: 1n, 1: 0xffffffffn }, 1n, 'ZC', 0b0100],
]);

describe('pc-relative and stack pointer forms', () => {
  it('adr and adrp read the instruction address', () => {
    const m = runSnippet('nop\nadr x0, .\nadrp x1, .\nadr x2, _end');
    expect(m.state.X(0)).toBe(BASE + 4n);
    expect(m.state.X(1)).toBe(BASE);
    expect(m.state.X(2)).toBe(BASE + 16n);
  });
  it('add/sub immediate use SP for register 31; the flag-setting forms and logical registers use XZR', () => {
    const m = runSnippet('add x0, sp, #16\nsub sp, sp, #32\nmov x3, sp\nadds xzr, x1, #1\nadd w4, wsp, #1', { sp: 0x1000n, x: { 1: 1n } });
    expect(m.state.X(0)).toBe(0x1010n);
    expect(m.state.SP()).toBe(0x1000n - 32n);
    expect(m.state.X(3)).toBe(0x1000n - 32n);
    expect(m.state.X(4)).toBe(0x1000n - 32n + 1n);
  });
  it('a W write to SP zeroes the top half', () => {
    const m = runSnippet('add wsp, w1, #0', { sp: MASK64, x: { 1: 0xffffffff00000010n } });
    expect(m.state.SP()).toBe(0x10n);
  });
  it('writes to the zero register are discarded', () => {
    const m = runSnippet('mov x1, #5\nadd xzr, x1, x1\norr xzr, x1, x1');
    expect(m.state.X(31)).toBe(0n);
  });
});
