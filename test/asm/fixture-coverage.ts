// The checklist of issue 2 items 1-4 (what the fixtures in test/fixtures/asm must use together),
// each item with the source pattern that shows a fixture uses it. The fixtures test checks that every
// item is used by at least one fixture; COVERAGE.md is this table printed out:
//   npx tsx test/asm/fixture-coverage.ts > test/fixtures/asm/COVERAGE.md

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/asm');
export const FIXTURE_INCLUDE_DIR = join(FIXTURE_DIR, 'include');

export interface CoverageItem {
  group: string;
  item: string;
  pattern: RegExp;
}

/** A statement starting with `mnemonic` (after an optional label), e.g. `\tstp x0, x1, [sp]`. */
function mnemonic(m: string): RegExp {
  return new RegExp(`^[ \\t]*(?:[\\w.$]+:[ \\t]*)*${m.replace('.', '\\.')}(?:[ \\t]|$)`, 'mi');
}

/** A directive at the start of a statement. */
function directive(d: string): RegExp {
  return new RegExp(`^[ \\t]*(?:[\\w.$]+:[ \\t]*)*\\${d}\\b`, 'mi');
}

const CONDITIONS = ['eq', 'ne', 'cs', 'hs', 'cc', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

export const COVERAGE: CoverageItem[] = [
  // 1. C preprocessor
  { group: '1 cpp', item: '#include "..."', pattern: /^#include\s+"/m },
  { group: '1 cpp', item: '#include <...> through -I', pattern: /^#include\s+</m },
  { group: '1 cpp', item: '#define object-like', pattern: /^#define\s+\w+\s/m },
  { group: '1 cpp', item: '#define function-like', pattern: /^#define\s+\w+\(/m },
  { group: '1 cpp', item: 'function-like macro argument substituted unparenthesised', pattern: /TIMES_TWO\(1 \+ 2\)/ },
  { group: '1 cpp', item: '#undef', pattern: /^#undef\b/m },
  { group: '1 cpp', item: '#if with integer expression', pattern: /^#if\s+[^\n]*[<>=*+]/m },
  { group: '1 cpp', item: '#ifdef', pattern: /^#ifdef\b/m },
  { group: '1 cpp', item: '#ifndef', pattern: /^#ifndef\b/m },
  { group: '1 cpp', item: '#elif', pattern: /^#elif\b/m },
  { group: '1 cpp', item: '#else', pattern: /^#else\b/m },
  { group: '1 cpp', item: '#endif', pattern: /^#endif\b/m },
  { group: '1 cpp', item: 'defined()', pattern: /defined\s*\(/ },
  { group: '1 cpp', item: 'backslash line continuation', pattern: /\\\n/ },
  { group: '1 cpp', item: '// comment', pattern: /\/\/ / },
  { group: '1 cpp', item: '/* */ comment', pattern: /\/\*[^]*?\*\// },
  { group: '1 cpp', item: 'cpp macro in a gas macro body (ENDPROC(\\label))', pattern: /ENDPROC\(\\\w+\)/ },
  // 2. GNU as macros
  { group: '2 macros', item: '.macro/.endm', pattern: directive('.macro') },
  { group: '2 macros', item: 'keyword arguments', pattern: /^[ \t]+[a-z_]\w*[ \t]+(?:[^\n;]*,\s*)?[a-z]\w*=[^=\s]/m },
  { group: '2 macros', item: 'space-separated arguments', pattern: /^[ \t]+(push|pop|kw)[ \t]+x\d+ x\d+$/m },
  { group: '2 macros', item: 'parameter defaults', pattern: /\.macro[^\n]*\w=\w/ },
  { group: '2 macros', item: ':req', pattern: /:req\b/ },
  { group: '2 macros', item: ':vararg', pattern: /:vararg\b/ },
  { group: '2 macros', item: '\\@', pattern: /\\@/ },
  { group: '2 macros', item: '\\()', pattern: /\\\(\)/ },
  { group: '2 macros', item: '.exitm', pattern: directive('.exitm') },
  { group: '2 macros', item: '.purgem', pattern: directive('.purgem') },
  { group: '2 macros', item: 'nested macros (a macro defining a macro)', pattern: /\.macro\s+\\name/ },
  { group: '2 macros', item: 'recursion', pattern: /\.macro\s+recurse_plain[^]*?recurse_plain\s+\\n-1/ },
  { group: '2 macros', item: '.irp', pattern: directive('.irp') },
  { group: '2 macros', item: '.irpc', pattern: directive('.irpc') },
  { group: '2 macros', item: '.rept/.endr', pattern: directive('.rept') },
  { group: '2 macros', item: '.if', pattern: directive('.if') },
  { group: '2 macros', item: '.ifdef', pattern: directive('.ifdef') },
  { group: '2 macros', item: '.ifndef', pattern: directive('.ifndef') },
  { group: '2 macros', item: '.ifc', pattern: directive('.ifc') },
  { group: '2 macros', item: '.ifnc', pattern: directive('.ifnc') },
  { group: '2 macros', item: '.ifb', pattern: directive('.ifb') },
  { group: '2 macros', item: '.ifnb', pattern: directive('.ifnb') },
  { group: '2 macros', item: '.ifeq', pattern: directive('.ifeq') },
  { group: '2 macros', item: '.ifne', pattern: directive('.ifne') },
  { group: '2 macros', item: '.else', pattern: directive('.else') },
  { group: '2 macros', item: '.elseif', pattern: directive('.elseif') },
  { group: '2 macros', item: '.endif', pattern: directive('.endif') },
  { group: '2 macros', item: '.equ', pattern: directive('.equ') },
  { group: '2 macros', item: '.set', pattern: directive('.set') },
  { group: '2 macros', item: '= assignment', pattern: /^[ \t]*\w+[ \t]*=[ \t]*\S/m },
  { group: '2 macros', item: '.req', pattern: /^\w+\s+\.req\s/m },
  { group: '2 macros', item: '.unreq', pattern: directive('.unreq') },
  { group: '2 macros', item: 'expression operators and precedence', pattern: /\.quad\s+1 \+ 2 \| 4/ },
  // 3. Assembly
  ...['.text', '.data', '.section', '.pushsection', '.popsection', '.align', '.p2align', '.balign', '.globl', '.type', '.size']
    .map((d) => ({ group: '3 assembly', item: d, pattern: directive(d) })),
  ...['.quad', '.word', '.long', '.hword', '.short', '.byte', '.ascii', '.asciz', '.string', '.skip', '.space', '.zero']
    .map((d) => ({ group: '3 assembly', item: d, pattern: directive(d) })),
  { group: '3 assembly', item: 'named labels', pattern: /^[A-Za-z_]\w*:/m },
  { group: '3 assembly', item: 'numeric local labels defined many times', pattern: /^1:[^]*^1:/m },
  { group: '3 assembly', item: '1f', pattern: /[\s,]\d+f\b/ },
  { group: '3 assembly', item: '1b', pattern: /[\s,]\d+b\b/ },
  { group: '3 assembly', item: 'ldr xN, =expr', pattern: /ldr\s+x\d+,\s*=/ },
  { group: '3 assembly', item: 'ldr wN, =expr', pattern: /ldr\s+w\d+,\s*=/ },
  { group: '3 assembly', item: '.ltorg', pattern: directive('.ltorg') },
  { group: '3 assembly', item: 'adr', pattern: mnemonic('adr') },
  // 4. Instructions
  ...['add', 'adds', 'sub', 'subs', 'cmp', 'cmn', 'neg', 'and', 'ands', 'orr', 'eor', 'bic', 'tst', 'mov', 'mvn', 'movz', 'movn', 'movk',
    'lsl', 'lsr', 'asr', 'ror', 'ubfx', 'sbfx', 'ubfm', 'sbfm', 'bfi', 'bfxil', 'madd', 'msub', 'mul', 'csel', 'csinc', 'csinv', 'csneg',
    'cset', 'csetm', 'cinc', 'ccmp', 'ccmn', 'rev', 'rev32', 'rev16', 'clz', 'adrp', 'b', 'bl', 'br', 'blr', 'ret', 'cbz', 'cbnz', 'tbz',
    'tbnz', 'ldr', 'str', 'ldrb', 'strb', 'ldrh', 'strh', 'ldrsw', 'ldur', 'stur', 'ldp', 'stp', 'ldnp', 'mrs', 'msr', 'tlbi', 'ic', 'dc',
    'at', 'dsb', 'dmb', 'isb', 'hvc', 'smc', 'svc', 'brk', 'hlt', 'eret', 'nop', 'clrex', 'wfi', 'wfe', 'yield']
    .map((m) => ({ group: '4 instructions', item: m, pattern: mnemonic(m) })),
  ...CONDITIONS.map((c) => ({ group: '4 instructions', item: `b.${c}`, pattern: mnemonic(`b.${c}`) })),
  { group: '4 instructions', item: 'add immediate with lsl #12', pattern: /add\s+[^\n]*#\w+, lsl #12/ },
  { group: '4 instructions', item: 'shifted register', pattern: /add\s+\w+, \w+, \w+, (lsl|lsr|asr) #/ },
  { group: '4 instructions', item: 'extended register', pattern: /add\s+\w+, \w+, w\d+, (uxt|sxt)\w/ },
  { group: '4 instructions', item: 'logical immediate', pattern: /and\s+x\d+, x\d+, #0x5555/ },
  { group: '4 instructions', item: 'mov immediate alias', pattern: /mov\s+x\d+, #-1/ },
  { group: '4 instructions', item: 'lsl/lsr/asr/ror by register', pattern: /ror\s+x\d+, x\d+, x\d+/ },
  { group: '4 instructions', item: 'load/store W register', pattern: /ldr\s+w\d+, \[/ },
  { group: '4 instructions', item: 'load/store Q register', pattern: /str\s+q\d+, \[/ },
  { group: '4 instructions', item: 'load/store unsigned offset', pattern: /ldr\s+x\d+, \[x\d+, #\d+\]$/m },
  { group: '4 instructions', item: 'load/store pre-index', pattern: /ldr\s+\w+, \[\w+, #-?\d+\]!/ },
  { group: '4 instructions', item: 'load/store post-index', pattern: /ldr\s+\w+, \[\w+\], #-?\d+/ },
  { group: '4 instructions', item: 'load/store register offset', pattern: /ldr\s+\w+, \[\w+, [xw]\d+(, (lsl|uxtw|sxtw|sxtx)[^\]]*)?\]/ },
  { group: '4 instructions', item: 'ldr literal', pattern: /ldr\s+x\d+, \.L\w+$/m },
  { group: '4 instructions', item: 'ldp/stp W', pattern: /stp\s+w\d+, w\d+, \[/ },
  { group: '4 instructions', item: 'ldp/stp X pre-index on sp', pattern: /stp\s+x\d+, x\d+, \[sp, #-16\]!/ },
  { group: '4 instructions', item: 'ldp/stp X post-index on sp', pattern: /ldp\s+x\d+, x\d+, \[sp\], #16/ },
  { group: '4 instructions', item: 'ldp/stp Q', pattern: /stp\s+q\d+, q\d+, \[/ },
  { group: '4 instructions', item: 'ldnp Q', pattern: /ldnp\s+q\d+/ },
  { group: '4 instructions', item: 'msr daifset', pattern: /msr\s+daifset/ },
  { group: '4 instructions', item: 'msr daifclr', pattern: /msr\s+daifclr/ },
  { group: '4 instructions', item: 'msr spsel', pattern: /msr\s+spsel/ },
  { group: '4 instructions', item: 'generic S3_<op1>_C<n>_C<m>_<op2>', pattern: /S3_\d_C\d+_C\d+_\d/ },
  ...['sp_el0', 'sp_el1', 'elr_el1', 'spsr_el1', 'elr_el2', 'spsr_el2', 'mpidr_el1', 'vmpidr_el2', 'csselr_el1', 'sctlr_el1', 'actlr_el1',
    'cpacr_el1', 'ttbr0_el1', 'ttbr1_el1', 'tcr_el1', 'esr_el1', 'afsr0_el1', 'afsr1_el1', 'far_el1', 'mair_el1', 'vbar_el1', 'contextidr_el1',
    'tpidr_el0', 'tpidrro_el0', 'tpidr_el1', 'amair_el1', 'cntkctl_el1', 'hcr_el2', 'vttbr_el2', 'vtcr_el2', 'cptr_el2', 'mdcr_el2',
    'hstr_el2', 'esr_el2', 'far_el2', 'hpfar_el2', 'dacr32_el2', 'ifsr32_el2', 'fpexc32_el2', 'spsr_abt', 'spsr_und', 'spsr_irq', 'spsr_fiq',
    'cnthctl_el2', 'cntvoff_el2', 'cntv_ctl_el0', 'cntv_cval_el0', 'fpsr', 'fpcr', 'midr_el1', 'id_aa64pfr0_el1', 'tpidr_el2', 'vbar_el2']
    .map((r) => ({ group: '4 system registers', item: r, pattern: new RegExp(`\\b(mrs|msr)\\s+[^\\n]*\\b${r}\\b`) })),
];

export interface Fixture {
  name: string;
  path: string;
  text: string;
}

export function listFixtures(): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.S'))
    .sort()
    .map((name) => {
      const path = join(FIXTURE_DIR, name);
      return { name, path, text: readFileSync(path, 'utf8') };
    });
}

/** Item -> fixtures that use it. */
export function coverageTable(fixtures: Fixture[]): { item: CoverageItem; files: string[] }[] {
  return COVERAGE.map((item) => ({ item, files: fixtures.filter((f) => item.pattern.test(f.text)).map((f) => f.name) }));
}

/** COVERAGE.md's text. */
export function coverageMarkdown(): string {
  const lines = [
    '# Fixture coverage of issue 2, items 1-4',
    '',
    'Generated by `npx tsx test/asm/fixture-coverage.ts > test/fixtures/asm/COVERAGE.md`; the table of',
    'patterns lives in that file and `test/asm/fixtures.test.ts` fails when an item loses its last fixture.',
    '',
    '| group | item | fixtures |',
    '|---|---|---|',
  ];
  for (const { item, files } of coverageTable(listFixtures())) {
    const shown = files.length > 4 ? `${files.slice(0, 4).join(', ')} (+${files.length - 4})` : files.join(', ');
    lines.push(`| ${item.group} | \`${item.item.replace(/\|/g, '\\|')}\` | ${shown || '**none**'} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(coverageMarkdown());
