// Known answers (taken from GNU as 2.40 and objdump), so that the table is checked even where the
// oracle is not installed; the oracle tests cover the same ground at scale.

import { describe, expect, it } from 'vitest';
import { decode } from '../../src/a64/decode.ts';
import { disassemble } from '../../src/a64/disassemble.ts';
import { assembleLine, expectEncoding, hex32 } from '../helpers/laws.ts';

describe('encodings and objdump text', () => {
  const cases: [string, number, string][] = [
    ['add x0, x1, #5', 0x91001420, 'add\tx0, x1, #0x5'],
    ['add x0, x1, #0x1000', 0x91400420, 'add\tx0, x1, #0x1, lsl #12'],
    ['add x0, sp, x1', 0x8b2163e0, 'add\tx0, sp, x1'],
    ['add x0, x1, x2, uxtx', 0x8b226020, 'add\tx0, x1, x2, uxtx'],
    ['add x0, x1, w2, uxtw', 0x8b224020, 'add\tx0, x1, w2, uxtw'],
    ['cmp sp, x1', 0xeb2163ff, 'cmp\tsp, x1'],
    ['mov x0, lr', 0xaa1e03e0, 'mov\tx0, x30'],
    ['mov x0, #0x10000', 0xd2a00020, 'mov\tx0, #0x10000               \t// #65536'],
    ['mov x0, #-1', 0x92800000, 'mov\tx0, #0xffffffffffffffff    \t// #-1'],
    ['mov x0, #0xff00ff00ff00ff00', 0xb2089fe0, 'mov\tx0, #0xff00ff00ff00ff00    \t// #-71777214294589696'],
    ['mov w0, #-2', 0x12800020, 'mov\tw0, #0xfffffffe            \t// #-2'],
    ['orr x0, xzr, #0xff', 0xb2401fe0, 'orr\tx0, xzr, #0xff'],
    ['csel x0, x1, x2, hs', 0x9a822020, 'csel\tx0, x1, x2, cs\t// cs = hs, nlast'],
    ['cset x0, lo', 0x9a9f27e0, 'cset\tx0, cc\t// cc = lo, ul, last'],
    ['ccmp x0, #3, #4, ne', 0xfa431804, 'ccmp\tx0, #0x3, #0x4, ne\t// ne = any'],
    ['ubfx x0, x1, #3, #4', 0xd3431820, 'ubfx\tx0, x1, #3, #4'],
    ['lsl x0, x1, #3', 0xd37df020, 'lsl\tx0, x1, #3'],
    ['movk x0, #1, lsl #16', 0xf2a00020, 'movk\tx0, #0x1, lsl #16'],
    ['dsb sy', 0xd5033f9f, 'dsb\tsy'],
    ['dmb ish', 0xd5033bbf, 'dmb\tish'],
    ['isb', 0xd5033fdf, 'isb'],
    ['ret', 0xd65f03c0, 'ret'],
    ['ret x1', 0xd65f0020, 'ret\tx1'],
    ['nop', 0xd503201f, 'nop'],
  ];
  it.each(cases)('%s', (line, word, text) => expectEncoding(line, word, text));

  it('prints PC-relative targets as addresses, with objdump comments', () => {
    expect(disassemble(0x54000001, 0x14)).toBe('b.ne\t14  // b.any');
    expect(disassemble(0x54000002, 0x2c)).toBe('b.cs\t2c  // b.hs, b.nlast');
    expect(disassemble(0x14000001, 0x28)).toBe('b\t2c');
    expect(disassemble(0x36180000, 0x34)).toBe('tbz\tw0, #3, 34');
    expect(disassemble(0x90000020, 0x3144)).toBe('adrp\tx0, 7000');
  });

  it('prints unallocated words as objdump does', () => {
    expect(disassemble(0x00010000)).toBe('.inst\t0x00010000 ; undefined');
    expect(decode(0x00010000)).toBeUndefined();
    expect(disassemble(0)).toBe('udf\t#0');
  });
});

