// The statement engine: directives, layout, literal pools, relocations, origins, diagnostics and
// limits. Expected bytes are GNU as 2.40's (measured; oracle.test.ts compares the same kinds of
// source with the live tool).

import { describe, expect, it } from 'vitest';
import { assembleText, type AssembleOptions } from '../../src/asm/assemble.ts';
import { Assembler, DEFAULT_LIMITS } from '../../src/asm/assembler.ts';
import { preprocess } from '../../src/asm/cpp.ts';
import { AsmError, type Diagnostic } from '../../src/asm/diagnostics.ts';
import type { Program } from '../../src/asm/program.ts';

const asm = (text: string, options?: AssembleOptions): Program => assembleText('t.S', text, options);
const hex = (p: Program, section = '.text'): string => Buffer.from(p.sections.get(section)?.bytes ?? []).toString('hex');

function errors(text: string, options?: AssembleOptions): Diagnostic[] {
  try {
    asm(text, options);
  } catch (e) {
    if (e instanceof AsmError) return e.diagnostics;
    throw e;
  }
  return [];
}
const codes = (text: string, options?: AssembleOptions): string[] => errors(text, options).map((d) => `${d.code}@${d.origin.location.line}`);

describe('lexing', () => {
  it('handles `;`, `//`, `#` line comments, several labels on a line and strings holding `;`', () => {
    const p = asm('# a comment\n  # indented\na: b: nop ; nop // c\n.ascii "x;//y"\n');
    expect(hex(p)).toBe('1f2003d51f2003d5' + Buffer.from('x;//y').toString('hex'));
    expect(p.symbols.get('a')?.value).toBe(0n);
    expect(p.symbols.get('b')?.value).toBe(0n);
  });

  it('decodes string escapes as GNU as (\\08 is 8, \\x4142 keeps 0x42, unknown escapes are the character)', () => {
    expect(hex(asm('.ascii "\\n\\t\\r\\b\\f\\v\\a\\e\\\\\\"\\x41\\x4142\\101\\0\\08\\z"'))).toBe('0a090d080c0b61655c2241424100087a');
  });
});

describe('data, alignment and sections', () => {
  it('pads code with zeros to 4 then NOPs, data with zeros; honours fill and max-skip', () => {
    expect(hex(asm('.byte 1\n.align 3\nnop'))).toBe('01000000' + '1f2003d5' + '1f2003d5');
    expect(hex(asm('.data\n.byte 1\n.align 3\n.byte 2\n.balign 8, 0xaa\n.byte 3\n.p2align 3,,2\n.byte 4'), '.data')).toBe('010000000000000002aaaaaaaaaaaaaa0304');
  });

  it('zero-pads before an instruction that follows unaligned data, but the label stays where it was', () => {
    const p = asm('.byte 1\ng: nop\n.quad . - g');
    expect(hex(p)).toBe('010000001f2003d5' + '0700000000000000');
  });

  it('sizes .fill, .skip, .zero, .hword, .word, .quad and their synonyms', () => {
    expect(hex(asm('.fill 2, 3, 0x11223344\n.fill 1, 8, 0x1122334455667788\n.skip 2, 0x55\n.zero 1\n.short 1\n.2byte 2\n.long 3\n.int 4\n.xword 5'))).toBe(
      '443322443322' + '8877665500000000' + '5555' + '00' + '0100' + '0200' + '03000000' + '04000000' + '0500000000000000',
    );
  });

  it('keeps sections apart: .section flags, .pushsection/.popsection, .previous, .bss', () => {
    const p = asm('nop\n.section .text.hyp, "ax"\n.byte 1\n.align 3\n.pushsection .rodata.x, "a"\n.byte 7\n.popsection\n.previous\nnop\n.bss\n.skip 3\n.align 4');
    expect(hex(p)).toBe('1f2003d51f2003d5');
    expect(hex(p, '.text.hyp')).toBe('010000001f2003d5');
    expect(hex(p, '.rodata.x')).toBe('07');
    expect(p.sections.get('.bss')?.bytes.length).toBe(16);
    expect(p.sections.get('.text.hyp')?.alignment).toBe(8);
  });

  it('warns (as GNU as) when a value does not fit, and only then', () => {
    const p = asm('.byte 300, -129, -128\n.hword 70000\n.word 0x1ffffffff');
    expect(hex(p)).toBe('2c7f80' + '7011' + 'ffffffff');
    expect(p.warnings.map((w) => `${w.code}@${w.origin.location.line} ${w.message}`)).toEqual([
      'HL0403@1 value 0x12c truncated to 0x2c',
      'HL0403@2 value 0x11170 truncated to 0x1170',
      'HL0403@3 value 0x1ffffffff truncated to 0xffffffff',
    ]);
  });
});

