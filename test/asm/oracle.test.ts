// Small sources assembled by hyplab and by aarch64-linux-gnu-as 2.40: section bytes and relocations
// must be identical. Each source aims at one part of the statement engine (expressions, macro
// arguments, directives, pools, relocations); the fixtures in test/fixtures/asm cover whole programs.
// Skips loudly without the tool; fails when HYPLAB_REQUIRE_ORACLES=1.

import { expect, it } from 'vitest';
import { assembleText } from '../../src/asm/assemble.ts';
import { AsmError, formatDiagnostic } from '../../src/asm/diagnostics.ts';
import type { Program } from '../../src/asm/program.ts';
import { describeWithGnuAs, gnuAssembleText } from '../helpers/gnu-as.ts';
import { PRECEDENCE_KNOWN_ANSWERS } from './expr-known-answers.ts';

const SOURCES: Record<string, string> = {
  precedence: PRECEDENCE_KNOWN_ANSWERS.map(([e]) => `.quad ${e}`).join('\n'),

  'macro arguments': [
    '.macro m a, b, c',
    '.ascii "<\\a|\\b|\\c>\\n"',
    '.endm',
    ...['a + b', 'a +b', '#1 , x', '(a) b', 'a (b)', '"x" y', '[x0] x1', '-1 2', '1 -2', 'x0, [x1, #8]!', 'x0 #1', 'a\tb   c', 'a.b $c d_e', '1: 2', 'a=b', "'a'", '"a\\"b"', '.L1 .L2', '1,,3', 'c = 4', 'a=1 b=2', 'M 5'].map((a) => `m ${a}`),
    '.macro v a, r:vararg',
    '.ascii "<\\a|\\r>"',
    '.endm',
    'v 1, 2 ,3,  4',
    'v 1 2 3',
    '.macro dot x',
    '.ascii "\\x\\().y"',
    '.endm',
    'dot Q',
  ].join('\n'),

  'macros, repeats, conditionals': [
    '.macro m a, b=5, c:req',
    '.byte \\a, \\b, \\c, \\@',
    '.endm',
    'm 1,,3',
    'm 1 2 3',
    'm c=9, a=7',
    '.macro va first, rest:vararg',
    '.byte \\first',
    '.ifnb \\rest',
    'va \\rest',
    '.endif',
    '.endm',
    'va 1, 2, 3',
    '.irp r, 1, 2, 3',
    '.byte \\r',
    '.endr',
    '.irpc c, 456',
    '.byte \\c',
    '.endr',
    '.rept 2',
    '.byte 0xee',
    '.endr',
    '.macro ex',
    '.byte 0x77',
    '.ifc a, a',
    '.exitm',
    '.endif',
    '.byte 0x78',
    '.endm',
    'ex',
    'foo .req x5',
    'mov foo, #1',
    'mov lr, x1',
    '.set K2, 4',
    '.set K2, 5',
    '.byte K2',
    'K3 = 6',
    '.byte K3',
    '.if K3 == 6 && K2 > 4',
    '.byte 1',
    '.elseif 1',
    '.byte 2',
    '.else',
    '.byte 3',
    '.endif',
    '.ifnc x0, x1',
    '.byte 4',
    '.endif',
  ].join('\n'),

  'data, alignment, sections': [
    '# a comment line',
    'a: b: nop ; nop // comment',
    '.byte 1',
    '.align 3',
    'nop',
    '.byte -129, -128',
    '.data',
    '.byte 1',
    '.align 3',
    '.byte 2',
    '.balign 8, 0xaa',
    '.byte 3',
    '.p2align 3,,2',
    '.byte 4',
    '.ascii "\\n\\t\\r\\b\\f\\v\\a\\e\\\\\\"\\x41\\x4142\\101\\0\\08\\z"',
    '.asciz "s"',
    '.string "t"',
    '.fill 2, 3, 0x11223344',
    '.fill 1, 8, 0x1122334455667788',
    '.fill 3',
    '.skip 2, 0x55',
    '.zero 3',
    '.hword 1',
    '.short 2',
    '.word 3',
    '.long 4',
    '.int 5',
    '.quad 6',
    '.8byte 7',
    '.xword 8',
    '.section .text.hyp, "ax"',
    '.byte 1',
    '.align 3',
    'nop',
    '.pushsection .rodata.x, "a"',
    '.byte 1',
    '.align 3',
    '.quad 2',
    '.popsection',
    '.inst 0xd503201f',
    '.previous',
    '.byte 9',
    '.section .text.bar',
    '.byte 1',
    '.align 2',
    '.bss',
    '.skip 3',
    '.align 4',
  ].join('\n'),

  'symbols and relocations': [
    '.globl g',
    '.type g, %function',
    'g: nop',
    'b g',
    'bl g',
    'b l',
    'b ext',
    'adr x0, l',
    'l: nop',
    '.size g, . - g',
    '.quad l',
    '.quad g',
    '.quad ext+4',
    '.word l',
    '.quad l - g',
    '.word ext - .',
    '.hword ext',
    '0: .byte 0',
    '1: .byte 1b - 0b',
    '.byte 1f - 0b, 2f - 0b',
    '1: .byte 1b - 0b',
    '2: .byte 1b - 0b',
    '.data',
    'd: .quad d, l, g',
    '.equ alias, l + 8',
    '.quad alias',
  ].join('\n'),

  quirks: [
    '.data',
    '.quad COUNT',
    '.set COUNT, 4',
    '.quad COUNT',
    '.set COUNT, 5',
    '.quad COUNT',
    '.byte 1',
    'nop',
    '.text',
    'entry:',
    'entry: nop',
    'b entry',
  ].join('\n'),

  'literal pools': [
    'ldr w3,=0x12345',
    'ldr x0,=0x1234',
    'ldr x1,=0x1234',
    'ldr x2,=sym',
    'ldr x4,=loc',
    'ldr w5,=0x12345',
    'ldr x6, =0x5678',
    'ldr w7, =loc',
    'loc: nop',
    '.ltorg',
    'ldr x8, =9',
    'ldr x9, =later',
    '.data',
    '.byte 1',
    '.text',
    'nop',
    '.pool',
    '.section .text.other, "ax"',
    'ldr w0, =1',
    'later: nop',
  ].join('\n'),
};

function ours(text: string): Program {
  try {
    return assembleText('oracle.s', text);
  } catch (e) {
    if (e instanceof AsmError) throw new Error(e.diagnostics.map(formatDiagnostic).join('\n'));
    throw e;
  }
}

const SHT_NOBITS = 8;

describeWithGnuAs('small sources: hyplab equals GNU as 2.40', () => {
  it.each(Object.entries(SOURCES))('%s', (_name, text) => {
    const gnu = gnuAssembleText(`${text}\n`);
    const program = ours(text);
    const SHF_ALLOC = 2n;
    for (const [name, s] of gnu.elf.sections) {
      if ((s.flags & SHF_ALLOC) === 0n) continue;
      const mine = program.sections.get(name);
      expect(mine, `section ${name}`).toBeDefined();
      if (s.type === SHT_NOBITS) continue;
      expect(Buffer.from(mine!.bytes).toString('hex'), `section ${name}`).toBe(Buffer.from(s.bytes).toString('hex'));
    }
    const key = (r: { section: string; offset: number; type: string; symbol: string; addend: bigint }): string => `${r.section}+${r.offset} ${r.type} ${r.symbol} ${r.addend}`;
    expect(program.relocations.map(key).sort()).toEqual(gnu.elf.relocations.map(key).sort());
  });
});