describe('relocations', () => {
  const symbols = {
    foo: { section: '.text', value: 0x38n, global: true },
    local: { section: '.text', value: 0x40n },
    data: { section: '.data', value: 0x10n },
    CONST: { section: undefined, value: 0x20n },
  };
  const at = (line: string, offset = 0x24) => assembleLine(line, { offset, symbols });

  it('resolves a local label in the same section', () => {
    const r = at('b local');
    expect(r.relocation).toBeUndefined();
    expect(hex32(r.word)).toBe(hex32(0x14000000 | ((0x40 - 0x24) >> 2)));
  });
  it('relocates a call to a global symbol with zero bits, as GNU as does', () => {
    expect(at('bl foo')).toEqual({ word: 0x94000000, relocation: { type: 'CALL26', symbol: 'foo', addend: 0n } });
    expect(at('b foo+8')).toEqual({ word: 0x14000000, relocation: { type: 'JUMP26', symbol: 'foo', addend: 8n } });
    expect(at('cbz x0, undefined_sym').relocation).toEqual({ type: 'CONDBR19', symbol: 'undefined_sym', addend: 0n });
    expect(at('tbz x0, #1, foo').relocation?.type).toBe('TSTBR14');
    expect(at('b.eq foo').relocation?.type).toBe('CONDBR19');
  });
  it('relocates a label of another section against that section', () => {
    expect(at('b data').relocation).toEqual({ type: 'JUMP26', symbol: '.data', addend: 0x10n });
    expect(at('adr x0, data').relocation).toEqual({ type: 'ADR_PREL_LO21', symbol: '.data', addend: 0x10n });
  });
  it('always relocates adrp, and :lo12: adds', () => {
    expect(at('adrp x0, local')).toEqual({ word: 0x90000000, relocation: { type: 'ADR_PREL_PG_HI21', symbol: '.text', addend: 0x40n } });
    expect(at('add x0, x0, :lo12:foo')).toEqual({ word: 0x91000000, relocation: { type: 'ADD_ABS_LO12_NC', symbol: 'foo', addend: 0n } });
    expect(at('add x0, x0, #:lo12:CONST + 0x1000')).toEqual({ word: 0x91000000, relocation: { type: 'ADD_ABS_LO12_NC', symbol: '*ABS*', addend: 0x1020n } });
  });
  it('takes an absolute target as an offset, as GNU as 2.40 does', () => {
    expect(hex32(at('b 0x8', 8).word)).toBe('14000002');
  });
});

describe('decoded operands (what the execution core reads)', () => {
  const decoded = (line: string) => {
    const d = decode(assembleLine(line).word)!;
    return { id: d.entry.id, operands: d.operands };
  };
  it('gives the base encoding and typed operands, aliases resolved to their base', () => {
    expect(decoded('add sp, x1, #1, lsl #12')).toEqual({
      id: 'ADD_64_addsub_imm',
      operands: [
        { kind: 'reg', n: 31, width: 64, sp: true },
        { kind: 'reg', n: 1, width: 64, sp: true },
        { kind: 'imm', value: 1n },
        { kind: 'shift', type: 'lsl', amount: 12 },
      ],
    });
    expect(decoded('cmp w0, w1, uxtb #2')).toEqual({
      id: 'SUBS_32_addsub_ext',
      operands: [
        { kind: 'reg', n: 31, width: 32, sp: false },
        { kind: 'reg', n: 0, width: 32, sp: true },
        { kind: 'reg', n: 1, width: 32, sp: false },
        { kind: 'extend', type: 'uxtb', amount: 2 },
      ],
    });
    expect(decoded('mov x3, #-1').id).toBe('MOVN_64');
    expect(decoded('lsl x0, x1, #3')).toMatchObject({ id: 'UBFM_64', operands: [{ n: 0 }, { n: 1 }, { value: 61n }, { value: 60n }] });
    expect(decoded('tbnz w3, #5, .+8').operands).toEqual([
      { kind: 'reg', n: 3, width: 32, sp: false },
      { kind: 'imm', value: 5n },
      { kind: 'label', offset: 8n },
    ]);
    expect(decoded('b.hi .-4')).toEqual({ id: 'B_cond', operands: [{ kind: 'cond', cond: 8 }, { kind: 'label', offset: -4n }] });
    expect(decoded('dmb ishld')).toEqual({ id: 'DMB', operands: [{ kind: 'name', value: 9, name: 'ishld' }] });
    expect(decoded('ret').operands).toEqual([{ kind: 'reg', n: 30, width: 64, sp: false }]);
  });
});
