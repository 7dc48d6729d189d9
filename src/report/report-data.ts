// The numbers of REPORT.md, computed from the code: for every variant (original first) its verdicts,
// what its source and its runs cost, its macro call graph and the seed lines it shares with original;
// and the core's oracle standing. Everything here is deterministic (fixed seeds, fixed worlds, sorted
// lists, paths relative to the checkout) except `measured`, which the report keeps in a section that
// `hyplab report --check` does not compare.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Program } from '../asm/program.ts';
import { checkVariant, loadOriginal } from '../equiv/check-variant.ts';
import { OBSERVATION_TABLE } from '../equiv/observation-table.ts';
import { runProof } from '../equiv/proof.ts';
import { formatExclusions } from '../machine/qemu-exclusions.ts';
import { runWorldSwitch } from '../worldswitch/scenario.ts';
import type { TraceSegment } from '../worldswitch/scenario.ts';
import { listVariants, loadVariant, REPOSITORY_ROOT, VARIANTS_DIR } from '../worldswitch/variant.ts';
import { EXIT_KINDS, GUEST_WIDTHS, generateWorld } from '../worldswitch/world.ts';
import type { ExitKind, GuestWidth, WorldConfig } from '../worldswitch/world.ts';
import { definitionStatements, macroCallGraph, macroDefinitions, mermaidCallGraph, normalizedLine } from './macro-graph.ts';
import { carriedLines, quotedHunks, readSeed, SEED_PATH } from './seed-lines.ts';
import { variantCode } from './variant-code.ts';

/** Property runs of the report: fixed, so that the report is reproducible (`hyplab check --runs 200 --seed 20260101`). */
export const REPORT_RUNS = 200;
export const REPORT_SEED = 20260101;
/** The one world per path (exit kind x guest width) the dynamic counts are measured on: generateWorld(REPORT_WORLD_SEED + k). */
export const REPORT_WORLD_SEED = 7000;
export const REPORT_WORLD_CONFIG: Partial<WorldConfig> = { timerEnabled: true, gic: { present: true, nrLr: 4 }, parFault: false };

/** Written by `scripts/bench --record`: the benchmark figures and the machine they were measured on. */
export const BENCH_RECORD = 'scripts/bench.recorded.txt';

export interface DeltaRow {
  value: string;
  change: string;
  why: string;
  happened: number;
  holds: boolean;
}

export interface VerdictData {
  holds: boolean;
  proof: { status: string; paths: number | null };
  smoke: { holds: boolean; runs: number };
  random: { holds: boolean; runs: number };
  deltasHold: boolean;
  deltasOver: number;
  proposal: string | null;
  deltas: DeltaRow[];
}

export interface PathCounts {
  exit: ExitKind;
  guest: GuestWidth;
  seed: number;
  /** HYP instructions executed (host call to guest entry, exit to host return). */
  instructions: number;
  loads: number;
  stores: number;
  bytesLoaded: number;
  bytesStored: number;
  /** Deepest use of the hyp stack, bytes below its top. */
  hypStack: number;
  failure: string | null;
}

export interface SourceCounts {
  /** Non-blank, non-comment lines inside `.macro ... .endm` bodies: the save/restore source. */
  macroBodyLines: number;
  macros: number;
  /** Statements of hyp.S whose shape (operands abstracted) another statement shares with other names. */
  repeatingLines: number;
  statements: number;
  /** Instructions after macro expansion. */
  expandedInstructions: number;
  /** Bytes of the sections that hold instructions. */
  codeBytes: number;
}

export interface VariantReport {
  name: string;
  verdict: VerdictData;
  source: SourceCounts;
  paths: PathCounts[];
  mermaid: string;
  /** Seed lines (1-based line numbers in the seed) this variant holds verbatim, as original does. */
  sharedSeedLines: number[];
}

export interface ReportData {
  runs: number;
  seed: number;
  worldSeed: number;
  variants: VariantReport[];
  notCompared: { values: string; reason: string }[];
  seedQuotes: { file: string; quoted: { line: number; text: string }[] };
  oracle: { gnuAsFixtures: number; fixtureDir: string; qemuCasesPerRun: number | null; exclusions: string[] };
  /** Not compared by --check: timings of this run and the recorded benchmark. */
  measured: { proofMs: Record<string, number>; checkMs: Record<string, number>; bench: string | null };
}

// ------------------------------------------------------------------------------------------------
// Source counts

const REGISTER = /^(?:[xwqdsbhv]\d+|[xw]zr|sp|wsp|lr|fp)$/i;
const SYSREG = /^[a-z][a-z0-9]*_el[0-3]$|^[a-z0-9]+32_el2$/i;