describe('symbols and relocations', () => {
  it('relocates data against the section for a local symbol and against the symbol when global or undefined', () => {
    const p = asm('.globl g\ng: nop\nl: nop\n.quad l\n.quad g + 4\n.quad ext + 4\n.word l\n.hword ext\n.word ext - .');
    expect(p.relocations.map((r) => `${r.offset} ${r.type} ${r.symbol} ${r.addend}`)).toEqual([
      '8 ABS64 .text 4',
      '16 ABS64 g 4',
      '24 ABS64 ext 4',
      '32 ABS32 .text 4',
      '36 ABS16 ext 0',
      '38 PREL32 ext 0',
    ]);
    expect(p.symbols.get('g')).toMatchObject({ section: '.text', value: 0n, global: true });
  });

  it('.set may redefine, and each use sees the value at that point; forward uses see the first', () => {
    const p = asm('.byte fwd\n.set x, 1\n.byte x\n.set x, x + 1\n.byte x\n.equ fwd, 9\nK = 6\n.byte K\n.set fwd, 10\n.byte fwd');
    expect(hex(p)).toBe('090102060a');
  });

  it('.type and .size reach the symbol table; .L symbols do not', () => {
    const p = asm('.globl f\n.type f, %function\nf: nop\n.Lx: ret\n.size f, . - f');
    expect(p.symbols.get('f')).toMatchObject({ type: 'function', size: 8n, global: true });
    expect(p.symbols.has('.Lx')).toBe(false);
  });

  it('numeric local labels resolve to the nearest definition in each direction', () => {
    const p = asm('0: .byte 0\n1: .byte 1b - 0b\n.byte 1f - 0b, 2f - 0b\n1: .byte 1b - 0b\n2: .byte 1b - 0b');
    expect(hex(p)).toBe('00' + '01' + '0405' + '04' + '04');
  });
});

describe('literal pools', () => {
  it('puts the 4-byte pool first, deduplicates, aligns the 8-byte pool, and dumps leftovers at the end', () => {
    const p = asm('ldr w3,=0x12345\nldr x0,=0x1234\nldr x1,=0x1234\nldr x2,=sym\nldr x4,=loc\nldr w5,=0x12345\nldr x6, =0x5678\nldr w7, =loc\nloc: nop\n.ltorg\nldr x8, =9\nnop');
    expect(hex(p)).toBe(
      '23010018600100584101005862010058840100588500001886010058670000181f2003d5' +
        '4523010000000000' + '00000000' + '3412000000000000' + '0000000000000000' + '0000000000000000' + '7856000000000000' +
        '480000581f2003d5' + '0900000000000000',
    );
    expect(p.relocations.map((r) => `${r.offset} ${r.type} ${r.symbol} ${r.addend}`)).toEqual(['40 ABS32 .text 32', '56 ABS64 sym 0', '64 ABS64 .text 32']);
    expect(p.instructions[0]?.text).toBe('ldr w3,=0x12345');
  });
});

