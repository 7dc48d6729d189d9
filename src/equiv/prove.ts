// The proof: a variant and `original` run the world switch on the same symbolic world, path by path.
// A path is a configuration (exit kind, guest width and mode, timer, GIC and its number of list
// registers, PAR_EL1.F of the `at` walk) plus the answers to every decision the core asks on a
// symbolic condition, shared by both runs (one answer per condition term). Per path, every observed
// value of both runs is compared term by term (terms are interned and normalised, so equal data
// movement gives the identical term), and against the specification.
//
// A difference is refuted by a counterexample: values for the symbols under which the two terms
// differ (and the path's decisions hold), confirmed by concrete runs of both variants on the world
// those values make. Where no assignment separates the terms, the verdict is "undecided": the property
// tests decide, the proof claims nothing.

import { join, resolve } from 'node:path';
import type { Observation } from '../worldswitch/observations.ts';
import { observationsOf, runWorldSwitch } from '../worldswitch/scenario.ts';
import type { WorldSwitchRun } from '../worldswitch/scenario.ts';
import { CODE_ADDRESSES, expectedObservations, specificationContext } from '../worldswitch/specification.ts';
import type { SpecificationContext } from '../worldswitch/specification.ts';
import { loadVariant, VARIANTS_DIR } from '../worldswitch/variant.ts';
import type { Variant } from '../worldswitch/variant.ts';
import { EXIT_KINDS, GUEST_WIDTHS, Random } from '../worldswitch/world.ts';
import type { World, WorldConfig } from '../worldswitch/world.ts';
import { AARCH32_GUEST_MODES, AARCH64_GUEST_MODES, PROOF_PLACEMENT, concreteWorld, symbolicBackend, symbolicWorld } from './symbolic-world.ts';
import type { ProofPath } from './symbolic-world.ts';
import { evaluate, show, symbolicDomain, symbolsOf } from './symbolic.ts';
import { deltaFor, proposalOf } from './deltas.ts';
import type { DeclaredDelta } from './deltas.ts';
import type { Term } from './symbolic.ts';

export interface ProveOptions {
  /** The variant compared with (default: variants/original). */
  originalDir?: string;
  /** GIC list-register counts enumerated (default: every count 1..64). */
  nrLr?: readonly number[];
  /** Enumerate every guest mode at entry and at exit (default: EL1h / svc only). */
  allModes?: boolean;
  /** Only these exit kinds / guest widths (default: all). */
  exits?: readonly WorldConfig['exit'][];
  guests?: readonly WorldConfig['guest'][];
  /** Decision paths explored per configuration before giving up (default 256). */
  maxDecisionPaths?: number;
  /** Declared deltas (default: read from proposals/ for the variant's name). */
  deltas?: readonly DeclaredDelta[];
  /** Stop at the first path with a difference (default true). */
  stopAtFirst?: boolean;
}

export interface Counterexample {
  /** Values of the symbols the differing terms mention (others 0). */
  assignment: Record<string, bigint>;
  original: bigint;
  variant: bigint;
  /** Whether concrete runs of both variants on the world these values make differ in this value too. */
  confirmed: boolean;
  /** The concrete world (for replay with runWorldSwitch). */
  world: World<bigint>;
}

export interface ProofDifference {
  /** The observed value (`host-return.x21`, `vcpu.sys_regs[TTBR0_EL1]`), or `run` for a failed run, or `delta:<value>`. */
  value: string;
  /** Against whom: pairwise with original, or the specification. */
  against: 'original' | 'specification';
  /** The terms, as text. */
  original: string;
  variant: string;
  /** The path it was found on. */
  path: string;
  counterexample?: Counterexample;
}

export interface ProofResult {
  variant: string;
  verdict: 'proved' | 'refuted' | 'undecided';
  paths: number;
  ms: number;
  differences: ProofDifference[];
  /** What the paths fixed: printed with the verdict. */
  coverage: string;
  /** One line: "proved on N paths in T ms", or what differs. */
  summary: string;
}

const S = symbolicDomain;

/**
 * The GIC list-register counts of a quick proof: the save/restore loops' edges (one register, a pair,
 * an odd count past it), the count common hardware has (4) and the architecture's maximum (64). A full
 * proof enumerates every count 1..64 (ten times the paths).
 */
export const QUICK_NR_LR: readonly number[] = [1, 2, 3, 4, 64];


// ------------------------------------------------------------------------------------------------
// Paths

