// Fuzzing the front end: random token soup and random mutations of the good fixtures go through
// assembleText with a virtual file system. Whatever the input, the run must end in a Program or in an
// AsmError whose diagnostics carry a known code and an origin, never in another exception, and it
// must end quickly (small limits). fast-check prints the seed and the shrunk input on failure.

import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleText } from '../../src/asm/assemble.ts';
import { AsmError, DIAGNOSTIC_CODES } from '../../src/asm/diagnostics.ts';
import { contentSections, describeWithGnuAs, GnuAsFailure, gnuAssembleText } from '../helpers/gnu-as.ts';
import { FIXTURE_DIR, FIXTURE_INCLUDE_DIR, listFixtures } from './fixture-coverage.ts';

// ---------------------------------------------------------------------------------------------
// A virtual file system: the fixture headers plus a few of our own, so #include works in the soup.

const files = new Map<string, string>();
for (const name of readdirSync(FIXTURE_INCLUDE_DIR)) files.set(join(FIXTURE_INCLUDE_DIR, name), readFileSync(join(FIXTURE_INCLUDE_DIR, name), 'utf8'));
files.set(join(FIXTURE_DIR, 'self.h'), '#include "self.h"\n');
files.set(join(FIXTURE_DIR, 'macros.h'), '.macro push a, b\n stp \\a, \\b, [sp, #-16]!\n.endm\n');

/** Reads only from the map; undefined means no such file. */
function readFile(path: string): string | undefined {
  return files.get(path);
}

/** Small limits so that runaway recursion or repetition ends fast. */
const OPTIONS = {
  includeDirs: [FIXTURE_INCLUDE_DIR],
  readFile,
  limits: { maxMacroDepth: 20, maxRepeat: 2000, maxStatements: 50_000, maxSectionBytes: 1 << 20 },
};

/** Runs per property; raise it for a deeper local hunt: HYPLAB_FUZZ_RUNS=5000 npx vitest run test/asm/fuzz.test.ts */
const RUNS = Number(process.env.HYPLAB_FUZZ_RUNS ?? 300);

/** Time one run may take; the slowest fixture assembles in a few milliseconds. */
const RUN_BUDGET_MS = 2000;

type Outcome = { kind: 'program' } | { kind: 'error'; codes: string[] };