describe('macros, repeats and conditionals', () => {
  it('counts \\@ over macro invocations only, recursion included', () => {
    const src = '.macro m a\n.byte \\a, \\@\n.endm\n.macro va first, rest:vararg\n.byte \\@\n.ifnb \\rest\nva \\rest\n.endif\n.endm\nm 1\n.irp r, 1, 2\nm \\r\n.endr\n.rept 2\n.byte 0xee\n.endr\nva 1, 2, 3\nm 9';
    expect(hex(asm(src))).toBe('0100' + '0101' + '0202' + 'eeee' + '030405' + '0906');
  });

  it('.exitm leaves the macro and its open conditionals; .purgem forgets it', () => {
    expect(hex(asm('.macro ex\n.byte 0x77\n.ifc a, a\n.exitm\n.endif\n.byte 0x78\n.endm\nex\n.byte 1\n.purgem ex\n.macro ex\n.byte 2\n.endm\nex'))).toBe('770102');
  });

  it('.if sees symbols set so far; .else/.elseif pick one branch; .ifdef/.ifc/.ifb', () => {
    const src = '.set n, 2\n.if n == 1\n.byte 1\n.elseif n == 2\n.byte 2\n.else\n.byte 3\n.endif\n.ifdef n\n.byte 4\n.endif\n.ifndef zz\n.byte 5\n.endif\n.ifc x0, x0\n.byte 6\n.endif\n.ifnb\n.byte 7\n.endif\n.ifgt n - 3\n.byte 8\n.else\n.byte 9\n.endif';
    expect(hex(asm(src))).toBe('020405060' + '9');
  });

  it('.irpc walks characters; .irp splits quoted groups as one value', () => {
    expect(hex(asm('.irpc c, 456\n.byte \\c\n.endr\n.irp p, "2,3", 4\n.byte \\p\n.endr'))).toBe('040506' + '020304');
  });

  it('gives every instruction the macro and .irp stack of its expansion, innermost first', () => {
    const p = asm('.macro inner r\n  mov \\r, #1\n.endm\n.macro outer\n  .irp q, x1, x2\n  inner \\q\n  .endr\n.endm\n  outer\n');
    expect(p.instructions.map((i) => i.text)).toEqual(['mov x1, #1', 'mov x2, #1']);
    const o = p.instructions[1]!.origin;
    expect(o.location).toEqual({ file: 't.S', line: 2, col: 3 });
    expect(o.stack.map((f) => `${f.macro}@${f.at.line}:${f.at.col}`)).toEqual(['inner@6:3', '.irp (iteration 2 of 2)@5:3', 'outer@9:3']);
  });

  it('register aliases: .req/.unreq, and lr stays x30', () => {
    const p = asm('lr .req x3\nmov lr, x1\nfoo .req x5\nmov foo, #1\n.unreq foo');
    expect(hex(p)).toBe('fe0301aa' + '250080d2');
    expect(p.warnings.map((w) => w.message)).toEqual(["ignoring redefinition of register alias 'lr'"]);
  });
});

describe('.include', () => {
  it('reads GNU as includes through the virtual file system, next to the including file first', () => {
    const files: Record<string, string> = { 'src/inc.s': '.byte 2\n', 'lib/deep.s': '.byte 3\n', 'src/loop.s': '.include "loop.s"\n' };
    const options = { includeDirs: ['lib'], readFile: (path: string) => files[path] };
    expect(hex(assembleText('src/t.S', '.byte 1\n.include "inc.s"\n.include "deep.s"\n.byte 4', options))).toBe('01020304');
    const codesOf = (text: string): string[] => {
      try {
        assembleText('src/t.S', text, options);
      } catch (e) {
        if (e instanceof AsmError) return e.diagnostics.map((d) => d.code);
      }
      return [];
    };
    expect(codesOf('.include "missing.s"')).toEqual(['HL0101']);
    expect(codesOf('.include "loop.s"')).toEqual(['HL0102']);
  });
});

