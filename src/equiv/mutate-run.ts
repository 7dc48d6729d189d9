// Running mutants through both checks: the symbolic proof (prove.ts) and the property tests
// (check-variant.ts, the same checks as `hyplab check`), each against variants/original with the
// variant's declared deltas. The proof calling a mutant non-equivalent while the property tests let
// it live makes it a survivor (listed with its seed); the proof calling it equivalent while the
// property tests kill it means the proof missed a path (with a reduced path set, one it did not run).

import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { AsmError, formatDiagnostic } from '../asm/diagnostics.ts';
import { asmConstants } from '../layout/asm-constants.ts';
import { loadVariant } from '../worldswitch/variant.ts';
import type { Variant } from '../worldswitch/variant.ts';
import { checkVariant } from './check-variant.ts';
import { proposalOf } from './deltas.ts';
import { applyMutant, enumerateMutants, slotFamilies, spread } from './mutate.ts';
import type { Mutant, MutationOperator } from './mutate.ts';
import { proveVariant } from './prove.ts';

/** The proof's reduced path set for mutants: GIC list-register counts at the edges and one between. */
export const FAST_NR_LR: readonly number[] = [1, 4, 64];

export interface MutateOptions {
  /** Property-test runs per mutant (random worlds, after the smoke worlds). */
  runs: number;
  seed: number;
  /** How many mutants, spread evenly over the enumeration (default: all). */
  limit?: number;
  operators?: readonly MutationOperator[];
  /** GIC nr_lr values the proof enumerates (default FAST_NR_LR; undefined in `fullPaths` = 1..64). */
  nrLr?: readonly number[];
  fullPaths?: boolean;
  /** Shrink steps for a killing world (default 0: the kill and its replay line are what counts). */
  shrinks?: number;
  /** The original to compare with. */
  original: Variant;
  /** Keep every mutant folder (default: keep only those of survivors and disagreements). */
  keep?: boolean;
  /** Called after each mutant. */
  onMutant?: (r: MutantResult, index: number, total: number) => void;
}

export type ProofStatus = 'equivalent' | 'non-equivalent' | 'undecided' | 'not run';

export interface MutantResult {
  mutant: Mutant;
  /** The mutant does not assemble or load: its diagnostic. */
  stillborn?: string;
  proof?: { status: ProofStatus; summary: string; ms: number };
  property?: { killed: boolean; by?: string; replay?: string; value?: string; ms: number };
  /** agree, survivor (proof non-equivalent, tests pass), proof-missed (proof equivalent, tests kill), crashed. */
  outcome: 'stillborn' | 'agree' | 'survivor' | 'proof-missed' | 'crashed';
  error?: string;
  /** The mutant's folder, when kept. */
  dir?: string;
}

export interface MutationReport {
  variant: string;
  seed: number;
  runs: number;
  /** What the proof enumerated. */
  paths: string;
  enumerated: number;
  results: MutantResult[];
  ms: number;
  workDir: string;
}

/** The variant folder's files a mutant copies (hyp.S is rewritten). */
function variantFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
}

export function mutantsOf(variantDir: string, operators?: readonly MutationOperator[]): Mutant[] {
  const source = readFileSync(join(variantDir, 'hyp.S'), 'utf8');
  const families = slotFamilies(asmConstants(join(variantDir, 'layout.ts')).defines);
  return enumerateMutants(source, 'hyp.S', families, operators !== undefined ? { operators } : {});
}

/** Writes the mutant as a variant folder named like the variant (so its proposal's deltas apply). */
export function writeMutant(variantDir: string, mutant: Mutant, workDir: string): string {
  const dir = join(workDir, mutant.id, basename(variantDir));
  mkdirSync(dir, { recursive: true });
  for (const f of variantFiles(variantDir)) cpSync(join(variantDir, f), join(dir, f));
  writeFileSync(join(dir, 'hyp.S'), applyMutant(readFileSync(join(variantDir, 'hyp.S'), 'utf8'), mutant));
  return dir;
}

function proofStatus(verdict: 'proved' | 'refuted' | 'undecided'): ProofStatus {
  return verdict === 'proved' ? 'equivalent' : verdict === 'refuted' ? 'non-equivalent' : 'undecided';
}

