// `hyplab check [VARIANT...]`: the verdict on each variant (every folder under variants/ when none is
// named; a name under variants/ or a folder holding hyp.S and layout.ts), always compared with
// variants/original: smoke worlds, then --runs random worlds from --seed (fresh and printed when not
// given), the declared deltas of proposals/<variant>.md, and the symbolic proof: quick by default (the
// GIC loops' edges, a few seconds), full with --proof full (every nr_lr, what CI and the report run).
// A variant the property tests already refute gets its counterexample at once: the quick proof waits.
// Exit 0 when every variant holds, 1 when one fails (with its counterexample), 2 for bad input.

import type { CommandModule } from 'yargs';
import { randomInt } from 'node:crypto';
import { checkVariant, DEFAULT_RUNS, loadOriginal } from '../../equiv/check-variant.ts';
import type { CheckedVariant } from '../../equiv/format.ts';
import { githubAnnotations, holds, junit, verdictJson, verdictText } from '../../equiv/format.ts';
import { PROOF_MODES, runProof } from '../../equiv/proof.ts';
import type { ProofMode } from '../../equiv/proof.ts';
import { listVariants, loadVariant, resolveVariantDir, VARIANTS_DIR } from '../../worldswitch/variant.ts';
import { countProblem, propertySeedProblem, variantProblem } from '../world-options.ts';
import { AsmError, formatDiagnostic } from '../../asm/diagnostics.ts';
import { join } from 'node:path';
import { EXIT, type CliIO } from '../io.ts';

interface CheckArgs {
  variants?: string[];
  runs: number;
  seed?: number;
  path?: string;
  prove: boolean;
  proof: ProofMode;
  format: 'text' | 'json' | 'junit';
}

export function checkCommand(io: CliIO, setStatus: (status: number) => void): CommandModule<object, CheckArgs> {
  return {
    command: 'check [variants..]',
    describe: 'Check variants against the specification and against variants/original: smoke worlds, random worlds (fast-check), declared deltas, proof',
    builder: (y) =>
      y
        .positional('variants', { type: 'string', array: true, describe: `names under variants/ (${listVariants().join(', ')}) or folders holding hyp.S and layout.ts (default: every variant)` })
        .option('runs', { type: 'number', default: DEFAULT_RUNS, describe: 'random worlds per variant (CI: at least 1000)' })
        .option('seed', { type: 'number', describe: "fast-check's seed (default: a fresh one, printed)" })
        .option('path', { type: 'string', describe: "fast-check's counterexample path, from a failure's replay line (needs --seed)" })
        .option('proof', { choices: PROOF_MODES, default: 'quick' as ProofMode, describe: 'the symbolic proof: quick (nr_lr in {1, 2, 3, 4, 64}), full (every nr_lr 1..64), none' })
        .option('prove', { type: 'boolean', default: true, describe: '--no-prove is --proof none' })
        .option('format', { choices: ['text', 'json', 'junit'] as const, default: 'text' as const })
        .check((argv) => {
          const problem = usageProblem(argv);
          if (problem !== undefined) throw new Error(problem);
          return true;
        }),
    handler: async (args) => {
      setStatus(await check(io, args));
    },
  };
}

function usageProblem(argv: { variants?: unknown; runs?: unknown; seed?: unknown; path?: unknown }): string | undefined {
  const problem = countProblem('--runs', argv.runs) ?? propertySeedProblem(argv.seed);
  if (problem !== undefined) return problem;
  if (argv.path !== undefined) {
    if (typeof argv.path !== 'string' || !/^\d+(:\d+)*$/.test(argv.path)) return `--path must be fast-check's path (numbers separated by ':'), not ${String(argv.path)}`;
    if (argv.seed === undefined) return '--path replays a run of one seed: give --seed too';
  }
  for (const v of (argv.variants as unknown[] | undefined) ?? []) {
    const bad = variantProblem(v);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

async function check(io: CliIO, args: CheckArgs): Promise<number> {
  const seed = args.seed ?? randomInt(0x7fff_ffff);
  const dirs = (args.variants?.length ? args.variants.map((v) => resolveVariantDir(v)!) : listVariants().map((n) => join(VARIANTS_DIR, n)));
  const text = args.format === 'text';
  if (text) io.stdout(`hyplab check: ${dirs.length} variant(s), ${args.runs} random worlds each, seed ${seed}${args.seed === undefined ? ' (fresh)' : ''}${args.path ? `, path ${args.path}` : ''}\n\n`);
  const checked: CheckedVariant[] = [];
  let status: number = EXIT.ok;
  try {
    const original = loadOriginal();
    for (const dir of dirs) {
      const variant = loadVariant(dir);
      const verdict = checkVariant(variant, { runs: args.runs, seed, original, ...(args.path !== undefined ? { path: args.path } : {}) });
      const mode: ProofMode = !args.prove ? 'none' : args.proof;
      const proof =
        mode === 'quick' && !verdict.holds
          ? { status: 'not run' as const, text: 'not run: the property tests refute it already (--proof full runs the proof too)' }
          : runProof(variant, original, verdict.proposal.deltas, mode);
      const c = { verdict, proof };
      checked.push(c);
      if (!holds(c)) status = EXIT.failed;
      if (text) io.stdout(`${verdictText(c)}\n`);
    }
  } catch (e) {
    // A variant that does not assemble, a layout that does not read, a malformed deltas block: bad input.
    if (e instanceof AsmError) {
      for (const d of e.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  // On GitHub Actions every failure is also an annotation at the source line of its counterexample.
  if (process.env.GITHUB_ACTIONS) for (const line of githubAnnotations(checked)) io.stdout(`${line}\n`);
  if (args.format === 'json') io.stdout(`${JSON.stringify({ seed, runs: args.runs, verdicts: checked.map(verdictJson) }, null, 2)}\n`);
  else if (args.format === 'junit') io.stdout(junit(checked));
  else {
    const failing = checked.filter((c) => !holds(c)).map((c) => c.verdict.variant);
    io.stdout(failing.length === 0 ? `every variant holds (seed ${seed})\n` : `FAILING: ${failing.join(', ')} (seed ${seed}; each replay line above reproduces its counterexample)\n`);
  }
  return status;
}
