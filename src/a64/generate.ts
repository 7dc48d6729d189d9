// Random valid instructions from the table: pick an entry, draw a value for each operand from its
// kind, encode through the same functions the assembler uses, and keep the draws that decode back
// to that entry. Each result carries the word and source text that GNU as assembles to that word.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { AsmContext } from './context.ts';
import type { InsnEntry, OperandEnv, OperandValue } from './entry.ts';
import { ENTRIES } from './table/index.ts';
import { fixedFields, insertFields } from './pattern.ts';
import type { Fields } from './pattern.ts';
import { decode, decodeAs } from './decode.ts';
import { formatDecoded } from './disassemble.ts';

export interface GeneratedInstruction {
  word: number;
  /** Source text for the entry's own syntax (an alias entry gives alias text), targets as `.+0x..`. */
  text: string;
  entry: InsnEntry;
}

export interface GenerateFilter {
  families?: readonly string[];
  ids?: readonly string[];
  /** The address the texts are meant for (PC-relative targets are written relative to it). */
  address?: bigint;
}

/** The entries a filter selects, without those that say why they are not generated. */
export function generatableEntries(filter: GenerateFilter = {}): InsnEntry[] {
  return ENTRIES.filter(
    (e) =>
      e.noGenerate === undefined &&
      (filter.families === undefined || filter.families.includes(e.family)) &&
      (filter.ids === undefined || filter.ids.includes(e.id)),
  );
}

const GENERATION_ENV: OperandEnv = {
  get ctx(): AsmContext {
    throw new Error('generation does not parse text');
  },
  evaluate: () => {
    throw new Error('generation does not parse text');
  },
  registerName: () => undefined,
  pc: 0n,
};

/** Encodes drawn operand values with `entry`; undefined when the draw is not a valid instance. */
export function encodeValues(entry: InsnEntry, values: readonly OperandValue[], free: Fields): number | undefined {
  const f: Fields = { ...free, ...fixedFields(entry.compiled) };
  try {
    entry.operands.forEach((spec, i) => spec.encode(values[i]!, f, GENERATION_ENV));
  } catch {
    return undefined;
  }
  if (entry.when && !entry.when(f)) return undefined;
  return insertFields(f, entry.compiled);
}

function entryArbitrary(entry: InsnEntry, address: bigint): Arbitrary<GeneratedInstruction | undefined> {
  const free = fc.record(
    Object.fromEntries(entry.compiled.fields.filter((s) => !s.fixed).map((s) => [s.name, fc.integer({ min: 0, max: 2 ** s.width - 1 })])),
  ) as Arbitrary<Fields>;
  return fc.tuple(fc.tuple(...entry.operands.map((o) => o.arbitrary() as Arbitrary<OperandValue>)), free).map(([values, freeFields]) => {
    const word = encodeValues(entry, values, freeFields);
    if (word === undefined) return undefined;
    const d = decodeAs(entry, word);
    if (d === undefined) return undefined;
    // A word an earlier entry claims (hint #20 is csdb) is that entry's instance, not this one's.
    if (decode(word)?.entry.id !== (entry.aliasOf ?? entry.id)) return undefined;
    // An alias is only written where GNU as would pick it (and objdump print it) for this encoding.
    if (entry.prefer && !entry.prefer(d.fields)) return undefined;
    if (entry.unpredictable?.(d.fields) !== undefined) return undefined;
    return { word, text: formatDecoded({ entry, ...d }, address, 'source'), entry };
  });
}

/** Random valid instructions, optionally restricted to families or entry ids. */
export function arbitraryInstruction(filter: GenerateFilter = {}): Arbitrary<GeneratedInstruction> {
  const entries = generatableEntries(filter);
  if (entries.length === 0) throw new Error('no instruction table entries match the filter');
  const address = filter.address ?? 0n;
  return fc
    .oneof(...entries.map((e) => entryArbitrary(e, address)))
    .filter((g): g is GeneratedInstruction => g !== undefined);
}

/** Random instances of one entry. */
export function arbitraryInstance(entry: InsnEntry, address = 0n): Arbitrary<GeneratedInstruction> {
  return entryArbitrary(entry, address).filter((g): g is GeneratedInstruction => g !== undefined);
}

/** The source text of a generated instruction placed at `address` (PC-relative targets move with it). */
export function textAt(g: GeneratedInstruction, address: bigint): string {
  const d = decodeAs(g.entry, g.word);
  if (d === undefined) throw new Error(`0x${g.word.toString(16)} is not an instance of ${g.entry.id}`);
  return formatDecoded({ entry: g.entry, ...d }, address, 'source');
}