export function evaluateMutant(variantDir: string, mutant: Mutant, workDir: string, options: MutateOptions): MutantResult {
  const dir = writeMutant(variantDir, mutant, workDir);
  const name = basename(variantDir);
  const proposal = proposalOf(name);
  let variant: Variant;
  try {
    variant = loadVariant(dir);
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    rmSync(join(workDir, mutant.id), { recursive: true, force: true });
    return { mutant, stillborn: e.diagnostics.map(formatDiagnostic)[0]?.split('\n')[0] ?? 'does not assemble', outcome: 'stillborn' };
  }
  const result: MutantResult = { mutant, outcome: 'agree' };
  try {
    const t = performance.now();
    try {
      const nrLr = options.fullPaths ? undefined : (options.nrLr ?? FAST_NR_LR);
      const p = proveVariant(dir, { originalDir: options.original.dir, deltas: proposal.deltas, ...(nrLr !== undefined ? { nrLr } : {}) });
      result.proof = { status: proofStatus(p.verdict), summary: p.summary, ms: performance.now() - t };
    } catch (e) {
      result.proof = { status: 'not run', summary: `the prover stopped: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, ms: performance.now() - t };
    }
    const u = performance.now();
    const verdict = checkVariant(variant, { runs: options.runs, seed: options.seed, original: options.original, shrinks: options.shrinks ?? 0 });
    const failed = verdict.properties.find((p) => !p.holds);
    result.property = {
      killed: !verdict.holds,
      ms: performance.now() - u,
      ...(failed !== undefined ? { by: failed.name } : {}),
      ...(failed?.failure?.replay !== undefined ? { replay: failed.failure.replay } : {}),
      ...(failed?.failure?.differences[0] !== undefined ? { value: failed.failure.differences[0].name } : {}),
    };
    const proofSays = result.proof.status;
    if (proofSays === 'non-equivalent' && !result.property.killed) result.outcome = 'survivor';
    else if (proofSays === 'equivalent' && result.property.killed) result.outcome = 'proof-missed';
  } catch (e) {
    result.outcome = 'crashed';
    result.error = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
  }
  if (options.keep || result.outcome === 'survivor' || result.outcome === 'proof-missed' || result.outcome === 'crashed') result.dir = dir;
  else rmSync(join(workDir, mutant.id), { recursive: true, force: true });
  return result;
}

export function mutateVariant(variantDir: string, options: MutateOptions): MutationReport {
  const started = performance.now();
  const dir = resolve(variantDir);
  const all = mutantsOf(dir);
  const chosen = spread(options.operators === undefined ? all : all.filter((m) => options.operators!.includes(m.operator)), options.limit);
  const workDir = mkdtempSync(join(tmpdir(), `hyplab-mutants-${basename(dir)}-`));
  const results: MutantResult[] = [];
  for (const [k, m] of chosen.entries()) {
    const r = evaluateMutant(dir, m, workDir, options);
    results.push(r);
    options.onMutant?.(r, k, chosen.length);
  }
  if (!results.some((r) => r.dir !== undefined)) rmSync(workDir, { recursive: true, force: true });
  return {
    variant: basename(dir),
    seed: options.seed,
    runs: options.runs,
    paths: options.fullPaths ? 'every GIC nr_lr 1..64' : `reduced: GIC nr_lr in {${(options.nrLr ?? FAST_NR_LR).join(', ')}} (and GIC absent)`,
    enumerated: all.length,
    results,
    ms: performance.now() - started,
    workDir,
  };
}

export interface KillRates {
  total: number;
  stillborn: number;
  /** Mutants that loaded (the denominator of the rates). */
  live: number;
  proofDetected: number;
  propertyKilled: number;
  equivalent: number;
  undecided: number;
  survivors: number;
  proofMissed: number;
  crashed: number;
}

export function killRates(results: readonly MutantResult[]): KillRates {
  const live = results.filter((r) => r.outcome !== 'stillborn');
  return {
    total: results.length,
    stillborn: results.length - live.length,
    live: live.length,
    proofDetected: live.filter((r) => r.proof?.status === 'non-equivalent').length,
    propertyKilled: live.filter((r) => r.property?.killed === true).length,
    equivalent: live.filter((r) => r.proof?.status === 'equivalent').length,
    undecided: live.filter((r) => r.proof?.status === 'undecided' || r.proof?.status === 'not run').length,
    survivors: live.filter((r) => r.outcome === 'survivor').length,
    proofMissed: live.filter((r) => r.outcome === 'proof-missed').length,
    crashed: live.filter((r) => r.outcome === 'crashed').length,
  };
}

/** Whether the proof and the property tests agree on every mutant. */
export function agrees(report: MutationReport): boolean {
  return report.results.every((r) => r.outcome === 'agree' || r.outcome === 'stillborn');
}
