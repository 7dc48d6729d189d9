// The verdict on one variant: cheapest failing evidence first.
//
//   1. smoke      a fixed world for every exit kind and guest width (both configurations' extremes);
//   2. random     fast-check: a property over random worlds (src/equiv/world-arbitrary.ts), each run
//                 on the variant and on original and compared (src/equiv/compare.ts); a failure is
//                 shrunk and printed with the seed and path that replay it;
//   3. deltas     every declared `differs` / `extra-region` delta happened in some run;
//   4. proof      the symbolic proof (src/equiv/prove.ts), when it is available and not skipped.
//
// Every verdict carries the declared deltas and whether each holds; the caller prints the one table
// of compared and not-compared values (src/equiv/observation-table.ts) with it.

import fc from 'fast-check';
import { fail, originOf } from '../asm/diagnostics.ts';
import type { Diagnostic } from '../asm/diagnostics.ts';
import { join } from 'node:path';
import { loadVariant, VARIANTS_DIR } from '../worldswitch/variant.ts';
import type { Variant } from '../worldswitch/variant.ts';
import { EXIT_KINDS, GUEST_WIDTHS, generateWorld } from '../worldswitch/world.ts';
import type { World, WorldConfig } from '../worldswitch/world.ts';
import { compareRuns, differsFromOriginal, observe } from './compare.ts';
import type { Difference, Observed, WorldComparison } from './compare.ts';
import { explain } from './counterexample.ts';
import type { Explanation } from './counterexample.ts';
import { proposalOf } from './deltas.ts';
import type { Delta, Proposal } from './deltas.ts';
import { worldArbitrary } from './world-arbitrary.ts';

export const DEFAULT_RUNS = 100;
/** Shrink steps before the smallest failing world so far is reported (each costs two world switches). */
export const DEFAULT_SHRINKS = 400;

export interface CheckOptions {
  runs: number;
  seed: number;
  /** fast-check's counterexample path: replay exactly that run (and shrink from it). */
  path?: string;
  shrinks?: number;
  /** The variant every verdict compares with (default variants/original). */
  original?: Variant;
  /** The proposals folder (default proposals/). */
  proposals?: string;
  /** Run the fixed smoke worlds first (default: yes, unless a --path replays one random world). */
  smoke?: boolean;
}

export type PropertyName = 'smoke' | 'random worlds' | 'declared deltas';

export interface PropertyResult {
  name: PropertyName;
  holds: boolean;
  /** Worlds run (each on the variant and on original). */
  runs: number;
  ms: number;
  /** For a failure: how to see it again, and the failing world explained. */
  failure?: CheckFailure;
}

export interface CheckFailure {
  message: string;
  replay?: string;
  world?: World;
  /** Where the world came from: `smoke world 3 (generateWorld(103, ...))`, `fast-check seed S path P`. */
  source?: string;
  differences: Difference[];
  explanation?: Explanation;
  /** When the run did not complete (or original's did not): its diagnostic, at the instruction responsible. */
  diagnostic?: Diagnostic;
  shrinks?: number;
}

export interface DeltaStatus {
  delta: Delta;
  /** Worlds in which it happened (the value differed, or the region was written). */
  happened: number;
  holds: boolean;
}

export interface Verdict {
  variant: string;
  dir: string;
  holds: boolean;
  seed: number;
  proposal: Proposal;
  deltas: DeltaStatus[];
  properties: PropertyResult[];
  /** Worlds the deltas were counted over. */
  deltasOver: number;
  ms: number;
}

// ------------------------------------------------------------------------------------------------
// Smoke worlds: every exit kind and guest width, once with everything on, once with everything off

const SMOKE_SEED = 103;
const ALL_ON: Partial<WorldConfig> = { timerEnabled: true, gic: { present: true, nrLr: 64 }, parFault: true };
const ALL_OFF: Partial<WorldConfig> = { timerEnabled: false, gic: { present: false, nrLr: 4 }, parFault: false };

export function smokeWorlds(): { world: World; label: string }[] {
  const out: { world: World; label: string }[] = [];
  let k = 0;
  for (const exit of EXIT_KINDS) {
    for (const guest of GUEST_WIDTHS) {
      for (const [label, config] of [['all on', ALL_ON], ['all off', ALL_OFF]] as const) {
        const seed = SMOKE_SEED + k++;
        out.push({ world: generateWorld(seed, { exit, guest, config }), label: `smoke world ${k} (${exit} exit, ${guest} guest, ${label}; generateWorld(${seed}))` });
      }
    }
  }
  return out;
}

function runDiagnostic(c: WorldComparison): { diagnostic?: Diagnostic } {
  const d = c.variant.failure ?? c.original.failure;
  return d !== undefined ? { diagnostic: d } : {};
}

// ------------------------------------------------------------------------------------------------

/** Original's runs by world, shared by every variant of one check (the same seed gives the same worlds). */
class OriginalRuns {
  private readonly runs = new Map<string, Observed>();
  constructor(readonly original: Variant, private readonly limit = 4096) {}

  get(world: World): Observed {
    const key = JSON.stringify(world, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(36) : v));
    let o = this.runs.get(key);
    if (o === undefined) {
      o = observe(this.original, world);
      if (this.runs.size >= this.limit) this.runs.clear();
      this.runs.set(key, o);
    }
    return o;
  }
}

const originalRuns = new WeakMap<Variant, OriginalRuns>();

export function loadOriginal(): Variant {
  return loadVariant(join(VARIANTS_DIR, 'original'));
}

