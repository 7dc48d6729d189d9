// Loads and stores: random instances of every row and the GNU as choices that matter (ldr -> ldur,
// `lsl #0` on byte accesses, ...) against GNU as 2.40 / objdump in one batch each; decoded operands;
// diagnostics.

import { describe, expect, it } from 'vitest';
import { decode } from '../../src/a64/decode.ts';
import { accessBytes } from '../../src/a64/table/loads-stores.ts';
import { describeWithGnuAs } from '../helpers/gnu-as.ts';
import { assembleLine, expectDiagnostic, expectEncoding } from '../helpers/laws.ts';
import { compareWithGnu, generatedLines } from './gnu-batch.ts';

/** Source lines whose encoding or printing GNU as decides in a way worth pinning down. */
const GNU_CHOICES = [
  // Unscaled or negative offsets: ldr/str become ldur/stur (and ldrb -> ldurb, ldrsw -> ldursw ...).
  'ldr x0, [x1, #-8]',
  'ldr x0, [x1, #4]',
  'ldr w0, [x1, #2]',
  'ldrb w0, [x1, #-1]',
  'ldrh w0, [x1, #1]',
  'ldrsh x0, [x1, #-2]',
  'ldrsb w0, [x1, #-1]',
  'ldrsw x0, [x1, #-4]',
  'str q0, [x1, #8]',
  'str d3, [sp, #-256]',
  'ldr x0, [x1, #255]',
  // Scaled offsets at their limits, SP as base, the zero register as transfer register.
  'ldr x0, [x1, #32760]',
  'ldr w0, [x1, #16380]',
  'ldrh w0, [x1, #8190]',
  'ldrb w0, [x1, #4095]',
  'ldr q0, [x1, #65520]',
  'ldr x0, [sp, #8]',
  'str xzr, [sp]',
  'strb wzr, [x3, #0]',
  'ldr x0, [x1, #0]',
  'ldr x0, [x1, #(4+4)]',
  'ldr x0, [x1,#0x10]',
  // Writeback prints #0 (pre-index) and the post-index offset as a separate operand.
  'ldr x0, [x1, #0]!',
  'ldr x0, [x1], #0',
  'ldr x0, [x1, #-256]!',
  'ldr x0, [x1], #255',
  'ldrsw x0, [x1], #-4',
  'ldrsh w0, [x1, #2]!',
  'ldr q0, [x1, #-16]!',
  'str b1, [x2], #1',
  // Register offsets: the shift is 0 or the access size; byte accesses keep an explicit #0.
  'ldr x0, [x1, x2]',
  'ldr x0, [x1, x2, lsl #3]',
  'ldr x0, [x1, x2, lsl #0]',
  'ldr x0, [x1, w2, uxtw]',
  'ldr x0, [x1, w2, uxtw #3]',
  'ldr x0, [x1, w2, sxtw #0]',
  'ldr x0, [x1, x2, sxtx]',
  'ldr x0, [x1, x2, sxtx #0]',
  'ldr w0, [x1, x2, sxtx #2]',
  'ldr x0, [x1, xzr]',
  'ldrb w0, [x1, x2, lsl #0]',
  'ldrb w0, [x1, x2]',
  'ldrb w0, [x1, w2, uxtw #0]',
  'ldrb w0, [x1, x2, sxtx]',
  'ldrh w0, [x1, x2, lsl #1]',
  'ldrsw x0, [x1, w2, sxtw #2]',
  'ldr q0, [x1, x2, lsl #4]',
  'ldr b0, [x1, x2, lsl #0]',
  'ldr h0, [x1, x2, lsl #1]',
  // Literal loads.
  'ldr x0, .+16',
  'ldrsw x0, .+12',
  'ldr q0, .-8',
  'ldr w0, .',
  'ldr d2, .+1048572',
  // Pairs.
  'ldp x0, x1, [sp, #-16]!',
  'ldp x0, x1, [sp], #16',
  'stp x29, x30, [sp, #-32]!',
  'ldp x0, x1, [x2, #504]',
  'ldp w0, w1, [x2, #-256]',
  'ldp q0, q1, [x2, #1008]',
  'stp q0, q1, [sp, #-1024]!',
  'ldp x0, x1, [x2, #0]!',
  'ldp x0, x1, [x2], #-512',
  'ldp x0, x1, [x2, #0]',
  'ldnp x0, x1, [x2, #8]',
  'stnp q0, q1, [x2]',
  'ldpsw x0, x1, [x2, #8]',
  'ldp d0, d1, [x1, #-512]',
  'ldp s0, s1, [x1, #252]',
  'stp w0, w1, [x3], #4',
];

describeWithGnuAs('loads and stores against GNU as 2.40', () => {
  it('random instances of every row (one as run): same words, same objdump text', () => {
    const lines = generatedLines('loads-stores', 40, 20240501);
    expect(lines.length).toBeGreaterThan(5000);
    expect(compareWithGnu(lines)).toEqual([]);
  });

  it("GNU as's choices: ldr -> ldur, offset printing, register-offset shifts, literals, pairs", () => {
    expect(compareWithGnu(GNU_CHOICES)).toEqual([]);
  });
});

