// `hyplab trace VARIANT`: the instructions one world switch executes (from the world --seed, --exit and
// --guest choose), numbered, each with its PC, its origin (file:line:col < macro@where it was invoked,
// innermost first) and the registers and memory it wrote; what the scenario does between HYP's
// stretches (the guest's run, the exit) in between. Text or JSON. Exit 0 when the run completes, 1
// when it fails (its coded diagnostic on stderr, the trace up to the failure on stdout), 2 for bad usage.

import type { CommandModule } from 'yargs';
import { formatDiagnostic } from '../../asm/diagnostics.ts';
import type { Origin } from '../../asm/diagnostics.ts';
import { traceSteps, writeValueText } from '../../report/trace-steps.ts';
import type { TraceStep } from '../../report/trace-steps.ts';
import { runWorldSwitch } from '../../worldswitch/scenario.ts';
import type { WorldSwitchRun } from '../../worldswitch/scenario.ts';
import { listVariants, loadVariant, resolveVariantDir } from '../../worldswitch/variant.ts';
import { EXIT, type CliIO } from '../io.ts';
import { formatOrigin, reportFailure } from '../report-errors.ts';
import { variantProblem, worldOf, worldOptions, worldProblem, worldTitle } from '../world-options.ts';
import type { WorldArgs } from '../world-options.ts';

interface TraceArgs extends WorldArgs {
  variant: string;
  format: 'text' | 'json';
}

export function traceCommand(io: CliIO, setStatus: (status: number) => void): CommandModule<object, TraceArgs> {
  return {
    command: 'trace <variant>',
    describe: 'The instructions one world switch executes, with their origins (file:line < macro stack) and the registers and memory each wrote',
    builder: (y) =>
      worldOptions(y.positional('variant', { type: 'string', demandOption: true, describe: `a name under variants/ (${listVariants().join(', ')}) or a folder holding hyp.S and layout.ts` }))
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
        .check((argv) => {
          const problem = worldProblem(argv) ?? variantProblem(argv.variant);
          if (problem !== undefined) throw new Error(problem);
          return true;
        }),
    handler: (args) => {
      const dir = resolveVariantDir(args.variant);
      if (dir === undefined) return;
      setStatus(
        reportFailure(io, () => {
          const result = runWorldSwitch(loadVariant(dir), worldOf(args), { trace: true });
          if (result.failure !== undefined) io.stderr(`${formatDiagnostic(result.failure)}\n`);
          if (args.format === 'json') io.stdout(`${JSON.stringify(traceJson(result), null, 2)}\n`);
          else io.stdout(traceText(result));
          return result.failure === undefined ? EXIT.ok : EXIT.failed;
        }),
      );
    },
  };
}

const hex64 = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;

/** `hvc exit from an aarch64 guest, seed 1: completed in 507 steps` (or the failure's code). */
export function outcomeText(r: WorldSwitchRun): string {
  return `${worldTitle(r.world)}: ${r.failure === undefined ? `completed in ${r.steps} steps` : `FAILED after ${r.steps} steps: ${r.failure.code}`}`;
}

export function writesText(s: TraceStep): string {
  return s.kind === 'insn' ? s.writes.map((w) => `${w.where}=${writeValueText(w)}`).join(' ') : '';
}

function traceText(r: WorldSwitchRun): string {
  const lines = [`${r.variant}: ${outcomeText(r)}`];
  const steps = traceSteps(r.trace ?? []);
  const width = String(steps.length).length;
  let segment: string | undefined;
  for (const s of steps) {
    if (s.kind === 'scenario') {
      lines.push(`-- ${s.title}`);
      segment = undefined;
      continue;
    }
    if (s.segment !== segment) lines.push(`-- ${(segment = s.segment)}`);
    lines.push(`${String(s.step).padStart(width)}  ${hex64(s.pc)}  ${s.text.padEnd(32)} ${formatOrigin(s.origin)}`);
    const writes = writesText(s);
    if (writes) lines.push(`${''.padStart(width)}    ${writes}`);
  }
  return `${lines.join('\n')}\n`;
}

/** An origin as data: its location and each expansion frame, innermost first. */
export function originJson(o: Origin) {
  return { file: o.location.file, line: o.location.line, col: o.location.col, stack: o.stack.map((f) => ({ macro: f.macro, file: f.at.file, line: f.at.line, col: f.at.col })), text: formatOrigin(o) };
}

export function stepJson(s: TraceStep) {
  if (s.kind === 'scenario') return { step: s.step, scenario: s.title };
  return { step: s.step, segment: s.segment, pc: hex64(s.pc), text: s.text, origin: originJson(s.origin), writes: s.writes.map((w) => ({ where: w.where, value: writeValueText(w), width: w.width })) };
}

function traceJson(r: WorldSwitchRun) {
  const w = r.world;
  return {
    variant: r.variant,
    seed: w.seed,
    exit: w.config.exit,
    guest: w.config.guest,
    status: r.failure === undefined ? 'completed' : 'failed',
    steps: r.steps,
    ...(r.failure !== undefined ? { failure: { code: r.failure.code, message: r.failure.message, origin: originJson(r.failure.origin) } } : {}),
    trace: traceSteps(r.trace ?? []).map(stepJson),
  };
}
