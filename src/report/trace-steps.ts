// A world switch's trace as one numbered list of steps (the instructions HYP executed, and what the
// scenario did between them), and two such lists aligned side by side: matched by instruction text,
// so that a variant that saves the same registers in another order still lines up, with the first
// step where the two runs stop doing the same thing marked.

import type { Origin } from '../asm/diagnostics.ts';
import type { TraceSegment } from '../worldswitch/scenario.ts';
import { DATA_BASE, RAM_BASE } from '../worldswitch/world.ts';
import type { Image } from '../machine/image.ts';
import { classifyEdits } from './align.ts';
import { canonicalText, normalizedText } from './canonical.ts';

export interface WrittenValue {
  /** A register (`x4`, `sp_el2`, `q0`, a system register) or memory (`[0x...]`). */
  where: string;
  value: bigint;
  width: number;
}

export type TraceStep =
  | { step: number; kind: 'scenario'; title: string }
  | { step: number; kind: 'insn'; segment: string; pc: bigint; text: string; origin: Origin; writes: WrittenValue[]; canonical: string };

/**
 * The segments' steps, numbered from 0 in execution order. `wordAt` gives the encoding executed at a
 * PC (a variant's image), for the canonical text alignment compares; without it, the written text.
 */
export function traceSteps(segments: readonly TraceSegment[], wordAt: (pc: bigint) => number | undefined = () => undefined): TraceStep[] {
  const steps: TraceStep[] = [];
  for (const seg of segments) {
    if (seg.kind === 'scenario') steps.push({ step: steps.length, kind: 'scenario', title: seg.title });
    else {
      for (const e of seg.entries) {
        const word = wordAt(e.pc);
        const canonical = word === undefined ? normalizedText(e.text) : canonicalText(word, e.text);
        steps.push({ step: steps.length, kind: 'insn', segment: seg.title, pc: e.pc, text: e.text, origin: e.origin, writes: e.writes.map((w) => ({ where: w.where, value: w.value, width: w.width })), canonical });
      }
    }
  }
  return steps;
}

/** The encoding at `pc` in `image`, if an instruction was decoded there. */
export function imageWords<V>(image: Image<V>): (pc: bigint) => number | undefined {
  return (pc) => {
    const i = Number(pc - BigInt(image.base)) / 4;
    return Number.isInteger(i) && i >= 0 ? image.slots[i]?.word : undefined;
  };
}

/** A value written as hex, wide enough for its width (V registers print 32 digits). */
export function writeValueText(w: WrittenValue): string {
  return `0x${w.value.toString(16).padStart(Math.ceil(Math.max(w.width, 4) / 4), '0')}`;
}

/**
 * What a step does, comparable across variants: its text and its writes, with addresses in the code
 * (the HYP image and the host's code, below DATA_BASE: return addresses, vector addresses) shown as
 * `code`, since the same instruction sits at another address in another variant.
 */
export function stepEffect(s: TraceStep): string {
  if (s.kind === 'scenario') return `-- ${s.title}`;
  const value = (w: WrittenValue): string => (w.value >= RAM_BASE && w.value < DATA_BASE ? 'code' : writeValueText(w));
  const where = (w: WrittenValue): string => w.where;
  return `${s.canonical} | ${s.writes.map((w) => `${where(w)}=${value(w)}`).join(' ')}`;
}

const stepKey = (s: TraceStep): string => (s.kind === 'scenario' ? `-- ${s.title}` : s.canonical);

export interface AlignedRow {
  /**
   * `same`: the same instruction writing the same values; `writes-differ`: the same instruction,
   * other values; `changed`: different instructions in the same place; `only-a` / `only-b`: a step
   * the other run has no counterpart for.
   */
  kind: 'same' | 'writes-differ' | 'changed' | 'only-a' | 'only-b';
  a?: TraceStep;
  b?: TraceStep;
}

export interface AlignedTraces {
  rows: AlignedRow[];
  /** Index into rows of the first row that is not `same`, or undefined when the runs do the same. */
  firstDivergence?: number;
}

/** The two traces aligned by instruction text (shortest edit script), both sides in execution order. */
export function alignTraces(a: readonly TraceStep[], b: readonly TraceStep[]): AlignedTraces {
  const rows: AlignedRow[] = [];
  for (const e of classifyEdits(a, b, stepKey, { moves: false })) {
    const sa = e.a === undefined ? undefined : a[e.a];
    const sb = e.b === undefined ? undefined : b[e.b];
    const kind: AlignedRow['kind'] =
      e.kind === 'same' ? (stepEffect(sa!) === stepEffect(sb!) ? 'same' : 'writes-differ') : e.kind === 'changed' ? 'changed' : e.kind === 'deleted' ? 'only-a' : 'only-b';
    rows.push({ kind, ...(sa !== undefined ? { a: sa } : {}), ...(sb !== undefined ? { b: sb } : {}) });
  }
  const first = rows.findIndex((r) => r.kind !== 'same');
  return { rows, ...(first >= 0 ? { firstDivergence: first } : {}) };
}