/** The verdict on `variant` (compared with original), as the property tests and the deltas see it. */
export function checkVariant(variant: Variant, options: CheckOptions): Verdict {
  const started = performance.now();
  const original = options.original ?? loadOriginal();
  let cache = originalRuns.get(original);
  if (cache === undefined) originalRuns.set(original, (cache = new OriginalRuns(original)));
  const proposal = proposalOf(variant.name, options.proposals);
  const happened = new Map<Delta, number>(proposal.deltas.map((d) => [d, 0]));
  const compare = (world: World): WorldComparison => {
    const o = cache.get(world);
    const c = compareRuns(variant, original, world, variant === original ? o : observe(variant, world), o, proposal.deltas);
    const seen = new Set<Delta>();
    for (const d of c.allowed) if (d.kind === 'extra-region' || differsFromOriginal(c, d.name)) seen.add(d.delta!);
    for (const d of seen) happened.set(d, (happened.get(d) ?? 0) + 1);
    return c;
  };
  const explainFailure = (c: WorldComparison): Explanation => {
    const world = c.world;
    const v = observe(variant, world, true);
    const o = observe(original, world, true);
    return explain(c.failures[0]!, world, variant, original, v, o);
  };

  const properties: PropertyResult[] = [];
  const replayArgs = `${variant.dir === join(VARIANTS_DIR, variant.name) ? variant.name : variant.dir}`;

  // 1. Smoke (skipped when replaying a path: that names one random world).
  if (options.path === undefined && options.smoke !== false) {
    const t = performance.now();
    let runs = 0;
    let failure: CheckFailure | undefined;
    for (const { world, label } of smokeWorlds()) {
      runs++;
      const c = compare(world);
      if (c.failures.length > 0) {
        failure = {
          message: `${label}: ${c.failures.length} undeclared difference(s)`,
          replay: `hyplab run ${replayArgs} --seed ${world.seed} --exit ${world.config.exit} --guest ${world.config.guest}`,
          world,
          source: label,
          differences: c.failures,
          explanation: explainFailure(c),
          ...runDiagnostic(c),
        };
        break;
      }
    }
    properties.push({ name: 'smoke', holds: failure === undefined, runs, ms: performance.now() - t, ...(failure ? { failure } : {}) });
  }

  // 2. Random worlds, unless the smoke worlds already failed.
  if (properties.every((p) => p.holds)) {
    const t = performance.now();
    let runs = 0;
    let failing: WorldComparison | undefined;
    const arbitrary = fc.limitShrink(worldArbitrary(), options.shrinks ?? DEFAULT_SHRINKS);
    const property = fc.property(arbitrary, (world) => {
      runs++;
      const c = compare(world);
      if (c.failures.length > 0) {
        failing = c;
        return false;
      }
      return true;
    });
    let details: fc.RunDetails<[World]>;
    try {
      details = fc.check(property, { numRuns: options.runs, seed: options.seed, ...(options.path !== undefined ? { path: options.path } : {}) });
    } catch (e) {
      // fast-check refuses a path that is not one of this seed's runs (or of its shrinks).
      if (options.path !== undefined && e instanceof Error && /replay/i.test(e.message)) {
        fail('HL0903', `--path ${options.path} is not a run of seed ${options.seed} (${e.message.split('\n')[0]!.slice(0, 80)}); copy seed and path from the failure's replay line`, originOf('<command line>'));
      }
      throw e;
    }
    let failure: CheckFailure | undefined;
    if (details.failed) {
      const world = details.counterexample?.[0];
      // The last failing call of the predicate is the shrunk counterexample; compare it once more to be sure.
      const c = world !== undefined ? compare(world) : failing;
      if (c !== undefined && c.failures.length > 0) {
        failure = {
          message: `a random world (shrunk ${details.numShrinks} times): ${c.failures.length} undeclared difference(s)`,
          replay: `hyplab check ${replayArgs} --seed ${details.seed} --path ${details.counterexamplePath}`,
          world: c.world,
          source: `fast-check seed ${details.seed}, path ${details.counterexamplePath}`,
          differences: c.failures,
          explanation: explainFailure(c),
          ...runDiagnostic(c),
          shrinks: details.numShrinks,
        };
      } else {
        failure = { message: `the property failed: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`, replay: `hyplab check ${replayArgs} --seed ${details.seed} --path ${details.counterexamplePath}`, differences: [] };
      }
    }
    properties.push({ name: 'random worlds', holds: failure === undefined, runs: details.numRuns, ms: performance.now() - t, ...(failure ? { failure } : {}) });
  }

  // 3. Declared deltas: a `differs` or `extra-region` claim must happen in some run.
  const ran = properties.reduce((n, p) => n + p.runs, 0);
  const deltas: DeltaStatus[] = proposal.deltas.map((delta) => {
    const n = happened.get(delta) ?? 0;
    return { delta, happened: n, holds: delta.change === 'clobbered' || n > 0 };
  });
  const missing = deltas.filter((d) => !d.holds);
  const allHeld = properties.every((p) => p.holds);
  properties.push({
    name: 'declared deltas',
    // A failing world stops the runs early: a delta not seen then is not evidence against it.
    holds: missing.length === 0 || !allHeld,
    runs: ran,
    ms: 0,
    ...(missing.length > 0 && allHeld
      ? {
          failure: {
            message: missing.map((d) => `declared ${d.delta.change} delta ${d.delta.value} (${d.delta.file}:${d.delta.line}) did not happen in ${ran} worlds`).join('; '),
            differences: [],
          },
        }
      : {}),
  });

  return {
    variant: variant.name,
    dir: variant.dir,
    holds: properties.every((p) => p.holds),
    seed: options.seed,
    proposal,
    deltas,
    properties,
    deltasOver: ran,
    ms: performance.now() - started,
  };
}
