// `hyplab mutate VARIANT`: assembly-aware mutants of the variant's hyp.S (src/equiv/mutate.ts), each
// run through the symbolic proof and the property tests (src/equiv/mutate-run.ts), with the kill
// rates and every mutant where the two disagree. Exit 0 when they agree on every mutant, 1 otherwise,
// 2 for bad input.

import type { CommandModule } from 'yargs';
import { randomInt } from 'node:crypto';
import { AsmError, formatDiagnostic } from '../../asm/diagnostics.ts';
import { loadOriginal } from '../../equiv/check-variant.ts';
import { MUTATION_OPERATORS, OPERATOR_NAMES, mutantLabel } from '../../equiv/mutate.ts';
import type { MutationOperator } from '../../equiv/mutate.ts';
import { agrees, killRates, mutateVariant } from '../../equiv/mutate-run.ts';
import type { MutantResult, MutationReport } from '../../equiv/mutate-run.ts';
import { resolveVariantDir } from '../../worldswitch/variant.ts';
import { countProblem, propertySeedProblem, variantProblem } from '../world-options.ts';
import { EXIT, type CliIO } from '../io.ts';
import { startProgress } from '../progress.ts';
import type { Progress } from '../progress.ts';

/** The CI run count of the property tests. */
const MUTATE_DEFAULT_RUNS = 1000;

interface MutateArgs {
  variant?: string;
  limit?: number;
  runs: number;
  seed?: number;
  operators?: string;
  'full-paths': boolean;
  format: 'text' | 'json';
}

