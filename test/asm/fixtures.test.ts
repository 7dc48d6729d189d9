// Every fixture in test/fixtures/asm, assembled by hyplab and by GNU as 2.40: the section bytes and
// relocations must be identical, and our disassembler must print every instruction as objdump does.
// A failure names the fixture line (with its macro expansion stack) of the first difference.

import { beforeAll, describe, expect, it } from 'vitest';
import { assembleFile } from '../../src/asm/assemble.ts';
import { AsmError, formatDiagnostic, type Origin } from '../../src/asm/diagnostics.ts';
import type { Program } from '../../src/asm/program.ts';
import { disassemble } from '../../src/a64/disassemble.ts';
import { contentSections, describeWithGnuAs, gnuAssembleFile, stripSymbolAnnotations, type GnuObject } from '../helpers/gnu-as.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coverageMarkdown, coverageTable, FIXTURE_DIR, FIXTURE_INCLUDE_DIR, listFixtures } from './fixture-coverage.ts';

const fixtures = listFixtures();
const OPTIONS = { includeDirs: [FIXTURE_INCLUDE_DIR] };

describe('the fixture set', () => {
  it('has at least 40 fixtures, each opening with a comment that says what it exercises', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    for (const f of fixtures) expect(f.text, f.name).toMatch(/^(\/\/|\/\*)\s*\S/);
  });

  it('is at least a third (and at least 14) macro-heavy', () => {
    const heavy = fixtures.filter((f) => /^(\/\/|\/\*)[^\n]*Macro-heavy/.test(f.text));
    expect(heavy.length).toBeGreaterThanOrEqual(Math.max(14, Math.ceil(fixtures.length / 3)));
  });

  it('together use every directive and instruction form of issue 2 items 1-4 (see COVERAGE.md)', () => {
    const missing = coverageTable(fixtures).filter((row) => row.files.length === 0).map((row) => `${row.item.group}: ${row.item.item}`);
    expect(missing).toEqual([]);
  });

  it('COVERAGE.md is up to date (npx tsx test/asm/fixture-coverage.ts > test/fixtures/asm/COVERAGE.md)', () => {
    expect(readFileSync(join(FIXTURE_DIR, 'COVERAGE.md'), 'utf8')).toBe(coverageMarkdown());
  });

  it('has a large fixture for the benchmark (2,000+ instructions after expansion)', () => {
    const large = fixtures.filter((f) => f.name.startsWith('large-'));
    expect(large.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Comparison helpers: each returns a readable report of the first difference, or undefined.

function where(origin: Origin): string {
  const { file, line, col } = origin.location;
  const stack = origin.stack.map((f) => `\n      in expansion of ${f.macro} at ${f.at.file}:${f.at.line}:${f.at.col}`).join('');
  return `${file}:${line}:${col}${stack}`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function word(bytes: Uint8Array, offset: number): number | undefined {
  if (offset + 4 > bytes.length) return undefined;
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

const hex32 = (w: number | undefined): string => (w === undefined ? '--------' : w.toString(16).padStart(8, '0'));

/** The first differing byte of every section, explained by the instruction (and its origin) that covers it. */
function sectionDifferences(program: Program, gnu: GnuObject): string[] {
  const theirs = contentSections(gnu.elf);
  const names = new Set([...theirs.keys(), ...program.sections.keys()]);
  const reports: string[] = [];
  for (const name of [...names].sort()) {
    const expected = theirs.get(name) ?? new Uint8Array(0);
    const actual = program.sections.get(name)?.bytes ?? new Uint8Array(0);
    if (hex(expected) === hex(actual)) continue;
    let at = 0;
    while (at < expected.length && at < actual.length && expected[at] === actual[at]) at++;
    const lines = [`section ${name}: first difference at offset 0x${at.toString(16)} (ours ${actual.length} bytes, GNU as ${expected.length})`];
    const start = at & ~3;
    const insn = program.instructions.find((i) => i.section === name && i.offset <= at && at < i.offset + 4);
    const gnuLine = gnu.instructions.find((l) => l.section === name && l.offset === start);
    if (insn !== undefined) {
      lines.push(`  at ${where(insn.origin)}`);
      lines.push(`  statement: ${insn.text}`);
    } else {
      const before = program.instructions.filter((i) => i.section === name && i.offset < at).at(-1);
      lines.push(`  data, not an instruction${before ? `; last instruction before it: ${before.text} at ${where(before.origin)}` : ''}`);
    }
    lines.push(`  ours:    ${hex32(word(actual, start))}  ${word(actual, start) === undefined ? '' : disassemble(word(actual, start)!, start)}`);
    lines.push(`  GNU as:  ${hex32(word(expected, start))}  ${gnuLine?.text ?? ''}`);
    reports.push(lines.join('\n'));
  }
  return reports;
}

function relocationKeys(list: { section: string; offset: number; type: string; symbol: string; addend: bigint }[]): string[] {
  return list.map((r) => `${r.section}+0x${r.offset.toString(16)} ${r.type} ${r.symbol} ${r.addend}`).sort();
}

/** objdump prints a relocated target from the relocation (symbol + addend), not from pc + imm: mask it. */
function maskTarget(text: string): string {
  return text.replace(/([\t ,])[0-9a-f]+(\s*(\/\/.*)?)$/, '$1<target>$2');
}

const STT_SECTION = 3;
const STT_FILE = 4;
const ELF_TYPES: Record<number, 'function' | 'object' | undefined> = { 1: 'object', 2: 'function' };

function symbolKey(name: string, section: string | undefined, value: bigint, global: boolean, type: string | undefined, size: bigint): string {
  // GNU as keeps absolute values as 64-bit two's complement; compare them that way.
  const v = BigInt.asUintN(64, value);
  return `${name}: ${section ?? '*ABS*'} 0x${v.toString(16)} ${global ? 'global' : 'local'} ${type ?? 'notype'} size ${size}`;
}

function describeFailure(e: unknown): string {
  if (e instanceof AsmError) return e.diagnostics.map(formatDiagnostic).join('\n');
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
}

// ---------------------------------------------------------------------------------------------

describeWithGnuAs('fixtures: hyplab equals GNU as 2.40 and objdump', () => {
  it('the large fixtures hold 2,000+ instructions after expansion (objdump count, padding nops excluded)', () => {
    for (const f of fixtures.filter((x) => x.name.startsWith('large-'))) {
      const count = gnuAssembleFile(f.path, OPTIONS).instructions.filter((l) => !l.isData && l.text !== 'nop').length;
      expect(count, f.name).toBeGreaterThanOrEqual(2000);
    }
  });

  describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    let gnu: GnuObject;
    let ours: Program | undefined;
    let failure: unknown;

    beforeAll(() => {
      gnu = gnuAssembleFile(fixture.path, OPTIONS);
      try {
        ours = assembleFile(fixture.path, OPTIONS);
      } catch (e) {
        failure = e;
      }
    });

    function program(): Program {
      if (ours === undefined) throw new Error(`hyplab could not assemble ${fixture.name}:\n${describeFailure(failure)}`);
      return ours;
    }

    it('section bytes equal GNU as', () => {
      const reports = sectionDifferences(program(), gnu);
      if (reports.length > 0) throw new Error(`${fixture.name}: sections differ from GNU as\n${reports.join('\n')}`);
    });

    it('relocations equal GNU as', () => {
      expect(relocationKeys(program().relocations)).toEqual(relocationKeys(gnu.elf.relocations));
    });

    it('defined symbols equal GNU as (section, value, binding, type, size)', () => {
      const p = program();
      const expected: string[] = [];
      const actual: string[] = [];
      for (const sym of gnu.elf.symbols) {
        if (sym.section === undefined || sym.name === '' || sym.type === STT_SECTION || sym.type === STT_FILE || /^\$[xd]/.test(sym.name)) continue;
        expected.push(symbolKey(sym.name, sym.section === '*ABS*' ? undefined : sym.section, sym.value, sym.binding !== 0, ELF_TYPES[sym.type], sym.size));
        const ours = p.symbols.get(sym.name);
        actual.push(ours === undefined ? `${sym.name}: missing` : symbolKey(sym.name, ours.section, ours.value, ours.global, ours.type, ours.size ?? 0n));
      }
      expect(actual).toEqual(expected);
    });

    it('every instruction has its encoding at its offset and an origin in a source file', () => {
      const p = program();
      for (const insn of p.instructions) {
        const bytes = p.sections.get(insn.section)?.bytes;
        expect(bytes, `${insn.text} at ${where(insn.origin)}`).toBeDefined();
        expect(hex32(word(bytes!, insn.offset)), `${insn.text} at ${where(insn.origin)}`).toBe(hex32(insn.encoding >>> 0));
        expect(insn.origin.location.line).toBeGreaterThan(0);
      }
    });

    it('our disassembly of every instruction equals objdump -d', () => {
      const relocated = new Set(gnu.elf.relocations.map((r) => `${r.section}:${r.offset}`));
      const byPlace = new Map((ours?.instructions ?? []).map((i) => [`${i.section}:${i.offset}`, i]));
      const mismatches: string[] = [];
      for (const line of gnu.instructions) {
        if (line.isData) continue;
        const place = `${line.section}:${line.offset}`;
        let actual = stripSymbolAnnotations(disassemble(line.word, line.offset));
        let expected = line.text;
        if (relocated.has(place)) {
          actual = maskTarget(actual);
          expected = maskTarget(expected);
        }
        if (actual === expected) continue;
        const insn = byPlace.get(place);
        mismatches.push(
          `${line.section}+0x${line.offset.toString(16)} ${hex32(line.word)}: ours ${JSON.stringify(actual)}, objdump ${JSON.stringify(expected)}` +
            (insn ? `\n    source: ${insn.text} at ${where(insn.origin)}` : ''),
        );
      }
      if (mismatches.length > 0) {
        throw new Error(`${fixture.name}: ${mismatches.length} instruction texts differ from objdump; first ones:\n${mismatches.slice(0, 8).join('\n')}`);
      }
    });
  });
});