describe('loads and stores: known answers', () => {
  it('encodes the world-switch save/restore idioms', () => {
    expectEncoding('stp x19, x20, [x1, #152]', 0xa909d033, 'stp\tx19, x20, [x1, #152]');
    expectEncoding('ldp x29, x30, [sp], #16', 0xa8c17bfd, 'ldp\tx29, x30, [sp], #16');
    expectEncoding('stp q0, q1, [x2, #-32]!', 0xadbf0440, 'stp\tq0, q1, [x2, #-32]!');
    expectEncoding('ldr x0, [x1, #-8]', 0xf85f8020, 'ldur\tx0, [x1, #-8]');
    expectEncoding('str x0, [x2, x3, lsl #3]', 0xf8237840, 'str\tx0, [x2, x3, lsl #3]');
  });

  it('decodes addresses into typed operands for the execution core', () => {
    const pre = decode(0xa9bf7bfd)!; // stp x29, x30, [sp, #-16]!
    expect(pre.entry.id).toBe('STP_64_ldstpair_pre');
    expect(pre.operands[2]).toEqual({ kind: 'mem', mode: 'pre', base: 31, offset: -16n });
    expect(accessBytes(pre.fields)).toBe(8);
    const post = decode(0xf84ff420)!; // ldr x0, [x1], #255
    expect(post.operands.slice(1)).toEqual([{ kind: 'mem', mode: 'post', base: 1 }, { kind: 'imm', value: 255n }]);
    const reg = decode(0xb8a2d820)!; // ldrsw x0, [x1, w2, sxtw #2]
    expect(reg.entry.id).toBe('LDRSW_64_ldst_regoff');
    expect(reg.operands[1]).toMatchObject({ mode: 'register', base: 1, index: 2, indexWidth: 32, extend: 'sxtw', shift: 2 });
    const q = decode(0x3dfffc20)!; // ldr q0, [x1, #65520]
    expect(q.operands[0]).toEqual({ kind: 'vreg', n: 0, bytes: 16 });
    expect(accessBytes(q.fields)).toBe(16);
    expect(accessBytes(decode(0x69410440)!.fields)).toBe(4); // ldpsw
    expect(accessBytes(decode(0xad5f8440)!.fields)).toBe(16); // ldp q
  });

  it(':lo12: offsets become LDST*_ABS_LO12_NC relocations scaled by the access size', () => {
    expect(assembleLine('ldr x0, [x1, :lo12:sym]')).toEqual({ word: 0xf9400020, relocation: { type: 'LDST64_ABS_LO12_NC', symbol: 'sym', addend: 0n } });
    expect(assembleLine('ldrb w0, [x1, #:lo12:sym+4]').relocation).toEqual({ type: 'LDST8_ABS_LO12_NC', symbol: 'sym', addend: 4n });
    expect(assembleLine('ldr q0, [x1, :lo12:sym]').relocation?.type).toBe('LDST128_ABS_LO12_NC');
  });

  it('marks CONSTRAINED UNPREDICTABLE forms (GNU as warns) and still encodes them', () => {
    const ldp = decode(assembleLine('ldp x0, x0, [x2]').word)!;
    expect(ldp.entry.unpredictable?.(ldp.fields)).toBe('load pair into one register');
    const wb = decode(assembleLine('ldr x1, [x1, #8]!').word)!;
    expect(wb.entry.unpredictable?.(wb.fields)).toMatch(/writeback/);
    const sp = decode(assembleLine('ldp x0, x1, [sp, #-16]!').word)!;
    expect(sp.entry.unpredictable?.(sp.fields)).toBeUndefined();
  });

  it('diagnoses bad offsets, registers and address forms', () => {
    expectDiagnostic('stp x0, x1, [sp, #4]', 'HL0504');
    expectDiagnostic('stp x0, x1, [sp, #512]', 'HL0503');
    expectDiagnostic('stp x0, x1, [sp, #-520]', 'HL0503');
    expectDiagnostic('ldp q0, q1, [x0], #8', 'HL0504');
    expectDiagnostic('ldr x0, [x1, #32768]', 'HL0503');
    expectDiagnostic('ldr x0, [x1, #-257]', 'HL0503');
    expectDiagnostic('ldrsw x0, [x1, #1002]', 'HL0504');
    expectDiagnostic('ldr x0, [x1, #256]!', 'HL0503');
    expectDiagnostic('ldr x0, [x1], #-257', 'HL0503');
    expectDiagnostic('ldur x0, [x1, #256]', 'HL0503');
    expectDiagnostic('ldrsw x0, [x1, x2, lsl #3]', 'HL0503');
    expectDiagnostic('ldrb w0, [x1, w2, uxtw #1]', 'HL0503');
    expectDiagnostic('ldr x0, [x1, w2, lsl #3]', 'HL0513');
    expectDiagnostic('ldr x0, [x1, x2, uxtw #3]', 'HL0513');
    expectDiagnostic('ldr x0, [x1, w2]', 'HL0513');
    expectDiagnostic('ldr x0, [w1, #8]', 'HL0508');
    expectDiagnostic('ldr x0, [xzr]', 'HL0508');
    expectDiagnostic('ldr x0, [x1, sp]', 'HL0508');
    expectDiagnostic('ldr w0, [x1], #1, #2', 'HL0502');
    expectDiagnostic('ldr x0, [x1]!', 'HL0502');
    expectDiagnostic('ldnp x0, x1, [x2, #8]!', 'HL0502');
    expectDiagnostic('ldr q0, [x1, #8]!!', 'HL0502');
    expectDiagnostic('ldr s0, [x1, x2, lsl #3]', 'HL0503');
    expectDiagnostic('ldp x0, w1, [x2]', 'HL0513');
  });
});