/** Assembles and checks the law: a Program, or an AsmError with coded, located diagnostics. */
function expectProgramOrDiagnostics(path: string, text: string): Outcome {
  const start = performance.now();
  let outcome: Outcome;
  try {
    const program = assembleText(path, text, OPTIONS);
    expect(program.sections).toBeInstanceOf(Map);
    outcome = { kind: 'program' };
  } catch (e) {
    if (!(e instanceof AsmError)) {
      const what = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
      throw new Error(`raw exception escaped the front end:\n${what}\n--- input ---\n${text}`);
    }
    expect(e.diagnostics.length).toBeGreaterThan(0);
    for (const d of e.diagnostics) {
      // HL0999 is a JavaScript exception caught at the last moment: a bug, not a diagnosis.
      if (d.code === 'HL0999') throw new Error(`internal error escaped as HL0999: ${d.message}\n--- input ---\n${text}`);
      expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
      expect(typeof d.origin.location.file).toBe('string');
      expect(Number.isInteger(d.origin.location.line)).toBe(true);
      expect(d.message.length).toBeGreaterThan(0);
    }
    outcome = { kind: 'error', codes: e.diagnostics.map((d) => d.code) };
  }
  const elapsed = performance.now() - start;
  if (elapsed > RUN_BUDGET_MS) throw new Error(`run took ${elapsed.toFixed(0)} ms (budget ${RUN_BUDGET_MS} ms):\n${text}`);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Token soup

const MNEMONICS = ['mov', 'add', 'subs', 'stp', 'ldp', 'ldr', 'str', 'b', 'bl', 'b.eq', 'cbz', 'tbnz', 'mrs', 'msr', 'tlbi', 'dsb', 'eret', 'ret', 'adr', 'adrp', 'movk', 'and', 'csel', 'ubfx', 'hvc', 'push', 'pop'];
const REGISTERS = ['x0', 'x1', 'x29', 'x30', 'w3', 'sp', 'xzr', 'wzr', 'lr', 'q0', 'q31', 'd1', 'x31', 'w32', 'hcr_el2', 'sp_el1', 'midr_el1', 'S3_4_C1_C1_0', 'daifset', 'ish', 'vmalls12e1is'];
const DIRECTIVES = ['.macro', '.endm', '.exitm', '.purgem', '.irp', '.irpc', '.rept', '.endr', '.if', '.ifdef', '.ifndef', '.ifc', '.ifnc', '.ifb', '.ifnb', '.ifeq', '.ifne', '.else', '.elseif', '.endif', '.equ', '.set', '.req', '.unreq', '.text', '.data', '.section', '.pushsection', '.popsection', '.align', '.p2align', '.balign', '.globl', '.type', '.size', '.quad', '.word', '.hword', '.byte', '.ascii', '.asciz', '.skip', '.zero', '.ltorg', '.err', '.altmacro', '.noaltmacro', '.include'];
const MACRO_BITS = ['\\@', '\\()', '\\a', '\\base', '\\n', 'a:req', 'b:vararg', 'c=1', 'base=sp', '.L\\@', '\\', '%(1+1)'];
const PUNCTUATION = ['[', ']', ']!', ',', '#', '#-16', '=', ';', '(', ')', '{', '}', '!', ':', '::', '+', '-', '*', '/', '<<', '>>', '|', '&', '^', '~', '==', '&&', '//', '/*', '*/', '\t'];
const NUMBERS = ['0', '1', '-1', '16', '4095', '4096', '0x7fffffffffffffff', '0xffffffffffffffff', '99999999999999999999999', '010', '0b101', "'a", '1f', '1b', '2f', '0x', '1e3', '1000000000'];
const LABELS = ['1:', 'foo:', '.Lx:', 'foo', '.Lx', '2:', 'entry:', 'x0:', '.:'];
const STRINGS = ['"abc"', '"a\\nb"', '"\\"', '"unterminated', "'", '""', '"\\x41\\101"'];
const CPP = ['#define X 1', '#define F(a) (a + 1)', '#define F(a, b) a b', '#undef X', '#if X', '#if defined(X) && F(2) > 2', '#ifdef X', '#ifndef X', '#elif 1', '#else', '#endif', '#include "asm-offsets.h"', '#include <linkage.h>', '#include "self.h"', '#include "missing.h"', '#error soup', '# 12 "x.S"', '#pragma once', '\\'];

const token = fc.oneof(
  fc.constantFrom(...MNEMONICS),
  fc.constantFrom(...REGISTERS),
  fc.constantFrom(...DIRECTIVES),
  fc.constantFrom(...MACRO_BITS),
  fc.constantFrom(...PUNCTUATION),
  fc.constantFrom(...NUMBERS),
  fc.constantFrom(...LABELS),
  fc.constantFrom(...STRINGS),
  fc.integer({ min: -5000, max: 5000 }).map(String),
  fc.string({ maxLength: 4 }),
);

const soupLine = fc.oneof(
  { weight: 6, arbitrary: fc.array(token, { minLength: 1, maxLength: 7 }).map((ts) => ts.join(' ')) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...MNEMONICS), fc.array(fc.oneof(fc.constantFrom(...REGISTERS), fc.constantFrom(...NUMBERS).map((n) => `#${n}`)), { maxLength: 4 })).map(([m, ops]) => `\t${m}\t${ops.join(', ')}`) },
  { weight: 1, arbitrary: fc.constantFrom(...CPP) },
  { weight: 1, arbitrary: fc.constantFrom('.macro m a, b=x1', '.endm', 'm x0', 'm x0, x2', '.rept 3', '.endr', '.irp r, x0, x1', '.if 1', '.endif', '.macro m2 n\n m2 \\n\n.endm\n m2 1') },
);