describe('diagnostics', () => {
  it('reports each bad statement with its code and line, and goes on', () => {
    expect(codes('x: nop\nx: nop\n.if fwd\n.endif\n.foo 1\n.err\n.error "boom"\n.macro r a:req\n.endm\nr\n.rept -1\n.endr\nb 1f\n.equiv E, 1\n.equiv E, 2\nfwd: nop')).toEqual([
      'HL0302@2', 'HL0301@3', 'HL0401@5', 'HL0215@6', 'HL0215@7', 'HL0207@10', 'HL0211@11', 'HL0302@15', 'HL0303@13',
    ]);
  });

  it('reports unbalanced blocks where they open', () => {
    expect(codes('nop\n.macro m\nnop')).toEqual(['HL0201@2']);
    expect(codes('.if 1\nnop')).toEqual(['HL0203@1']);
    expect(codes('.rept 2\nnop')).toEqual(['HL0205@1']);
    expect(codes('.endif')).toEqual(['HL0204@1']);
    expect(codes('.endr')).toEqual(['HL0206@1']);
    expect(codes('.endm')).toEqual(['HL0202@1']);
    expect(codes('.exitm')).toEqual(['HL0202@1']);
  });

  it('warns where GNU as only warns: .popsection underflow, .purgem of an unknown macro', () => {
    const p = asm('.popsection\n.purgem nope\nnop');
    expect(p.warnings.map((w) => w.code)).toEqual(['HL0404', 'HL0213']);
  });

  it('stops runaway recursion, .rept and sections at the limits, with a diagnostic', () => {
    expect(codes('.macro r\nr\n.endm\nr', { limits: { maxMacroDepth: 20 } })).toEqual(['HL0210@2']);
    expect(codes('.rept 1000\n.byte 1\n.endr', { limits: { maxRepeat: 100 } })).toEqual(['HL0211@1']);
    expect(codes('.rept 100\n.rept 100\nnop\n.endr\n.endr', { limits: { maxStatements: 5000 } })[0]).toBe('HL0904@3');
    expect(codes('.skip 100\n.skip 100', { limits: { maxSectionBytes: 150 } })).toEqual(['HL0904@2']);
    expect(codes('.fill 1000000000, 8, 1')[0]).toMatch(/^HL0(904|305)@1$/);
  });

  it('never lets a JavaScript exception escape: bad input ends in AsmError', () => {
    for (const text of ['$$$', '.macro', '.irp', '.section', '.align 99', '.quad (', '"', '.byte 1 2', '.inst x', 'ldr q0, =1', '.size', '.type x']) {
      expect(() => asm(text), text).toThrow(AsmError);
    }
  });
});

describe('speed', () => {
  // The front end alone (a stub encoder): the instruction encoder is measured by src/a64's tests.
  it('expands and lays out a 5,000-line macro-heavy file well under a second', () => {
    const lines = ['.set k, 0', '.macro body i', '1: add x\\i, x\\i, #1', 'cbnz x\\i, 1b', '.if \\i > 3', 'mov x0, #\\i', '.else', 'mov x1, #\\i', '.endif', '.endm', '.macro all', '.irp n, 0, 2, 4, 6', 'body \\n', '.endr', '.endm'];
    while (lines.length < 5000) lines.push('all', '.set k, k + 1', '.byte k & 0xff', 'ldr x0, =k');
    const input = preprocess('big.S', { includeDirs: [], defines: {} }, lines.join('\n'));
    let best = Infinity;
    let count = 0;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      const p = new Assembler(() => ({ word: 0xd503201f }), DEFAULT_LIMITS).run(input, 'big.S');
      best = Math.min(best, performance.now() - start);
      count = p.instructions.length;
    }
    console.info(`front end: ${lines.length} lines -> ${count} instructions in ${best.toFixed(0)} ms (best of 3)`);
    expect(count).toBeGreaterThan(15000);
    expect(best).toBeLessThan(1000);
  });
});
