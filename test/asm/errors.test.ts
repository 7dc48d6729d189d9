// Every bad input in test/fixtures/asm-errors names, in its first line, the diagnostic it must give:
//   // expect: [warning] HL0504 line 4 [expanded-from 7,10] [in include/x.h]
// The assembler must throw an AsmError whose first error has exactly that code at that line (and
// file), with the listed invocation lines on its expansion stack; the CLI must exit 1 and print it
// GNU style on stderr, with no JavaScript stack trace. A `warning` case is one GNU as only warns
// about: hyplab must assemble it, with that warning first, and the CLI must exit 0.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assembleFile } from '../../src/asm/assemble.ts';
import { AsmError, DIAGNOSTIC_CODES, formatDiagnostic, type Diagnostic, type DiagnosticCode } from '../../src/asm/diagnostics.ts';
import { main } from '../../src/cli/main.ts';

const ERROR_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/asm-errors');

interface Expectation {
  severity: 'error' | 'warning';
  code: DiagnosticCode;
  line: number;
  /** Lines of the invocations on the expansion stack, innermost first. */
  expandedFrom: number[];
  /** File of the error, relative to the fixture directory; the fixture itself when absent. */
  file: string | undefined;
}

const EXPECT = /^\/\/ expect: (?:(warning) )?(HL\d{4}) line (\d+)(?: expanded-from ([\d,]+))?(?: in (\S+))?\s*$/;

function parseExpectation(name: string, firstLine: string): Expectation {
  const m = EXPECT.exec(firstLine);
  if (!m) throw new Error(`${name}: first line must be "// expect: [warning] HLxxxx line N [expanded-from A,B] [in FILE]", got ${JSON.stringify(firstLine)}`);
  if (!(m[2]! in DIAGNOSTIC_CODES)) throw new Error(`${name}: ${m[2]} is not a code in src/asm/diagnostics.ts`);
  return {
    severity: m[1] === 'warning' ? 'warning' : 'error',
    code: m[2] as DiagnosticCode,
    line: Number(m[3]),
    expandedFrom: m[4] ? m[4].split(',').map(Number) : [],
    file: m[5],
  };
}

const allCases = readdirSync(ERROR_DIR)
  .filter((f) => f.endsWith('.S'))
  .sort()
  .map((name) => {
    const path = join(ERROR_DIR, name);
    const text = readFileSync(path, 'utf8');
    return { name, path, expect: parseExpectation(name, text.split('\n')[0]!) };
  });
const cases = allCases.filter((c) => c.expect.severity === 'error');
const warningCases = allCases.filter((c) => c.expect.severity === 'warning');

/** Runs the assembler and returns the AsmError it must throw (anything else fails the test). */
function assembleExpectingError(path: string): AsmError {
  let result: unknown;
  try {
    result = assembleFile(path, {});
  } catch (e) {
    if (e instanceof AsmError) return e;
    throw new Error(`expected an AsmError, got a raw ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
  }
  throw new Error(`expected an error, but the file assembled (${(result as { instructions?: unknown[] }).instructions?.length} instructions)`);
}

/** Checks a diagnostic against the expectation: code, line, file, expansion stack. */
function expectDiagnostic(d: Diagnostic, c: (typeof allCases)[number]): void {
  const shown = formatDiagnostic(d);
  expect(`${d.code} line ${d.origin.location.line}`, shown).toBe(`${c.expect.code} line ${c.expect.line}`);
  const expectedFile = c.expect.file === undefined ? c.path : join(ERROR_DIR, c.expect.file);
  expect(resolve(d.origin.location.file), shown).toBe(expectedFile);
  expect(d.origin.location.col, shown).toBeGreaterThanOrEqual(1);
  expect(d.message.length, shown).toBeGreaterThan(0);
  if (c.expect.expandedFrom.length > 0) {
    const stackLines = d.origin.stack.filter((f) => resolve(f.at.file) === c.path).map((f) => f.at.line);
    expect(stackLines, shown).toEqual(c.expect.expandedFrom);
  }
}

async function runCli(path: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(['asm', path], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { status, stdout: out.join(''), stderr: err.join('') };
}

function firstError(e: AsmError): Diagnostic {
  const d = e.diagnostics.find((x) => x.severity === 'error');
  if (d === undefined) throw new Error(`AsmError without an error diagnostic: ${e.message}`);
  return d;
}

describe('the error fixtures', () => {
  it('number at least 30 and cover the diagnostic categories of issue 2', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const codes = new Set(cases.map((c) => c.expect.code));
    const required: DiagnosticCode[] = [
      'HL0501', 'HL0502', 'HL0503', 'HL0504', 'HL0505', 'HL0506', 'HL0507', // instructions
      'HL0201', 'HL0202', 'HL0203', 'HL0204', 'HL0205', 'HL0206', 'HL0207', 'HL0210', 'HL0211', // macros, conditionals, limits
      'HL0301', 'HL0302', 'HL0303', 'HL0304', 'HL0401', // symbols, expressions, directives
      'HL0101', 'HL0102', 'HL0103', 'HL0107', // cpp
    ];
    expect(required.filter((c) => !codes.has(c))).toEqual([]);
    expect(cases.some((c) => c.expect.expandedFrom.length >= 2)).toBe(true);
  });
});

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it(`assembleFile gives ${c.expect.code} at line ${c.expect.line}`, () => {
    const error = assembleExpectingError(c.path);
    expectDiagnostic(firstError(error), c);
    // One kind of error per input (a macro invoked twice may report it twice).
    const codes = new Set(error.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
    expect([...codes], error.message).toEqual([c.expect.code]);
  });

  it('hyplab asm exits 1 with the diagnostic on stderr, GNU style', async () => {
    const { status, stdout, stderr } = await runCli(c.path);
    expect(status, stderr).toBe(1);
    const file = c.expect.file === undefined ? c.path : join(ERROR_DIR, c.expect.file);
    const head = new RegExp(`^(.*):${c.expect.line}:(\\d+): error\\[${c.expect.code}\\]: \\S`, 'm');
    const m = head.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(resolve(m![1]!), stderr).toBe(file);
    for (const line of c.expect.expandedFrom) expect(stderr).toMatch(new RegExp(`in expansion of .* at .*:${line}:\\d+`));
    expect(stderr, 'no JavaScript stack trace').not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
    expect(stdout).toBe('');
  });
});

describe.each(warningCases.map((c) => [c.name, c] as const))('%s (GNU as warns)', (_name, c) => {
  it(`assembles with ${c.expect.code} as the first warning at line ${c.expect.line}`, () => {
    let program;
    try {
      program = assembleFile(c.path, {});
    } catch (e) {
      throw new Error(`GNU as assembles this with a warning, hyplab failed:\n${e instanceof AsmError ? e.message : String(e)}`);
    }
    expect(program.warnings.length).toBeGreaterThan(0);
    expectDiagnostic(program.warnings[0]!, c);
  });

  it('hyplab asm exits 0 and prints the warning GNU style', async () => {
    const { status, stderr } = await runCli(c.path);
    expect(status, stderr).toBe(0);
    expect(stderr).toMatch(new RegExp(`:${c.expect.line}:\\d+: warning\\[${c.expect.code}\\]: \\S`));
  });
});