const soup = fc.array(soupLine, { minLength: 1, maxLength: 25 }).map((lines) => lines.join('\n'));

// ---------------------------------------------------------------------------------------------
// Mutations of the good fixtures

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'char'; at: number; char: string }
  | { kind: 'drop-endm'; nth: number }
  | { kind: 'insert'; at: number; line: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((at) => ({ kind: 'delete' as const, at })),
  fc.nat().map((at) => ({ kind: 'duplicate' as const, at })),
  fc.tuple(fc.nat(), fc.nat()).map(([at, w]) => ({ kind: 'swap' as const, at, with: w })),
  fc.tuple(fc.nat(), fc.constantFrom('\\', '"', '#', '[', ']', ',', '(', ')', '@', ':', ';', '0', '9', 'x', ' ', '\n', '!', '.', '=', '/', '*'))
    .map(([at, char]) => ({ kind: 'char' as const, at, char })),
  fc.nat().map((nth) => ({ kind: 'drop-endm' as const, nth })),
  fc.tuple(fc.nat(), soupLine).map(([at, line]) => ({ kind: 'insert' as const, at, line })),
);

function applyMutation(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const pick = (n: number): number => n % lines.length;
  switch (m.kind) {
    case 'delete':
      lines.splice(pick(m.at), 1);
      return lines.join('\n');
    case 'duplicate':
      lines.splice(pick(m.at), 0, lines[pick(m.at)]!);
      return lines.join('\n');
    case 'swap': {
      const a = pick(m.at);
      const b = pick(m.with);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'char': {
      const at = m.at % Math.max(1, text.length);
      return text.slice(0, at) + m.char + text.slice(at + 1);
    }
    case 'drop-endm': {
      const ends = lines.flatMap((l, i) => (/^\s*\.endm\b/.test(l) ? [i] : []));
      if (ends.length > 0) lines.splice(ends[m.nth % ends.length]!, 1);
      return lines.join('\n');
    }
    case 'insert':
      lines.splice(pick(m.at), 0, m.line);
      return lines.join('\n');
  }
}

// The large benchmark fixture is left out: mutating it costs time without finding other paths.
const goodFixtures = listFixtures().filter((f) => !f.name.startsWith('large-'));

// ---------------------------------------------------------------------------------------------

describe('fuzzing the front end', () => {
  it('token soup ends in a Program or coded diagnostics, within the limits', () => {
    const outcomes = { program: 0, error: 0 };
    fc.assert(
      fc.property(soup, (text) => {
        outcomes[expectProgramOrDiagnostics(join(FIXTURE_DIR, 'soup.S'), text).kind]++;
      }),
      { numRuns: RUNS },
    );
    // The soup must reach past the first line sometimes, or the test checks nothing.
    expect(outcomes.error).toBeGreaterThan(0);
  });

  it('mutated fixtures end in a Program or coded diagnostics, within the limits', () => {
    const outcomes = { program: 0, error: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...goodFixtures), fc.array(mutation, { minLength: 1, maxLength: 4 }), (fixture, mutations) => {
        const text = mutations.reduce(applyMutation, fixture.text);
        outcomes[expectProgramOrDiagnostics(fixture.path, text).kind]++;
      }),
      { numRuns: Math.ceil((RUNS * 2) / 3) },
    );
    expect(outcomes.program).toBeGreaterThan(0);
    expect(outcomes.error).toBeGreaterThan(0);
  });

  it('runaway inputs stop at the limits with the limit diagnostics', () => {
    const recursion = '.macro r n\n r \\n\n.endm\n r 1\n';
    expect(expectProgramOrDiagnostics(join(FIXTURE_DIR, 'r.S'), recursion)).toEqual({ kind: 'error', codes: ['HL0210'] });
    const repeat = '.rept 100000000\nnop\n.endr\n';
    expect(expectProgramOrDiagnostics(join(FIXTURE_DIR, 'r.S'), repeat)).toEqual({ kind: 'error', codes: ['HL0211'] });
    const selfInclude = '#include "self.h"\n';
    const outcome = expectProgramOrDiagnostics(join(FIXTURE_DIR, 'r.S'), selfInclude);
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.codes[0]).toBe('HL0102');
  });
});

