// The symbolic proof (src/equiv/prove.ts) as one more part of a verdict, with the same declared deltas
// as the property tests. Its verdict is reported as the prover gives it: "proved on N paths in T ms",
// refuted (with the prover's differences), or undecided (a fall-back to the property tests, never
// a claimed proof).

import type { Variant } from '../worldswitch/variant.ts';
import type { Delta } from './deltas.ts';
import { proveVariant } from './prove.ts';
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

export function runProof(variant: Variant, original: Variant, deltas: readonly Delta[], skip: boolean): ProofSummary {
  if (skip) return { status: 'not run', text: 'not run (--no-prove)' };
  let r: ProofResult;
  try {
    r = proveVariant(variant.dir, { originalDir: original.dir, deltas: deltas.map(({ value, change, why }) => ({ value, change, why })) });
  } catch (e) {
    return { status: 'not run', text: `not run (the prover stopped: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
  return { status: r.verdict, text: r.summary, paths: r.paths, ms: r.ms, coverage: r.coverage, ...(r.verdict === 'refuted' ? { differences: r.differences } : {}) };
}
