// The symbolic proof (src/equiv/prove.ts) as one more part of a verdict, with the same declared deltas
// as the property tests. Its verdict is reported as the prover gives it: "proved on N paths in T ms",
// refuted (with the prover's differences), or undecided (a fall-back to the property tests, never
// a claimed proof).

import type { Variant } from '../worldswitch/variant.ts';
import type { Delta } from './deltas.ts';
import { QUICK_NR_LR, proveVariant } from './prove.ts';
import type { ProofResult } from './prove.ts';

export interface ProofSummary {
  status: 'proved' | 'refuted' | 'undecided' | 'not run';
  /** One line for the report: the prover's summary, or why it did not run. */
  text: string;
  paths?: number;
  ms?: number;
  /** What the proof's paths fixed (the prover's coverage line). */
  coverage?: string;
  /** The prover's differences, for a refutation. */
  differences?: ProofResult['differences'];
}

/** Which proof: every GIC list-register count (full), the loops' edges (quick, QUICK_NR_LR), or none. */
export type ProofMode = 'full' | 'quick' | 'none';
export const PROOF_MODES: readonly ProofMode[] = ['quick', 'full', 'none'];

export function runProof(variant: Variant, original: Variant, deltas: readonly Delta[], mode: ProofMode): ProofSummary {
  if (mode === 'none') return { status: 'not run', text: 'not run (--proof none)' };
  let r: ProofResult;
  try {
    const nrLr = mode === 'quick' ? { nrLr: QUICK_NR_LR } : {};
    r = proveVariant(variant.dir, { originalDir: original.dir, deltas, ...nrLr });
  } catch (e) {
    return { status: 'not run', text: `not run (the prover stopped: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
  const text = mode === 'quick' && r.verdict === 'proved' ? `${r.summary} (quick: --proof full enumerates every nr_lr 1..64)` : r.summary;
  return { status: r.verdict, text, paths: r.paths, ms: r.ms, coverage: r.coverage, ...(r.verdict === 'refuted' ? { differences: r.differences } : {}) };
}