/** A statement's shape: its mnemonic, with registers, system registers, numbers and other names abstracted. */
export function statementShape(statement: string): string {
  const [mnemonic = '', ...rest] = statement.split(/\s+/);
  const operands = rest.join(' ').replace(/[A-Za-z_.$\\][\w.$\\]*|\d\w*/g, (t) => (REGISTER.test(t) ? 'R' : SYSREG.test(t) ? 'S' : /^\d/.test(t) ? 'N' : 'I'));
  return `${mnemonic} ${operands}`.trim();
}

/** Code statements of a file: comments and blank lines dropped, directives and labels-only lines too. */
export function codeStatements(text: string): string[] {
  const noBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  return noBlocks
    .split('\n')
    .map((l) => normalizedLine(l).replace(/^[\w.$]+:\s*/, ''))
    .filter((l) => l !== '' && !l.startsWith('.') && !l.startsWith('#') && !/^[A-Z_]+\(.*\)$/.test(l));
}

/** Statements whose shape some other statement of the file has with different text. */
export function repeatingLines(statements: readonly string[]): number {
  const texts = new Map<string, Set<string>>();
  for (const s of statements) {
    const shape = statementShape(s);
    const set = texts.get(shape) ?? new Set<string>();
    set.add(s);
    texts.set(shape, set);
  }
  return statements.filter((s) => texts.get(statementShape(s))!.size > 1).length;
}

function codeBytes(program: Program): number {
  const withCode = new Set(program.instructions.map((i) => i.section));
  return [...program.sections.values()].filter((s) => withCode.has(s.name)).reduce((n, s) => n + s.bytes.length, 0);
}

export function sourceCounts(dir: string): SourceCounts {
  const code = variantCode(dir);
  const hyp = code.sources.get(code.hypSource) ?? readFileSync(code.hypSource, 'utf8');
  const definitions = [...code.sources].flatMap(([file, text]) => macroDefinitions(text, file));
  const statements = codeStatements(hyp);
  return {
    macroBodyLines: definitions.reduce((n, d) => n + definitionStatements(d).length, 0),
    macros: definitions.length,
    repeatingLines: repeatingLines(statements),
    statements: statements.length,
    expandedInstructions: code.program.instructions.length,
    codeBytes: codeBytes(code.program),
  };
}

// ------------------------------------------------------------------------------------------------
// Dynamic counts: loads and stores read from the executed statement (A64 load/store mnemonics)

/** Bytes of a transfer register by its name: x0/lr/fp/xzr/sp 8, w0/wzr 4, q0 16, d0 8, s0 4, h0 2, b0 1. */
function registerBytes(name: string): number | undefined {
  const n = name.toLowerCase();
  if (/^(lr|fp|xzr|sp)$/.test(n)) return 8;
  if (/^(wzr|wsp)$/.test(n)) return 4;
  return ({ x: 8, w: 4, q: 16, d: 8, s: 4, h: 2, b: 1 } as Record<string, number>)[/^([xwqdshb])\d+$/.exec(n)?.[1] ?? ''];
}

/** Bytes one load or store statement moves, and which; undefined for any other instruction. */
export function memoryAccess(text: string): { kind: 'load' | 'store'; bytes: number } | undefined {
  const m = /^\s*(ld|st)(n?p|r|ur|xr|axr|lr|tr)?(sw|sh|sb|b|h)?\s+([a-z0-9]+)/i.exec(text);
  if (m === null || (m[2] === undefined && m[3] === undefined)) return undefined;
  const kind = m[1]!.toLowerCase() === 'ld' ? 'load' : 'store';
  const pair = m[2] !== undefined && /p$/i.test(m[2]);
  const size = m[3] === undefined ? registerBytes(m[4]!) : { sw: 4, sh: 2, sb: 1, b: 1, h: 2 }[m[3].toLowerCase()];
  if (size === undefined) return undefined;
  return { kind, bytes: size * (pair ? 2 : 1) };
}

