// The instruction table: every family's entries, compiled once, with the indexes the assembler
// (by mnemonic) and the decoder (by id, by alias) use. A new family file is added here.

import type { EntrySpec, InsnEntry } from '../entry.ts';
import { compilePattern } from '../pattern.ts';
import { dataProcessing } from './data-processing.ts';
import { branches } from './branches.ts';
import { system } from './system.ts';
import { loadsStores } from './loads-stores.ts';
import { systemRegisters } from './system-registers.ts';

/** Family name -> entries, in the order assembly tries them. */
export const FAMILIES: Readonly<Record<string, readonly EntrySpec[]>> = {
  'data-processing': dataProcessing,
  branches,
  system,
  'loads-stores': loadsStores,
  'system-registers': systemRegisters,
};

function compileEntries(): InsnEntry[] {
  const out: InsnEntry[] = [];
  const seen = new Set<string>();
  for (const [family, specs] of Object.entries(FAMILIES)) {
    for (const spec of specs) {
      if (seen.has(spec.id)) throw new Error(`duplicate instruction table id '${spec.id}'`);
      seen.add(spec.id);
      out.push({ ...spec, family, compiled: compilePattern(spec.pattern) });
    }
  }
  for (const e of out) {
    if (e.aliasOf !== undefined && !seen.has(e.aliasOf)) throw new Error(`alias '${e.id}' of unknown id '${e.aliasOf}'`);
  }
  return out;
}

export const ENTRIES: readonly InsnEntry[] = compileEntries();

export const ENTRY_BY_ID: ReadonlyMap<string, InsnEntry> = new Map(ENTRIES.map((e) => [e.id, e]));

/** Lower-case mnemonic -> its forms in table order (`b.<cond>` is filed under that template). */
export const ENTRIES_BY_MNEMONIC: ReadonlyMap<string, readonly InsnEntry[]> = (() => {
  const map = new Map<string, InsnEntry[]>();
  for (const e of ENTRIES) {
    const list = map.get(e.mnemonic) ?? [];
    list.push(e);
    map.set(e.mnemonic, list);
  }
  return map;
})();

/** Base encodings (not aliases), for decode. */
export const BASE_ENTRIES: readonly InsnEntry[] = ENTRIES.filter((e) => e.aliasOf === undefined);

/** Base id -> its aliases in table order, for disassembly. */
export const ALIASES_OF: ReadonlyMap<string, readonly InsnEntry[]> = (() => {
  const map = new Map<string, InsnEntry[]>();
  for (const e of ENTRIES) {
    if (e.aliasOf === undefined) continue;
    const list = map.get(e.aliasOf) ?? [];
    list.push(e);
    map.set(e.aliasOf, list);
  }
  return map;
})();
