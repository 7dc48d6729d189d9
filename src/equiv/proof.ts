// The symbolic proof as one more part of a verdict. `proveVariant` lives in src/equiv/prove.ts (the
// symbolic domain's engineer writes it); until that module exists a verdict says so honestly:
// "proof: not run (not available)". Nothing here claims a proof the prover did not give.

import { pathToFileURL } from 'node:url';
import type { Variant } from '../worldswitch/variant.ts';

export interface ProofSummary {
  status: 'proved' | 'failed' | 'not run';
  /** One line for the report: "proved on N paths in T ms", a counterexample, or why it did not run. */
  text: string;
  paths?: number;
  ms?: number;
}

const PROVER = new URL('./prove.ts', import.meta.url);

/** What the prover returns, read loosely: its module is written in parallel with this one. */
interface ProverResult {
  holds?: boolean;
  proved?: boolean;
  equivalent?: boolean;
  paths?: number | unknown[];
  ms?: number;
  summary?: string;
  message?: string;
}

export async function runProof(variant: Variant, original: Variant, skip: boolean): Promise<ProofSummary> {
  if (skip) return { status: 'not run', text: 'not run (--no-prove)' };
  let prover: { proveVariant?: (v: Variant, o: Variant) => unknown };
  try {
    prover = (await import(pathToFileURL(PROVER.pathname).href)) as typeof prover;
  } catch (e) {
    const missing = e instanceof Error && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(`${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`);
    return { status: 'not run', text: missing ? 'not run (not available: src/equiv/prove.ts does not exist yet)' : `not run (the prover failed to load: ${e instanceof Error ? e.message : String(e)})` };
  }
  if (typeof prover.proveVariant !== 'function') return { status: 'not run', text: 'not run (not available: src/equiv/prove.ts exports no proveVariant)' };
  const started = performance.now();
  const r = (await prover.proveVariant(variant, original)) as ProverResult;
  const ms = r.ms ?? performance.now() - started;
  const holds = r.holds ?? r.proved ?? r.equivalent;
  const paths = Array.isArray(r.paths) ? r.paths.length : r.paths;
  const text = r.summary ?? r.message ?? (holds ? `proved on ${paths ?? '?'} paths in ${Math.round(ms)} ms` : 'not proved');
  // Undecided (terms normalisation cannot settle): not a proof, and not a counterexample either.
  const status = holds === true ? 'proved' : holds === false ? 'failed' : 'not run';
  return { status, text, ...(paths !== undefined ? { paths } : {}), ms };
}
