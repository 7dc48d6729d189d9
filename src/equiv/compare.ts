// One world, two runs: a variant and `original` play the same world switch, and every observed value
// is compared two ways (DESIGN.md, "What identical architectural state means"):
//
//   specification  the values the world alone determines (src/worldswitch/specification.ts);
//   pairwise       every observed value of the variant equals original's, and HYP writes no host-context
//                  field original never writes (the frame rule's "extra region").
//
// A difference a proposal declares (src/equiv/deltas.ts) is allowed and counted; any other is a failure.
// So is the frame rule broken: a run that does not complete, a store outside the regions.

import type { Diagnostic } from '../asm/diagnostics.ts';
import { observationsOf, runWorldSwitch } from '../worldswitch/scenario.ts';
import type { TraceSegment, WorldSwitchRun } from '../worldswitch/scenario.ts';
import type { Observation } from '../worldswitch/observations.ts';
import { CODE_ADDRESSES, expectedObservations, specificationContext } from '../worldswitch/specification.ts';
import type { Variant } from '../worldswitch/variant.ts';
import type { World } from '../worldswitch/world.ts';
import { deltaFor } from './deltas.ts';
import type { Delta } from './deltas.ts';

/** What one run of one variant shows. */
export interface Observed {
  variant: string;
  /** Every observed value by name (guest-entry.*, guest-retry.*, host-return.*, vcpu.*). */
  values: Observation;
  /** The host-context fields HYP stored to, as `hostctx.<path>`. */
  hostContextWrites: Set<string>;
  failure?: Diagnostic;
  strayWrites: WorldSwitchRun['strayWrites'];
  steps: number;
  hypStackDepth: number;
  trace?: TraceSegment[];
}

export function observe(variant: Variant, world: World, keepTrace = false): Observed {
  // The trace (one entry per step, its register and memory writes) costs no more than an untraced
  // interpreted run, and it is where host-context stores are seen.
  const run = runWorldSwitch(variant, world, { trace: true });
  const values = observationsOf(run);
  return {
    variant: variant.name,
    values,
    hostContextWrites: hostContextWrites(variant, world, run.trace ?? []),
    ...(run.failure !== undefined ? { failure: run.failure } : {}),
    strayWrites: run.strayWrites,
    steps: run.steps,
    hypStackDepth: run.hypStackDepth,
    ...(keepTrace ? { trace: run.trace } : {}),
  };
}

/** A memory write in a trace: `[0x...]`. */
export function memoryWrite(where: string): bigint | undefined {
  return where.startsWith('[') ? BigInt(where.slice(1, -1)) : undefined;
}