export function mutateCommand(io: CliIO, setStatus: (status: number) => void): CommandModule<object, MutateArgs> {
  return {
    command: 'mutate <variant>',
    describe: 'Mutate a variant\'s hyp.S and measure the checks: proof verdict and property-test kill per mutant, kill rates',
    builder: (y) =>
      y
        .positional('variant', { type: 'string', describe: 'a name under variants/ or a folder holding hyp.S and layout.ts' })
        .option('limit', { type: 'number', describe: 'at most N mutants, spread evenly over the enumeration (default: all)' })
        .option('runs', { type: 'number', default: MUTATE_DEFAULT_RUNS, describe: 'random worlds per mutant (the CI run count)' })
        .option('seed', { type: 'number', describe: "fast-check's seed, the same for every mutant (default: a fresh one, printed)" })
        .option('operators', { type: 'string', describe: `comma-separated: ${OPERATOR_NAMES.join(', ')}` })
        .option('full-paths', { type: 'boolean', default: false, describe: 'prove on every GIC nr_lr 1..64 (default: nr_lr in {1, 4, 64})' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
        .check((argv) => {
          const problem = usageProblem(argv);
          if (problem !== undefined) throw new Error(problem);
          return true;
        }),
    handler: (args) => {
      setStatus(mutate(io, args));
    },
  };
}

function usageProblem(argv: { variant?: unknown; limit?: unknown; runs?: unknown; seed?: unknown; operators?: unknown }): string | undefined {
  const problem = countProblem('--runs', argv.runs) ?? (argv.limit !== undefined ? countProblem('--limit', argv.limit) : undefined) ?? propertySeedProblem(argv.seed);
  if (problem !== undefined) return problem;
  if (argv.operators !== undefined) {
    const names = typeof argv.operators === 'string' ? argv.operators.split(',').map((s) => s.trim()) : [];
    const unknown = names.filter((n) => !(n in MUTATION_OPERATORS));
    if (names.length === 0 || unknown.length > 0) return `--operators: unknown operator(s) ${unknown.join(', ') || String(argv.operators)}; choose from ${OPERATOR_NAMES.join(', ')}`;
  }
  return variantProblem(argv.variant);
}

function mutate(io: CliIO, args: MutateArgs): number {
  const seed = args.seed ?? randomInt(0x7fff_ffff);
  const dir = resolveVariantDir(args.variant!)!;
  const operators = args.operators?.split(',').map((s) => s.trim()) as MutationOperator[] | undefined;
  const text = args.format === 'text';
  let report: MutationReport;
  try {
    const original = loadOriginal();
    let progress: Progress | undefined;
    report = mutateVariant(dir, {
      runs: args.runs,
      seed,
      original,
      fullPaths: args['full-paths'],
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
      ...(operators !== undefined ? { operators } : {}),
      onMutant: (r, k, total) => {
        if (k === 0) {
          progress = startProgress('mutants', total, { unit: 'mutants' });
          if (text) io.stdout(`hyplab mutate ${args.variant}: ${total} mutant(s), ${args.runs} random worlds each, seed ${seed}${args.seed === undefined ? ' (fresh)' : ''}\n`);
        }
        progress?.finish();
        if (text) io.stdout(`${resultLine(r)}\n`);
        progress?.update(k + 1);
      },
    });
    progress?.finish();
  } catch (e) {
    // The variant itself does not load (or its layout or proposal does not read): bad input.
    if (e instanceof AsmError) {
      for (const d of e.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (text) io.stdout(`\n${summaryText(report)}`);
  else io.stdout(`${JSON.stringify(reportJson(report), null, 2)}\n`);
  return agrees(report) ? EXIT.ok : EXIT.failed;
}

function resultLine(r: MutantResult): string {
  const head = `${mutantLabel(r.mutant)}  ${r.mutant.description}`;
  if (r.outcome === 'stillborn') return `${head}\n    stillborn: ${r.stillborn}`;
  if (r.outcome === 'crashed') return `${head}\n    CRASHED: ${r.error}`;
  const proof = `proof ${r.proof!.status}`;
  const property = r.property!.killed ? `killed by ${r.property!.by}${r.property!.value ? ` (${r.property!.value})` : ''}` : 'not killed';
  const flag = r.outcome === 'survivor' ? '  SURVIVOR' : r.outcome === 'proof-missed' ? '  PROOF MISSED' : '';
  const ms = `${((r.proof!.ms + r.property!.ms) / 1000).toFixed(1)} s`;
  return `${head}\n    ${proof}; property tests: ${property}${flag}  (${ms})`;
}

function percent(n: number, d: number): string {
  return d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`;
}

function summaryText(report: MutationReport): string {
  const k = killRates(report.results);
  const lines = [
    `mutants of ${report.variant}: ${k.total} run of ${report.enumerated} enumerated; ${k.stillborn} stillborn (do not assemble), ${k.live} live`,
    `proof paths: ${report.paths}; property tests: smoke worlds + ${report.runs} random worlds, seed ${report.seed}`,
    `proof-detected (non-equivalent): ${k.proofDetected}/${k.live} (${percent(k.proofDetected, k.live)})`,
    `property-killed:                 ${k.propertyKilled}/${k.live} (${percent(k.propertyKilled, k.live)})`,
    `equivalent per the proof:        ${k.equivalent}; undecided or not run: ${k.undecided}`,
    `survivors (proof non-equivalent, not killed): ${k.survivors}; proof missed (equivalent, killed): ${k.proofMissed}; crashed: ${k.crashed}`,
    `time: ${(report.ms / 1000).toFixed(1)} s (${k.total > 0 ? (report.ms / 1000 / k.total).toFixed(2) : '-'} s per mutant)`,
  ];
  const list = (title: string, rs: MutantResult[], extra: (r: MutantResult) => string): void => {
    if (rs.length === 0) return;
    lines.push('', `${title}:`);
    for (const r of rs) lines.push(`  ${mutantLabel(r.mutant)}  ${r.mutant.description}${extra(r)}`);
  };
  const live = report.results.filter((r) => r.outcome !== 'stillborn');
  list('SURVIVORS', live.filter((r) => r.outcome === 'survivor'), (r) => `  (seed ${report.seed}; replay: hyplab check ${r.dir} --seed ${report.seed} --runs ${report.runs}; proof: ${r.proof!.summary})`);
  list('PROOF MISSED', live.filter((r) => r.outcome === 'proof-missed'), (r) => `  (${r.property!.replay ?? ''}${r.dir ? `; folder ${r.dir}` : ''})`);
  list('CRASHED', live.filter((r) => r.outcome === 'crashed'), (r) => `  ${r.error}`);
  list('equivalent mutants (the proof finds no difference on its paths)', live.filter((r) => r.proof?.status === 'equivalent' && r.outcome === 'agree'), () => '');
  list('undecided by the proof', live.filter((r) => r.proof?.status === 'undecided' || r.proof?.status === 'not run'), (r) => `  (${r.proof!.summary}; property tests: ${r.property?.killed ? 'killed' : 'not killed'})`);
  lines.push('', agrees(report) ? 'the proof and the property tests agree on every mutant' : 'the proof and the property tests DISAGREE (see above)');
  return `${lines.join('\n')}\n`;
}

function reportJson(report: MutationReport): unknown {
  return {
    variant: report.variant,
    seed: report.seed,
    runs: report.runs,
    paths: report.paths,
    enumerated: report.enumerated,
    rates: killRates(report.results),
    agree: agrees(report),
    ms: Math.round(report.ms),
    mutants: report.results.map((r) => ({
      id: r.mutant.id,
      file: r.mutant.file,
      line: r.mutant.line,
      operator: r.mutant.operator,
      description: r.mutant.description,
      outcome: r.outcome,
      ...(r.stillborn !== undefined ? { stillborn: r.stillborn } : {}),
      ...(r.proof !== undefined ? { proof: { ...r.proof, ms: Math.round(r.proof.ms) } } : {}),
      ...(r.property !== undefined ? { property: { ...r.property, ms: Math.round(r.property.ms), seed: report.seed } } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.dir !== undefined ? { dir: r.dir } : {}),
    })),
  };
}
