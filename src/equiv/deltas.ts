// Declared deltas: the differences from `variants/original` a proposal intends (proposals/README.md),
// read from the one ```json deltas block of `proposals/<variant>.md`. They are the only differences a
// check allows; each is also a claim the check verifies (a `differs` or `extra-region` that never
// happens fails the variant).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, originOf } from '../asm/diagnostics.ts';

export const PROPOSALS_DIR = fileURLToPath(new URL('../../proposals/', import.meta.url));

/** proposals/README.md, "The deltas block". */
export const DELTA_CHANGES = {
  clobbered: 'may differ from original',
  differs: 'must differ from original (in at least one run of the check)',
  'extra-region': 'memory the variant writes that original never writes (in at least one run)',
} as const;
export type DeltaChange = keyof typeof DELTA_CHANGES;

/** The observation prefixes a delta may name. */
const VALUE_PREFIXES = ['guest-entry.', 'guest-retry.', 'host-return.', 'vcpu.', 'hostctx.', 'frame.'] as const;

export interface Delta {
  value: string;
  change: DeltaChange;
  why: string;
  /** Where it is declared: proposals/<name>.md:line. */
  file: string;
  line: number;
}

export interface Proposal {
  /** proposals/<name>.md, or undefined when no proposal names this variant (then nothing may differ). */
  file?: string;
  deltas: Delta[];
}

/** The proposal of variant `name` (proposals/<name>.md); none for original. */
export function proposalOf(name: string, dir: string = PROPOSALS_DIR): Proposal {
  const file = join(dir, `${name}.md`);
  if (name === 'original' || !existsSync(file)) return { deltas: [] };
  return { file, deltas: parseDeltas(readFileSync(file, 'utf8'), file) };
}

const FENCE = /^```json deltas\s*$/;

/** The deltas of a proposal's text: exactly one ```json deltas block holding a JSON array of deltas. */
export function parseDeltas(text: string, file: string): Delta[] {
  const lines = text.split('\n');
  const starts = lines.flatMap((l, i) => (FENCE.test(l) ? [i] : []));
  if (starts.length !== 1) fail('HL0905', `${starts.length === 0 ? 'no' : starts.length} \`\`\`json deltas blocks: a proposal has exactly one`, originOf(file, starts[1] !== undefined ? starts[1] + 1 : 1, 1));
  const start = starts[0]!;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('```'));
  if (end < 0) fail('HL0905', 'the ```json deltas block is not closed', originOf(file, start + 1, 1));
  let parsed: unknown;
  try {
    parsed = JSON.parse(lines.slice(start + 1, end).join('\n'));
  } catch (e) {
    fail('HL0905', `the deltas block is not JSON: ${(e as Error).message}`, originOf(file, start + 2, 1));
  }
  if (!Array.isArray(parsed)) fail('HL0905', 'the deltas block must hold a JSON array', originOf(file, start + 2, 1));
  return parsed.map((entry: unknown, k) => {
    // The line of the k-th object: the k-th line that opens one (one delta a line, as the README writes them).
    const objectLines = lines.slice(start + 1, end).flatMap((l, i) => (l.trim().startsWith('{') ? [start + 2 + i] : []));
    const line = objectLines[k] ?? start + 2;
    const where = originOf(file, line, 1);
    if (typeof entry !== 'object' || entry === null) fail('HL0905', `delta ${k + 1} is not an object`, where);
    const { value, change, why, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) fail('HL0905', `delta ${k + 1} has unknown field(s) ${extra.join(', ')} (value, change, why)`, where);
    if (typeof value !== 'string' || !VALUE_PREFIXES.some((p) => value.startsWith(p) && value.length > p.length)) {
      fail('HL0905', `delta ${k + 1}: value ${JSON.stringify(value)} is not an observation name (${VALUE_PREFIXES.map((p) => `${p}...`).join(', ')})`, where);
    }
    if (typeof change !== 'string' || !(change in DELTA_CHANGES)) fail('HL0905', `delta ${k + 1} (${value}): change ${JSON.stringify(change)} is not one of ${Object.keys(DELTA_CHANGES).join(', ')}`, where);
    if (typeof why !== 'string' || why.trim() === '') fail('HL0905', `delta ${k + 1} (${value}): give the reason in "why"`, where);
    if (change === 'extra-region' && !value.startsWith('hostctx.') && !value.startsWith('frame.')) {
      fail('HL0905', `delta ${k + 1} (${value}): extra-region names memory (hostctx.<path> or frame.<region>), not a register`, where);
    }
    return { value, change: change as DeltaChange, why, file, line };
  });
}

/** Whether delta value `declared` covers observation `name`: equal, or a prefix ending at a `.` or `[` of it. */
export function covers(declared: string, name: string): boolean {
  if (!name.startsWith(declared)) return false;
  const next = name[declared.length];
  return next === undefined || next === '.' || next === '[';
}

/** What a delta says, wherever it was declared (a test or a caller may give deltas of its own). */
export type DeclaredDelta = Pick<Delta, 'value' | 'change' | 'why'>;

/** The delta that allows a difference in `name`, if any (extra-region deltas allow only writes). */
export function deltaFor<D extends DeclaredDelta>(deltas: readonly D[], name: string, kind: 'value' | 'write'): D | undefined {
  return deltas.find((d) => covers(d.value, name) && (kind === 'write' ? d.change === 'extra-region' : d.change !== 'extra-region'));
}