function hostContextWrites(variant: Variant, world: World, trace: TraceSegment[]): Set<string> {
  const out = new Set<string>();
  const ctx = variant.hostContext;
  if (ctx === undefined) return out;
  const base = world.placement.hostContext;
  const end = base + BigInt(ctx.size);
  const name = (offset: number): string => `hostctx${variant.layout.fieldAt(ctx.struct, offset).slice(ctx.struct.length).replace(/\+\d+$/, '')}`;
  for (const seg of trace) {
    if (seg.kind !== 'run') continue;
    for (const e of seg.entries) {
      for (const w of e.writes) {
        const address = memoryWrite(w.where);
        if (address === undefined || address < base || address >= end) continue;
        const offset = Number(address - base);
        out.add(name(offset));
        out.add(name(offset + w.width / 8 - 1));
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------

export type DifferenceKind = 'specification' | 'pairwise' | 'extra-region' | 'frame';

export interface Difference {
  /** The observed value: `host-return.x21`, `vcpu.sys_regs[TTBR0_EL1]`, `hostctx.regs[19]`, `frame.failure`. */
  name: string;
  kind: DifferenceKind;
  /** What the specification or original has (undefined: no such value). */
  expected: bigint | undefined;
  actual: bigint | undefined;
  /** For frame differences: what happened. */
  detail?: string;
  /** The declared delta that allows it, if any. */
  delta?: Delta;
}

export interface WorldComparison {
  world: World;
  variant: Observed;
  original: Observed;
  /** Undeclared differences: the variant fails on this world when there is any. */
  failures: Difference[];
  /** Differences a delta allows. */
  allowed: Difference[];
}

/** The specification's values for this world, as the variant's layout names its constants. */
export function expectedValues(variant: Variant, world: World, observed: Observed): Observation {
  const retry = observed.values['guest-retry.pc'] !== undefined || (world.config.exit === 'perm' && world.config.parFault);
  return expectedObservations(world, specificationContext(variant), retry);
}

/**
 * Whether original writes the same host-context field: the same path, or one path ends with the other
 * at a `.` (a layout that drops a containing struct: `fp_regs.fpsr` is original's `gp_regs.fp_regs.fpsr`).
 */
function sameFieldWritten(name: string, originalWrites: Set<string>): boolean {
  if (originalWrites.has(name)) return true;
  const path = name.slice('hostctx.'.length);
  for (const o of originalWrites) {
    const other = o.slice('hostctx.'.length);
    if (other.endsWith(`.${path}`) || path.endsWith(`.${other}`)) return true;
  }
  return false;
}

/** Compares a variant's run with the specification and with original's run of the same world. */
export function compareRuns(variant: Variant, original: Variant, world: World, v: Observed, o: Observed, deltas: readonly Delta[]): WorldComparison {
  const failures: Difference[] = [];
  const allowed: Difference[] = [];
  const record = (d: Difference, kind: 'value' | 'write'): void => {
    const delta = deltaFor(deltas, d.name, kind);
    if (delta === undefined) failures.push(d);
    else allowed.push({ ...d, delta });
  };

  // The frame: the run completes, as original's does, and stores only in its regions.
  if (v.failure !== undefined) {
    failures.push({ name: 'frame.failure', kind: 'frame', expected: undefined, actual: undefined, detail: `${v.failure.code}: ${v.failure.message}` });
  }
  if (o.failure !== undefined && v.failure === undefined) {
    failures.push({ name: 'frame.failure', kind: 'frame', expected: undefined, actual: undefined, detail: `original fails on this world (${o.failure.code}: ${o.failure.message}) and the variant does not` });
  }
  if (v.strayWrites.length > 0) {
    const s = v.strayWrites[0]!;
    failures.push({ name: 'frame.stray-writes', kind: 'frame', expected: 0n, actual: BigInt(v.strayWrites.length), detail: `${v.strayWrites.length} store(s) outside vcpu, host context, hyp stack and GICH; the first: ${s.bytes} bytes at 0x${s.address.toString(16)} by the instruction at 0x${s.pc.toString(16)}` });
  }
  if (v.failure !== undefined || o.failure !== undefined) return { world, variant: v, original: o, failures, allowed };

  // Against the specification.
  for (const [name, value] of Object.entries(expectedValues(variant, world, v))) {
    const got = v.values[name];
    if (got !== value) record({ name, kind: 'specification', expected: value, actual: got }, 'value');
  }
  // Pairwise, on every observed value of either (code addresses relative to each variant's own code).
  const specified = new Set(failures.concat(allowed).map((d) => d.name));
  for (const name of new Set([...Object.keys(o.values), ...Object.keys(v.values)])) {
    if (specified.has(name)) continue;
    const code = CODE_ADDRESSES[name];
    const expected = code !== undefined && o.values[name] !== undefined ? o.values[name]! - specificationContext(original)[code] + specificationContext(variant)[code] : o.values[name];
    if (v.values[name] !== expected) record({ name, kind: 'pairwise', expected, actual: v.values[name] }, 'value');
  }
  // Host-context fields original never writes.
  for (const name of v.hostContextWrites) {
    if (!sameFieldWritten(name, o.hostContextWrites)) record({ name, kind: 'extra-region', expected: undefined, actual: undefined, detail: 'written by the variant, never by original' }, 'write');
  }
  return { world, variant: v, original: o, failures, allowed };
}

/** A differing value that the specification caught also differs pairwise when original meets it: name both. */
export function differsFromOriginal(c: WorldComparison, name: string): boolean {
  return c.variant.values[name] !== c.original.values[name];
}