export function pathCounts(variantDir: string): PathCounts[] {
  const variant = loadVariant(variantDir);
  const out: PathCounts[] = [];
  let k = 0;
  for (const exit of EXIT_KINDS) {
    for (const guest of GUEST_WIDTHS) {
      const seed = REPORT_WORLD_SEED + k++;
      const run = runWorldSwitch(variant, generateWorld(seed, { exit, guest, config: REPORT_WORLD_CONFIG }), { trace: true });
      const counts = { loads: 0, stores: 0, bytesLoaded: 0, bytesStored: 0 };
      for (const seg of run.trace ?? ([] as TraceSegment[])) {
        if (seg.kind !== 'run') continue;
        for (const e of seg.entries) {
          const a = memoryAccess(e.text);
          if (a === undefined) continue;
          if (a.kind === 'load') (counts.loads++, (counts.bytesLoaded += a.bytes));
          else (counts.stores++, (counts.bytesStored += a.bytes));
        }
      }
      out.push({ exit, guest, seed, instructions: run.steps, ...counts, hypStack: run.hypStackDepth, failure: run.failure ? `${run.failure.code}: ${run.failure.message}` : null });
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------

/** Variants in report order: original first, then by name. */
export function reportVariants(): string[] {
  const names = listVariants().sort();
  return [...names.filter((n) => n === 'original'), ...names.filter((n) => n !== 'original')];
}

const QEMU_TEST = 'test/machine/qemu-oracle.test.ts';
const FIXTURE_DIR = 'test/fixtures/asm';

/** The QEMU oracle test's default case count, as its source states it (HYPLAB_QEMU_CASES overrides it). */
function qemuCasesPerRun(): number | null {
  const file = join(REPOSITORY_ROOT, QEMU_TEST);
  if (!existsSync(file)) return null;
  const m = /HYPLAB_QEMU_CASES\s*\?\?\s*([\d_]+)/.exec(readFileSync(file, 'utf8'));
  return m === null ? null : Number(m[1]!.replace(/_/g, ''));
}

export function reportData(): ReportData {
  const original = loadOriginal();
  const seedText = readSeed().text;
  const quoted = quotedHunks(seedText).flatMap((h) => h.lines);
  const originalCarried = new Set(carriedLines(quoted, readFileSync(original.hypSource, 'utf8')).filter((c) => c.present).map((c) => c.quoted.seedLine));
  const measured: ReportData['measured'] = { proofMs: {}, checkMs: {}, bench: null };
  const variants: VariantReport[] = reportVariants().map((name) => {
    const dir = join(VARIANTS_DIR, name);
    const variant = loadVariant(dir);
    const verdict = checkVariant(variant, { runs: REPORT_RUNS, seed: REPORT_SEED, original });
    const proof = runProof(variant, original, verdict.proposal.deltas, 'full');
    measured.checkMs[name] = Math.round(verdict.ms);
    measured.proofMs[name] = Math.round(proof.ms ?? 0);
    const property = (p: string) => verdict.properties.find((x) => x.name === p);
    const carried = carriedLines(quoted, readFileSync(variant.hypSource, 'utf8'));
    return {
      name,
      verdict: {
        holds: verdict.holds && proof.status !== 'refuted',
        proof: { status: proof.status, paths: proof.paths ?? null },
        smoke: { holds: property('smoke')?.holds ?? false, runs: property('smoke')?.runs ?? 0 },
        random: { holds: property('random worlds')?.holds ?? false, runs: property('random worlds')?.runs ?? 0 },
        deltasHold: property('declared deltas')?.holds ?? false,
        deltasOver: verdict.deltasOver,
        proposal: verdict.proposal.file === undefined ? null : relative(REPOSITORY_ROOT, verdict.proposal.file),
        deltas: verdict.deltas
          .map((d) => ({ value: d.delta.value, change: d.delta.change, why: d.delta.why, happened: d.happened, holds: d.holds }))
          .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)),
      },
      source: sourceCounts(dir),
      paths: pathCounts(dir),
      mermaid: mermaidCallGraph(macroCallGraph(variantCode(dir))),
      sharedSeedLines: carried.filter((c) => c.present && originalCarried.has(c.quoted.seedLine)).map((c) => c.quoted.seedLine),
    };
  });
  const bench = join(REPOSITORY_ROOT, BENCH_RECORD);
  measured.bench = existsSync(bench) ? readFileSync(bench, 'utf8') : null;
  return {
    runs: REPORT_RUNS,
    seed: REPORT_SEED,
    worldSeed: REPORT_WORLD_SEED,
    variants,
    notCompared: OBSERVATION_TABLE.filter((r) => r.comparison === 'not compared').map((r) => ({ values: r.values, reason: r.reason })),
    seedQuotes: { file: SEED_PATH, quoted: quoted.map((q) => ({ line: q.seedLine, text: q.text })) },
    oracle: {
      gnuAsFixtures: readdirSync(join(REPOSITORY_ROOT, FIXTURE_DIR)).filter((f) => f.endsWith('.S')).length,
      fixtureDir: FIXTURE_DIR,
      qemuCasesPerRun: qemuCasesPerRun(),
      exclusions: formatExclusions(),
    },
    measured,
  };
}
