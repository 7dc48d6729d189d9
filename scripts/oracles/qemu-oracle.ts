// The QEMU oracle as a run: N random cases in batches, each batch drawn by fast-check from its own seed
// (batch b of a run with seed S uses seed S + b, case i of it is fast-check's run i, i.e. path "i"),
// checked on QEMU and on the core. A disagreement names the seed and path that replay it, and can be
// shrunk by fast-check to a smaller case that still disagrees.

import fc from 'fast-check';
import { arbitraryCase, caseListing } from './qemu-cases.ts';
import type { OracleCase } from './qemu-cases.ts';
import { checkCases, emptyTimings, finishBatch, formatOutcome, startBatch } from './qemu-differential.ts';
import type { CaseOutcome, StartedBatch, Timings } from './qemu-differential.ts';
import { formatExclusions } from '../../src/machine/qemu-exclusions.ts';

export interface Replay {
  /** fast-check seed of the case's batch. */
  seed: number;
  /** fast-check path of the case within that batch. */
  path: string;
}

export interface Disagreement {
  replay: Replay;
  case: OracleCase;
  outcome: CaseOutcome;
}

export interface OracleRunOptions {
  qemu: string;
  seed: number;
  cases: number;
  batchSize?: number;
  timeoutMs?: number;
  /** Called after each batch. */
  progress?: (done: number, total: number, disagreements: number, elapsedMs: number) => void;
}

export interface OracleRunSummary {
  seed: number;
  cases: number;
  batches: number;
  disagreements: Disagreement[];
  timings: Timings & { generateMs: number; totalMs: number };
}

export const DEFAULT_BATCH_SIZE = 500;

/** The cases of batch `seed` (fast-check's first `count` runs for that seed). */
export function batchCases(seed: number, count: number): OracleCase[] {
  return fc.sample(arbitraryCase, { seed, numRuns: count });
}

/** The case a replay names. */
export function replayCase(r: Replay): OracleCase {
  return batchCases(r.seed, Number(r.path) + 1)[Number(r.path)]!;
}

/**
 * Runs the cases batch by batch. While QEMU runs batch b in its own process, the next batch is drawn
 * and assembled, then the core runs batch b: QEMU's time hides behind ours.
 */
export async function runOracle(options: OracleRunOptions): Promise<OracleRunSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const started = performance.now();
  const timings = { ...emptyTimings(), generateMs: 0, totalMs: 0 };
  const check = { qemu: options.qemu, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  const disagreements: Disagreement[] = [];
  const batches = Math.ceil(options.cases / batchSize);
  const begin = (b: number): { seed: number; started: StartedBatch } => {
    const seed = (options.seed + b) | 0;
    const g0 = performance.now();
    const cases = batchCases(seed, Math.min(batchSize, options.cases - b * batchSize));
    timings.generateMs += performance.now() - g0;
    return { seed, started: startBatch(cases, 0, check, timings) };
  };
  let next = begin(0);
  for (let b = 0; b < batches; b++) {
    const current = next;
    if (b + 1 < batches) next = begin(b + 1);
    const outcomes: CaseOutcome[] = [];
    await finishBatch(current.started, check, timings, outcomes);
    for (const outcome of outcomes.sort((x, y) => x.index - y.index)) {
      disagreements.push({ replay: { seed: current.seed, path: String(outcome.index) }, case: current.started.cases[outcome.index]!, outcome });
    }
    options.progress?.(Math.min(options.cases, (b + 1) * batchSize), options.cases, disagreements.length, performance.now() - started);
  }
  timings.totalMs = performance.now() - started;
  return { seed: options.seed, cases: options.cases, batches, disagreements, timings };
}

/** Whether one case agrees; the outcome when it does not. */
async function disagreementOf(qemu: string, c: OracleCase): Promise<CaseOutcome | undefined> {
  const r = await checkCases([c], { qemu });
  return r.disagreements[0];
}

/**
 * Lets fast-check shrink a disagreeing case (replayed from its seed and path) for at most `budgetMs`;
 * returns the smallest case found that still disagrees, with its outcome.
 */
export async function shrinkDisagreement(qemu: string, replay: Replay, budgetMs = 60_000): Promise<{ case: OracleCase; outcome: CaseOutcome } | undefined> {
  let smallest: { case: OracleCase; outcome: CaseOutcome } | undefined;
  const property = fc.asyncProperty(arbitraryCase, async (c) => {
    const outcome = await disagreementOf(qemu, c);
    if (outcome !== undefined) smallest = { case: c, outcome };
    return outcome === undefined;
  });
  // numRuns 1: with a path, fast-check would otherwise go on to further runs after the replayed one.
  await fc.check(property, { seed: replay.seed, path: replay.path, numRuns: 1, interruptAfterTimeLimit: budgetMs, markInterruptAsFailure: false });
  return smallest;
}

/** A disagreement as the report shows it: how to replay it, the instructions, the differing values. */
export function formatDisagreement(d: { replay: Replay; case: OracleCase; outcome: CaseOutcome }, heading = 'disagreement'): string {
  const c = d.case;
  return [
    `${heading}: replay with HYPLAB_QEMU_SEED=${d.replay.seed} HYPLAB_QEMU_PATH=${d.replay.path} (fast-check seed ${d.replay.seed}, path "${d.replay.path}")`,
    `entry ${c.init.mode}, NZCV=0x${c.init.nzcv.toString(16)}, DAIF=0x${c.init.daif.toString(16)}; instructions (data area at its runner address):`,
    caseListing(c),
    'values that differ:',
    formatOutcome(d.outcome),
  ].join('\n');
}

export function formatSummary(s: OracleRunSummary): string {
  const t = s.timings;
  const ms = (v: number): string => `${(v / 1000).toFixed(1)} s`;
  return [
    `QEMU oracle: ${s.cases} cases in ${s.batches} batches, seed ${s.seed}: ${s.disagreements.length} disagreements`,
    `time ${ms(t.totalMs)}: generate ${ms(t.generateMs)}, assemble ${ms(t.assembleMs)}, core ${ms(t.coreMs)} for ${t.coreSteps} steps; ${t.qemuRuns} QEMU runs took ${ms(t.qemuMs)} of wall time, overlapping the rest`,
    'exclusions:',
    ...formatExclusions(),
  ].join('\n');
}
