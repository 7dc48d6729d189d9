// `hyplab diff A B`: the macro-level difference between two variants. Which macros B adds, removes or
// changes (definition or expansion), with their expanded instruction counts; then, for every changed
// macro and routine (code label), the instructions that moved, changed, were inserted or deleted, each
// with its source line and macro stack. With --trace, one world switch of each (the same world, from
// --seed/--exit/--guest) side by side, aligned by instruction, the first divergence marked.
// Exit 0 when both variants assemble (and, with --trace, both runs complete), 1 otherwise, 2 for bad usage.

import type { CommandModule } from 'yargs';
import { formatDiagnostic } from '../../asm/diagnostics.ts';
import { diffVariants } from '../../report/macro-diff.ts';
import type { DiffLine, InstructionRef, MacroDiff, UnitDiff, VariantDiff } from '../../report/macro-diff.ts';
import { shortOrigin } from '../../report/macro-graph.ts';
import { alignTraces, imageWords, traceSteps } from '../../report/trace-steps.ts';
import type { AlignedTraces, TraceStep } from '../../report/trace-steps.ts';
import { variantCode } from '../../report/variant-code.ts';
import { runWorldSwitch } from '../../worldswitch/scenario.ts';
import type { WorldSwitchRun } from '../../worldswitch/scenario.ts';
import { listVariants, loadVariant, resolveVariantDir } from '../../worldswitch/variant.ts';
import { EXIT, type CliIO } from '../io.ts';
import { formatOrigin, reportFailure } from '../report-errors.ts';
import { variantProblem, worldOf, worldOptions, worldProblem, worldTitle } from '../world-options.ts';
import type { WorldArgs } from '../world-options.ts';
import { originJson, outcomeText, stepJson, writesText } from './trace.ts';

interface DiffArgs extends WorldArgs {
  a: string;
  b: string;
  trace: boolean;
  format: 'text' | 'json';
}