function configurations(o: ProveOptions): ProofPath[] {
  const nrLrs = o.nrLr ?? Array.from({ length: 64 }, (_, n) => n + 1);
  const out: ProofPath[] = [];
  for (const guest of o.guests ?? GUEST_WIDTHS) {
    const modes = guest === 'aarch64' ? AARCH64_GUEST_MODES : AARCH32_GUEST_MODES;
    const modePairs = o.allModes ? modes.flatMap((a) => modes.map((b) => [a, b] as const)) : [[modes[0]!, modes[0]!] as const];
    for (const exit of o.exits ?? EXIT_KINDS)
      for (const parFault of exit === 'perm' ? [false, true] : [false])
        for (const timerEnabled of [false, true])
          for (const gic of [{ present: false, nrLr: 4 }, ...nrLrs.map((nrLr) => ({ present: true, nrLr }))])
            for (const [entryMode, exitMode] of modePairs) out.push({ config: { exit, guest, timerEnabled, gic, parFault }, entryMode, exitMode });
  }
  return out;
}

function describePath(p: ProofPath, decisions: readonly [Term, boolean][]): string {
  const c = p.config;
  const gic = c.gic.present ? `gic nr_lr=${c.gic.nrLr}` : 'no gic';
  const d = decisions.map(([t, b]) => `${b ? '' : '!'}${show(t)}`).join(', ');
  return `${c.exit}${c.parFault ? ' (PAR_EL1.F)' : c.exit === 'perm' ? ' (walk ok)' : ''}, ${c.guest} M=0x${p.entryMode.toString(16)}->0x${p.exitMode.toString(16)}, timer ${c.timerEnabled ? 'on' : 'off'}, ${gic}${d ? `; ${d}` : ''}`;
}

/** Too many decisions on one configuration: the proof stops and says so. */
class PathExplosion extends Error {}

/**
 * Runs `body` once per decision path: the oracle answers the recorded prefix, then `false` for new
 * conditions (queueing the `true` branch). One answer per condition term: both runs of a path agree.
 */
function forEachDecisionPath(max: number, body: (decisions: [Term, boolean][]) => void): number {
  const pending: boolean[][] = [[]];
  let count = 0;
  while (pending.length > 0) {
    if (count >= max) throw new PathExplosion(`more than ${max} decision paths`);
    const prefix = pending.pop()!;
    const decisions: [Term, boolean][] = [];
    const answers = new Map<number, boolean>();
    let index = 0;
    S.oracle = (cond) => {
      const known = answers.get(cond.id);
      if (known !== undefined) return known;
      let answer: boolean;
      if (index < prefix.length) answer = prefix[index]!;
      else {
        answer = false;
        pending.push([...decisions.map(([, b]) => b), true]);
      }
      index++;
      answers.set(cond.id, answer);
      decisions.push([cond, answer]);
      return answer;
    };
    try {
      body(decisions);
    } finally {
      S.oracle = undefined;
    }
    count++;
  }
  return count;
}

// ------------------------------------------------------------------------------------------------
// Comparing

/** Values compared at one width (a u32 field and the 64-bit register it came from are the same number). */
function wide(t: Term): Term {
  return t.width === 128 ? t : S.zeroExtend(t, t.width, 128);
}

/** A code address as the name of what it points to in its own image (images differ in size). */
function relocated(name: string, t: Term, context: SpecificationContext): Term {
  const key = CODE_ADDRESSES[name];
  if (key === undefined || t.kind !== 'const' || t.value !== context[key]) return wide(t);
  return S.constant(BigInt(Object.keys(CODE_ADDRESSES).indexOf(name) + 1), 128);
}

function expected(world: World<Term>, context: SpecificationContext): Observation<Term> {
  return expectedObservations(world, context, world.config.exit === 'perm' && world.config.parFault, S);
}

interface PathRun {
  world: World<Term>;
  original: WorldSwitchRun<Term>;
  variant: WorldSwitchRun<Term>;
  decisions: [Term, boolean][];
  path: string;
}