// ---------------------------------------------------------------------------------------------
// Differential: a mutation GNU as still accepts (line deleted, duplicated, swapped or copied
// elsewhere) must assemble in hyplab too, to the same bytes. This is how the quirk-* fixtures
// were found.

type LineMutation = { kind: 'delete' | 'duplicate' | 'swap' | 'copy'; at: number; other: number };

const lineMutation: fc.Arbitrary<LineMutation> = fc.record({
  kind: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap' as const, 'copy' as const),
  at: fc.nat(),
  other: fc.nat(),
});

function applyLineMutation(text: string, m: LineMutation): string {
  const lines = text.split('\n');
  const i = m.at % lines.length;
  const j = m.other % lines.length;
  if (m.kind === 'delete') lines.splice(i, 1);
  else if (m.kind === 'duplicate') lines.splice(i, 0, lines[i]!);
  else if (m.kind === 'swap') [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  else lines.splice(i, 0, lines[j]!);
  return lines.join('\n');
}

/** Undefined when hyplab and GNU as agree on `text`, else what differs. */
function differenceFromGnu(path: string, text: string): string | undefined {
  let gnu;
  try {
    // The fixture directory stands in for the fixture's own directory (the text lives in a temp dir).
    gnu = gnuAssembleText(text, { includeDirs: [FIXTURE_INCLUDE_DIR, FIXTURE_DIR] });
  } catch (e) {
    if (e instanceof GnuAsFailure) return undefined; // GNU as rejects it: the robustness properties cover it
    throw e;
  }
  let program;
  try {
    program = assembleText(path, text, { includeDirs: [FIXTURE_INCLUDE_DIR] });
  } catch (e) {
    return `GNU as accepts, hyplab rejects:\n${e instanceof AsmError ? e.message : String(e)}`;
  }
  for (const [name, bytes] of contentSections(gnu.elf)) {
    const ours = program.sections.get(name)?.bytes ?? new Uint8Array(0);
    if (Buffer.from(ours).equals(Buffer.from(bytes))) continue;
    let at = 0;
    while (ours[at] === bytes[at]) at++;
    return `section ${name} differs from GNU as at offset ${at}`;
  }
  return undefined;
}

describeWithGnuAs('differential fuzzing against GNU as', () => {
  it('line mutations of the fixtures that GNU as accepts give the same bytes in hyplab', () => {
    // Start from the fixtures hyplab already gets right; the others fail in fixtures.test.ts.
    const agreeing = goodFixtures.filter((f) => differenceFromGnu(f.path, f.text) === undefined);
    expect(agreeing.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.constantFrom(...agreeing), fc.array(lineMutation, { minLength: 1, maxLength: 3 }), (fixture, mutations) => {
        const text = mutations.reduce(applyLineMutation, fixture.text);
        const difference = differenceFromGnu(fixture.path, text);
        if (difference !== undefined) throw new Error(`${fixture.name}: ${difference}\n--- input ---\n${text}`);
      }),
      // A fixed seed by default: this property finds GNU as quirks hyplab does not model yet, and CI
      // should fail on them reproducibly, not by chance. HYPLAB_FUZZ_SEED=<n> explores elsewhere.
      { numRuns: Math.ceil(RUNS / 4), seed: Number(process.env.HYPLAB_FUZZ_SEED ?? 20261125) },
    );
  });
});
