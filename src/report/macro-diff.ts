// The macro-level difference between two variants: which macros were added, removed or changed (their
// definition's statements, or the instructions their invocations expand to), and for every macro and
// routine the alignment of its expanded instruction texts: which instructions moved, changed, were
// inserted or deleted, each with the source line and macro stack it comes from.

import type { Instruction, Program } from '../asm/program.ts';
import { classifyEdits } from './align.ts';
import { canonicalText, normalizedText } from './canonical.ts';
import type { LineEdit } from './align.ts';
import { definitionStatements, macroExpansions, routines } from './macro-graph.ts';
import type { MacroExpansion } from './macro-graph.ts';
import type { VariantCode } from './variant-code.ts';

/** An instruction of one side, as the diff shows it. */
export interface InstructionRef {
  /** Index into the variant's program.instructions. */
  index: number;
  text: string;
  instruction: Instruction;
}

export interface DiffLine {
  kind: Exclude<LineEdit['kind'], 'same'>;
  a?: InstructionRef;
  b?: InstructionRef;
}

export interface EditCounts {
  moved: number;
  changed: number;
  inserted: number;
  deleted: number;
}

export interface UnitDiff {
  name: string;
  status: 'added' | 'removed' | 'changed' | 'same';
  /** Instructions on each side (absent for the side without the unit). */
  a?: number;
  b?: number;
  counts: EditCounts;
  /** Only the edits; kept instructions are left out. */
  lines: DiffLine[];
}

export interface MacroDiff extends UnitDiff {
  /** Invocations that emitted code, on each side. */
  invocationsA?: number;
  invocationsB?: number;
  /** Where each side defines it (`file:line`). */
  definedA?: string;
  definedB?: string;
  /** The definitions' statements differ (comments and spacing aside). */
  definitionChanged: boolean;
}

export interface VariantDiff {
  a: string;
  b: string;
  macros: MacroDiff[];
  routines: UnitDiff[];
}

/** An instruction's text as written (after expansion), spacing normalized. */
export const writtenText = (insn: Instruction): string => normalizedText(insn.text);

/** What the alignment compares, per instruction of `program`: its canonical text (src/report/canonical.ts). */
export function instructionKeys(program: Program): string[] {
  const relocated = new Set(program.relocations.map((r) => `${r.section}:${r.offset}`));
  return program.instructions.map((insn) => canonicalText(insn.encoding, insn.text, relocated.has(`${insn.section}:${insn.offset}`)));
}

const keysCache = new WeakMap<Program, string[]>();
function keysOf(program: Program): string[] {
  let keys = keysCache.get(program);
  if (keys === undefined) keysCache.set(program, (keys = instructionKeys(program)));
  return keys;
}

function alignUnit(name: string, a: VariantCode, aIdx: number[] | undefined, b: VariantCode, bIdx: number[] | undefined): UnitDiff {
  const keysA = keysOf(a.program);
  const keysB = keysOf(b.program);
  const left = (aIdx ?? []).map((i) => keysA[i]!);
  const right = (bIdx ?? []).map((i) => keysB[i]!);
  const ref = (code: VariantCode, idx: number[], k: number | undefined): InstructionRef | undefined => {
    if (k === undefined) return undefined;
    const insn = code.program.instructions[idx[k]!]!;
    return { index: idx[k]!, text: writtenText(insn), instruction: insn };
  };
  const lines: DiffLine[] = [];
  const counts: EditCounts = { moved: 0, changed: 0, inserted: 0, deleted: 0 };
  for (const e of classifyEdits(left, right)) {
    if (e.kind === 'same') continue;
    counts[e.kind]++;
    const line: DiffLine = { kind: e.kind };
    const ra = ref(a, aIdx ?? [], e.a);
    const rb = ref(b, bIdx ?? [], e.b);
    if (ra !== undefined) line.a = ra;
    if (rb !== undefined) line.b = rb;
    lines.push(line);
  }
  const status = aIdx === undefined ? 'added' : bIdx === undefined ? 'removed' : lines.length > 0 ? 'changed' : 'same';
  return { name, status, ...(aIdx !== undefined ? { a: left.length } : {}), ...(bIdx !== undefined ? { b: right.length } : {}), counts, lines };
}

/** Names in `a`'s order, then the ones only `b` has, in `b`'s order. */
function unionNames(a: Iterable<string>, b: Iterable<string>): string[] {
  const names = [...a];
  const seen = new Set(names);
  for (const n of b) if (!seen.has(n)) names.push(n), seen.add(n);
  return names;
}

const definedAt = (e: MacroExpansion | undefined): string | undefined => (e?.definition === undefined ? undefined : `${e.definition.file.split('/').pop()}:${e.definition.line}`);

export function diffVariants(a: VariantCode, b: VariantCode): VariantDiff {
  const ma = macroExpansions(a);
  const mb = macroExpansions(b);
  const macros: MacroDiff[] = unionNames(ma.keys(), mb.keys()).map((name) => {
    const ea = ma.get(name);
    const eb = mb.get(name);
    const unit = alignUnit(name, a, ea?.instructions, b, eb?.instructions);
    const da = ea?.definition === undefined ? undefined : definitionStatements(ea.definition).join('\n');
    const db = eb?.definition === undefined ? undefined : definitionStatements(eb.definition).join('\n');
    const definitionChanged = ea !== undefined && eb !== undefined && da !== db;
    const status = unit.status === 'same' && definitionChanged ? 'changed' : unit.status;
    const defA = definedAt(ea);
    const defB = definedAt(eb);
    return {
      ...unit,
      status,
      ...(ea !== undefined ? { invocationsA: ea.invocations.length } : {}),
      ...(eb !== undefined ? { invocationsB: eb.invocations.length } : {}),
      ...(defA !== undefined ? { definedA: defA } : {}),
      ...(defB !== undefined ? { definedB: defB } : {}),
      definitionChanged,
    };
  });
  const ra = routines(a.program);
  const rb = routines(b.program);
  const routineDiffs = unionNames(ra.keys(), rb.keys()).map((name) => alignUnit(name, a, ra.get(name), b, rb.get(name)));
  return { a: a.name, b: b.name, macros, routines: routineDiffs };
}
