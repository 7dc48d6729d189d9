// Decoding: a 32-bit word to the table entry that encodes it, its fields and typed operands.

import type { Decoded, InsnEntry, OperandValue } from './entry.ts';
import { BASE_ENTRIES, ALIASES_OF } from './table/index.ts';
import { extractFields, matchesPattern } from './pattern.ts';
import type { Fields } from './pattern.ts';

/** The operands of `entry` for `word`, or undefined when the word is not an instance of the entry
 *  (pattern, `when` constraint, or an operand that rejects its fields). */
export function decodeAs(entry: InsnEntry, word: number): { fields: Fields; operands: OperandValue[] } | undefined {
  if (!matchesPattern(word, entry.compiled)) return undefined;
  const fields = extractFields(word, entry.compiled);
  if (entry.when && !entry.when(fields)) return undefined;
  const operands: OperandValue[] = [];
  for (const spec of entry.operands) {
    const value = spec.decode(fields);
    if (value === undefined) return undefined;
    operands.push(value);
  }
  return { fields, operands };
}

// The entries that can match a word, by its top 11 bits (built on first use): decode then tries a
// handful of entries instead of the whole table.
const BUCKET_SHIFT = 21;
const buckets = new Map<number, readonly InsnEntry[]>();

function candidates(word: number): readonly InsnEntry[] {
  const key = word >>> BUCKET_SHIFT;
  let list = buckets.get(key);
  if (list === undefined) {
    const top = (key << BUCKET_SHIFT) >>> 0;
    const topMask = (0x7ff << BUCKET_SHIFT) >>> 0;
    list = BASE_ENTRIES.filter((e) => ((top ^ e.compiled.bits) & e.compiled.mask & topMask) === 0);
    buckets.set(key, list);
  }
  return list;
}

/** Decodes `word` to its base encoding (aliases are a matter of printing; see disassemble.ts). */
export function decode(word: number): Decoded | undefined {
  const w = word >>> 0;
  for (const entry of candidates(w)) {
    const d = decodeAs(entry, w);
    if (d) return { entry, ...d };
  }
  return undefined;
}

/** The entry objdump prints for a decoded word: its first preferred alias, else the base itself. */
export function preferredForm(d: Decoded, word: number): Decoded {
  for (const alias of ALIASES_OF.get(d.entry.id) ?? []) {
    const a = decodeAs(alias, word >>> 0);
    if (a && (alias.prefer === undefined || alias.prefer(a.fields))) return { entry: alias, ...a };
  }
  return d;
}
