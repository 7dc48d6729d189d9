// The semantics registry: entry id -> the function that compiles a decoded instruction of that entry.
// Every base entry of the instruction table has one (test/a64/semantics-coverage.test.ts checks it).

import type { Decoded } from '../entry.ts';
import { DATA_PROCESSING } from './data-processing.ts';
import { BRANCHES } from './branches.ts';
import { EXCEPTIONS } from './exceptions.ts';
import { SYSTEM } from './system.ts';
import { loadStoreSemantics } from './loads-stores.ts';
import type { CompileEnv, Exec, Semantics } from './types.ts';
import { withTraps } from '../../machine/traps.ts';

const BY_ID = new Map<string, Semantics>([...DATA_PROCESSING, ...BRANCHES, ...EXCEPTIONS, ...SYSTEM]);

/** The semantics of an entry id, or undefined when the core has none. */
export function semanticsOf(id: string): Semantics | undefined {
  return BY_ID.get(id) ?? loadStoreSemantics(id);
}

/** Compiles one decoded instruction at `env.address`; undefined when the entry has no semantics. */
export function compileInstruction<V>(d: Decoded, env: CompileEnv<V>): Exec<V> | undefined {
  const exec = semanticsOf(d.entry.id)?.(d, env);
  // Instructions a higher EL's controls can trap (HCR_EL2.TVM, CPTR_EL2.TFP, ...) check them first.
  return exec === undefined ? undefined : withTraps(d, env.address, exec);
}

export type { CompileEnv, Exec, Semantics } from './types.ts';