export function diffCommand(io: CliIO, setStatus: (status: number) => void): CommandModule<object, DiffArgs> {
  const variantHelp = `a name under variants/ (${listVariants().join(', ')}) or a folder holding hyp.S and layout.ts`;
  return {
    command: 'diff <a> <b>',
    describe: 'The macro-level difference between two variants (macros added/removed/changed, instructions moved); --trace: one world switch of each, side by side',
    builder: (y) =>
      worldOptions(y.positional('a', { type: 'string', demandOption: true, describe: variantHelp }).positional('b', { type: 'string', demandOption: true, describe: variantHelp }))
        .option('trace', { type: 'boolean', default: false, describe: 'also run one world switch of each (the same world) and show the two traces aligned, the first divergence marked' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
        .check((argv) => {
          const problem = worldProblem(argv) ?? variantProblem(argv.a) ?? variantProblem(argv.b);
          if (problem !== undefined) throw new Error(problem);
          return true;
        }),
    handler: (args) => {
      const dirA = resolveVariantDir(args.a);
      const dirB = resolveVariantDir(args.b);
      if (dirA === undefined || dirB === undefined) return;
      setStatus(
        reportFailure(io, () => {
          const diff = diffVariants(variantCode(dirA), variantCode(dirB));
          let runs: { a: WorldSwitchRun; b: WorldSwitchRun; aligned: AlignedTraces } | undefined;
          if (args.trace) {
            const world = worldOf(args);
            const [va, vb] = [loadVariant(dirA), loadVariant(dirB)];
            const a = runWorldSwitch(va, world, { trace: true });
            const b = runWorldSwitch(vb, world, { trace: true });
            for (const r of [a, b]) if (r.failure !== undefined) io.stderr(`${formatDiagnostic(r.failure)}\n`);
            runs = { a, b, aligned: alignTraces(traceSteps(a.trace ?? [], imageWords(va.image)), traceSteps(b.trace ?? [], imageWords(vb.image))) };
          }
          if (args.format === 'json') io.stdout(`${JSON.stringify(diffJson(diff, runs), null, 2)}\n`);
          else io.stdout(diffText(diff, runs));
          return runs !== undefined && (runs.a.failure !== undefined || runs.b.failure !== undefined) ? EXIT.failed : EXIT.ok;
        }),
      );
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Text

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function countsText(u: UnitDiff): string {
  const parts = (['moved', 'changed', 'inserted', 'deleted'] as const).filter((k) => u.counts[k] > 0).map((k) => `${u.counts[k]} ${k}`);
  return parts.length === 0 ? 'same instructions' : parts.join(', ');
}

function sizeText(u: UnitDiff): string {
  if (u.a === undefined) return `${plural(u.b ?? 0, 'instruction')}`;
  if (u.b === undefined) return `${plural(u.a, 'instruction')}`;
  return u.a === u.b ? plural(u.a, 'instruction') : `${u.a} -> ${u.b} instructions`;
}

function macroLine(m: MacroDiff, nameWidth: number): string {
  const defined = m.status === 'removed' ? m.definedA : m.definedB;
  const invocations = m.status === 'removed' ? m.invocationsA : m.invocationsB;
  const head = `  ${m.status.padEnd(8)} ${m.name.padEnd(nameWidth)} ${sizeText(m)} in ${plural(invocations ?? 0, 'invocation')}${defined ? ` (defined at ${defined})` : ''}`;
  if (m.status !== 'changed') return head;
  const why = [...(m.definitionChanged ? ['definition changed'] : []), ...(m.lines.length > 0 ? [countsText(m)] : ['same expansion'])];
  return `${head}: ${why.join('; ')}`;
}

const ref = (r: InstructionRef | undefined): string => (r === undefined ? '' : `${r.text.padEnd(30)} ${shortOrigin(r.instruction.origin)}`);

function lineText(l: DiffLine): string {
  switch (l.kind) {
    case 'deleted':
      return `    - ${ref(l.a)}`;
    case 'inserted':
      return `    + ${ref(l.b)}`;
    case 'changed':
      return `    ~ ${ref(l.a)}\n      -> ${ref(l.b)}`;
    case 'moved':
      return `    > ${ref(l.a)}\n      moved to ${shortOrigin(l.b!.instruction.origin)} (instruction ${l.b!.index})`;
  }
}

function unitSection(title: string, units: UnitDiff[], out: string[]): void {
  const touched = units.filter((u) => u.lines.length > 0);
  if (touched.length === 0) return;
  out.push('', title);
  for (const u of touched) {
    out.push(`  ${u.name} (${u.status}, ${sizeText(u)}): ${countsText(u)}`);
    for (const l of u.lines) out.push(lineText(l));
  }
}

function diffText(d: VariantDiff, runs: { a: WorldSwitchRun; b: WorldSwitchRun; aligned: AlignedTraces } | undefined): string {
  const out: string[] = [];
  const changed = d.macros.filter((m) => m.status !== 'same');
  const sameCount = d.macros.length - changed.length;
  out.push(`${d.a} -> ${d.b}: ${plural(changed.length, 'macro')} added, removed or changed; ${sameCount} the same`);
  const width = Math.max(0, ...changed.map((m) => m.name.length));
  for (const m of changed) out.push(macroLine(m, width));
  // An added or removed macro is all insertions or deletions: its summary line above says so.
  unitSection('Expansions of the changed macros (all invocations of each, in program order):', d.macros.filter((m) => m.status === 'changed'), out);
  unitSection('Routines (instructions under each code label):', d.routines, out);
  const routineNote = d.routines.filter((r) => r.status !== 'same').length;
  if (routineNote === 0) out.push('', 'Routines: every routine expands to the same instructions.');
  if (runs !== undefined) out.push('', ...sideBySideText(runs));
  return `${out.join('\n')}\n`;
}

const MARK: Record<string, string> = { same: ' ', 'writes-differ': '~', changed: '!', 'only-a': '<', 'only-b': '>' };

function cell(s: TraceStep | undefined, width: number): string {
  if (s === undefined) return ''.padEnd(width);
  const text = s.kind === 'scenario' ? `-- ${s.title}` : `${String(s.step).padStart(5)} ${s.text.padEnd(28)} ${shortOrigin(s.origin)}`;
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function sideBySideText(runs: { a: WorldSwitchRun; b: WorldSwitchRun; aligned: AlignedTraces }): string[] {
  const { a, b, aligned } = runs;
  const width = 64;
  const out = [
    `Side by side: ${worldTitle(a.world)}`,
    `  ${a.variant}: ${outcomeText(a)}`,
    `  ${b.variant}: ${outcomeText(b)}`,
    `  marks: ~ same instruction, other values written; ! different instructions; < only in ${a.variant}; > only in ${b.variant}`,
    '',
    `  ${cell(undefined, 0)}${`${a.variant}`.padEnd(width)} | ${b.variant}`,
  ];
  aligned.rows.forEach((row, i) => {
    out.push(`${MARK[row.kind]} ${cell(row.a, width)} | ${cell(row.b, width).trimEnd()}`);
    if (i !== aligned.firstDivergence) return;
    out.push(`^ first divergence (row ${i}: ${row.kind})`);
    for (const [name, s] of [[a.variant, row.a], [b.variant, row.b]] as const) {
      if (s === undefined) out.push(`    ${name}: no step here`);
      else if (s.kind === 'scenario') out.push(`    ${name}: -- ${s.title}`);
      else out.push(`    ${name}: step ${s.step} at ${formatOrigin(s.origin)}`, `      writes ${writesText(s) || '(nothing)'}`);
    }
  });
  if (aligned.firstDivergence === undefined) out.push('  (no divergence: both runs execute the same instructions and write the same values)');
  return out;
}

// ------------------------------------------------------------------------------------------------
// JSON

function refJson(r: InstructionRef | undefined) {
  return r === undefined ? undefined : { index: r.index, text: r.text, origin: originJson(r.instruction.origin) };
}

function unitJson(u: UnitDiff) {
  return { name: u.name, status: u.status, instructions: { a: u.a ?? null, b: u.b ?? null }, counts: u.counts, lines: u.lines.map((l) => ({ kind: l.kind, a: refJson(l.a) ?? null, b: refJson(l.b) ?? null })) };
}

function diffJson(d: VariantDiff, runs: { a: WorldSwitchRun; b: WorldSwitchRun; aligned: AlignedTraces } | undefined) {
  return {
    a: d.a,
    b: d.b,
    macros: d.macros.map((m) => ({
      ...unitJson(m),
      invocations: { a: m.invocationsA ?? null, b: m.invocationsB ?? null },
      defined: { a: m.definedA ?? null, b: m.definedB ?? null },
      definition_changed: m.definitionChanged,
    })),
    routines: d.routines.map(unitJson),
    ...(runs !== undefined
      ? {
          trace: {
            seed: runs.a.world.seed,
            exit: runs.a.world.config.exit,
            guest: runs.a.world.config.guest,
            a: { status: runs.a.failure === undefined ? 'completed' : 'failed', steps: runs.a.steps, ...(runs.a.failure ? { failure: { code: runs.a.failure.code, message: runs.a.failure.message } } : {}) },
            b: { status: runs.b.failure === undefined ? 'completed' : 'failed', steps: runs.b.steps, ...(runs.b.failure ? { failure: { code: runs.b.failure.code, message: runs.b.failure.message } } : {}) },
            first_divergence: runs.aligned.firstDivergence ?? null,
            rows: runs.aligned.rows.map((r) => ({ kind: r.kind, a: r.a === undefined ? null : stepJson(r.a), b: r.b === undefined ? null : stepJson(r.b) })),
          },
        }
      : {}),
  };
}