function compare(r: PathRun, variant: Variant, original: Variant, deltas: readonly DeclaredDelta[]): ProofDifference[] {
  const out: ProofDifference[] = [];
  const ctxO = specificationContext(original);
  const ctxV = specificationContext(variant);
  for (const [who, run] of [['original', r.original], ['variant', r.variant]] as const) {
    if (run.failure !== undefined) out.push({ value: 'run', against: 'specification', original: who === 'original' ? `${run.failure.code} ${run.failure.message}` : '', variant: who === 'variant' ? `${run.failure.code} ${run.failure.message}` : '', path: r.path });
    for (const w of run.strayWrites) out.push({ value: `frame.0x${w.address.toString(16)}`, against: 'specification', original: who === 'original' ? 'stray write' : '', variant: who === 'variant' ? `stray ${w.bytes}-byte write at pc 0x${w.pc.toString(16)}` : '', path: r.path });
  }
  if (out.length > 0) return out;
  const o = observationsOf(r.original);
  const v = observationsOf(r.variant);
  const names = new Set([...Object.keys(o), ...Object.keys(v)]);
  for (const name of names) {
    const delta = deltaFor(deltas, name, 'value');
    const a = o[name] === undefined ? undefined : relocated(name, o[name]!, ctxO);
    const b = v[name] === undefined ? undefined : relocated(name, v[name]!, ctxV);
    const same = a === b;
    if (delta?.change === 'clobbered') continue;
    if (delta?.change === 'differs') {
      if (same) out.push({ value: `delta:${name}`, against: 'original', original: show(a!), variant: `${show(b!)} (declared to differ)`, path: r.path });
      continue;
    }
    if (!same) out.push({ value: name, against: 'original', original: a === undefined ? '(not observed)' : show(a), variant: b === undefined ? '(not observed)' : show(b), path: r.path });
  }
  // Against the specification: the variant's own observations (original's are checked by its own proof).
  const spec = expected(r.world, ctxV);
  for (const [name, e] of Object.entries(spec)) {
    if (deltaFor(deltas, name, 'value') !== undefined) continue;
    const got = v[name];
    if (got === undefined || wide(got) !== wide(e)) out.push({ value: name, against: 'specification', original: show(wide(e)), variant: got === undefined ? '(not observed)' : show(wide(got)), path: r.path });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Counterexamples

/** Values for the symbols of `a` and `b` under which they differ and the path's decisions hold. */
function separate(a: Term, b: Term, decisions: readonly [Term, boolean][], tries = 64): Map<string, bigint> | undefined {
  const symbols = symbolsOf(a);
  symbolsOf(b, symbols);
  const r = new Random(0x5eed);
  const fill = (make: (width: number) => bigint): Map<string, bigint> => new Map([...symbols].map(([n, w]) => [n, make(w)]));
  const candidates = [() => fill(() => 0n), () => fill((w) => (1n << BigInt(w)) - 1n), ...Array.from({ length: tries }, () => () => fill((w) => r.bits(w)))];
  for (const make of candidates) {
    const env = make();
    if (!decisions.every(([c, want]) => (evaluate(c, env) === 1n) === want)) continue;
    if (evaluate(a, env) !== evaluate(b, env)) return env;
  }
  return undefined;
}

function counterexample(d: ProofDifference, r: PathRun, variant: Variant, original: Variant): Counterexample | undefined {
  const o = observationsOf(r.original);
  const v = observationsOf(r.variant);
  const spec = d.against === 'specification' ? expected(r.world, specificationContext(variant)) : undefined;
  const a = spec !== undefined ? spec[d.value] : o[d.value];
  const b = v[d.value];
  if (a === undefined || b === undefined) return undefined;
  const env = separate(wide(a), wide(b), r.decisions);
  if (env === undefined) return undefined;
  const world = concreteWorld(r.world, env);
  // Confirm on the concrete core: both variants on the world these values make.
  const co = runWorldSwitch(original, world);
  const cv = runWorldSwitch(variant, world);
  const valueOf = (run: WorldSwitchRun): bigint | undefined => observationsOf(run)[d.value];
  const x = spec !== undefined ? evaluate(a, env) : valueOf(co);
  const y = valueOf(cv);
  const key = CODE_ADDRESSES[d.value];
  const confirmed = x !== undefined && y !== undefined && (key === undefined ? x !== y : x - specificationContext(original)[key] !== y - specificationContext(variant)[key]);
  const assignment: Record<string, bigint> = {};
  for (const [n, value] of env) assignment[n] = value;
  return { assignment, original: x ?? evaluate(a, env), variant: y ?? evaluate(b, env), confirmed, world };
}

// ------------------------------------------------------------------------------------------------
// The proof

/**
 * `original`'s run on each configuration where it asked no decision, by configuration: every proof
 * in one process (hyplab check and report prove each variant against original) runs it once.
 * Keyed by the loaded variant, which loadVariant gives again only for the same content.
 */
const ORIGINAL_RUNS = new WeakMap<Variant, Map<string, { world: World<Term>; run: WorldSwitchRun<Term> }>>();

function runsOf(original: Variant): Map<string, { world: World<Term>; run: WorldSwitchRun<Term> }> {
  let runs = ORIGINAL_RUNS.get(original);
  if (runs === undefined) ORIGINAL_RUNS.set(original, (runs = new Map()));
  return runs;
}

export function proveVariant(variantDir: string, options: ProveOptions = {}): ProofResult {
  const started = performance.now();
  const variant = loadVariant(resolve(variantDir));
  const original = loadVariant(options.originalDir ?? join(VARIANTS_DIR, 'original'));
  const deltas = options.deltas ?? proposalOf(variant.name).deltas;
  const backendO = symbolicBackend(original);
  const backendV = symbolicBackend(variant);
  const differences: ProofDifference[] = [];
  const stopAtFirst = options.stopAtFirst ?? true;
  let paths = 0;
  let exploded: string | undefined;
  const configs = configurations(options);
  const originalRuns = runsOf(original);
  for (let i = 0; i < configs.length; i++) {
    const path = configs[i]!;
    let translated = false;
    const key = describePath(path, []);
    const cached = originalRuns.get(key);
    const world = cached?.world ?? symbolicWorld(path);
    try {
      paths += forEachDecisionPath(options.maxDecisionPaths ?? 256, (decisions) => {
        const originalRun = cached?.run ?? runWorldSwitch(original, world, { backend: backendO });
        // A run that decided nothing is the same whatever the oracle answers: later proofs reuse it.
        if (cached === undefined && decisions.length === 0) originalRuns.set(key, { world, run: { ...originalRun, machine: undefined } });
        const variantRun = runWorldSwitch(variant, world, { backend: backendV });
        translated ||= originalRun.translations > 0 || variantRun.translations > 0;
        const r: PathRun = { world, original: originalRun, variant: variantRun, decisions, path: '' };
        r.path = describePath(path, decisions);
        for (const d of compare(r, variant, original, deltas)) {
          if (d.value !== 'run' && !d.value.startsWith('frame.') && !d.value.startsWith('delta:')) {
            const c = counterexample(d, r, variant, original);
            if (c !== undefined) d.counterexample = c;
          }
          differences.push(d);
        }
      });
    } catch (e) {
      if (!(e instanceof PathExplosion)) throw e;
      exploded = `${describePath(path, [])}: ${e.message}`;
      break;
    }
    if (stopAtFirst && differences.length > 0) break;
    // A run that asked for an address translation where the configuration did not enumerate the walk's
    // outcome (any exit but perm): explore the failed walk (PAR_EL1.F = 1) on this path too.
    if (translated && !path.config.parFault && path.config.exit !== 'perm') configs.push({ ...path, config: { ...path.config, parFault: true } });
  }
  const ms = Math.round(performance.now() - started);
  const coverage = `${configs.length} configurations (exit x guest width x timer x GIC absent or nr_lr in ${rangeText(options.nrLr)} x PAR_EL1.F for perm and wherever HYP ran at${options.allModes ? ' x every guest mode at entry and exit' : '; guest mode EL1h / svc'}); placement fixed (vcpu 0x${PROOF_PLACEMENT.vcpu.toString(16)}, hyp stack top 0x${PROOF_PLACEMENT.hypStackTop.toString(16)})`;
  const refuted = differences.some((d) => d.value === 'run' || d.value.startsWith('frame.') || d.value.startsWith('delta:') || d.counterexample !== undefined);
  const verdict: ProofResult['verdict'] = differences.length === 0 && exploded === undefined ? 'proved' : refuted ? 'refuted' : 'undecided';
  const summary =
    verdict === 'proved'
      ? `proved on ${paths} paths in ${ms} ms`
      : verdict === 'refuted'
        ? `refuted: ${differences[0]!.value} differs from ${differences[0]!.against} (${differences[0]!.path})`
        : exploded !== undefined
          ? `undecided: ${exploded}; fall back to property tests`
          : `undecided: ${differences.length} value(s) whose terms differ but no assignment separates them (${differences[0]!.value}); fall back to property tests`;
  return { variant: variant.name, verdict, paths, ms, differences, coverage, summary };
}

function rangeText(nrLr: readonly number[] | undefined): string {
  if (nrLr === undefined) return '1..64';
  return `{${nrLr.join(', ')}}`;
}
