// A counterexample, explained: for the first difference of a failing world, the instruction that LAST
// WROTE the value in each variant (file:line and macro expansion stack, from the core's trace), and a
// side-by-side trace of the two runs from the start of the path to their first divergent write.

import type { Origin } from '../asm/diagnostics.ts';
import type { TraceEntry } from '../machine/run.ts';
import { GICH } from '../worldswitch/gich.ts';
import type { TraceSegment } from '../worldswitch/scenario.ts';
import type { Variant } from '../worldswitch/variant.ts';
import { vcpuFields } from '../worldswitch/vcpu-fields.ts';
import { DATA_BASE, RAM_BASE } from '../worldswitch/world.ts';
import type { World } from '../worldswitch/world.ts';
import { memoryWrite } from './compare.ts';
import type { Difference, Observed } from './compare.ts';

/** `file:line:col < macro@file:line:col ...`, innermost expansion first. */
export function originText(origin: Origin): string {
  const at = ({ file, line, col }: Origin['location']) => `${file}:${line}:${col}`;
  return [at(origin.location), ...origin.stack.map((f) => `${f.macro}@${at(f.at)}`)].join(' < ');
}

/** Where an observed value lives while HYP runs: registers by the trace's names, or bytes of memory. */
type Location = { registers: string[] } | { memory: [bigint, bigint] } | undefined;

/** The register names of the trace (src/machine/state.ts: x<n>, q<n>, sp_el<n>, catalog names). */
function registerOf(value: string): string {
  if (/^x\d+$/.test(value)) return value;
  if (/^v\d+$/.test(value)) return `q${value.slice(1)}`;
  const renamed: Record<string, string> = { lr: 'x30', sp: 'sp_el1', pc: 'elr_el2', pstate: 'spsr_el2', mpidr_el1: 'vmpidr_el2' };
  return renamed[value] ?? value;
}

const GICH_OFFSETS: Record<string, number> = { hcr: GICH.HCR, vmcr: GICH.VMCR, apr: GICH.APR };

export function locationOf(name: string, variant: Variant, world: World): Location {
  const dot = name.indexOf('.');
  const point = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  if (point === 'vcpu') {
    const field = vcpuFields(Number(variant.layout.value('VGIC_MAX_LRS'))).find((f) => f.name === name);
    if (field === undefined) return undefined;
    const at = variant.layout.locate('kvm_vcpu', field.path);
    const lo = world.placement.vcpu + BigInt(at.offset);
    return { memory: [lo, lo + BigInt(at.type.size)] };
  }
  if (point === 'hostctx') {
    // The field may exist in one variant's host context only (an extra region).
    if (variant.hostContext === undefined || !variant.layout.scalarFields(variant.hostContext.struct).some((f) => f.path === rest)) return undefined;
    const at = variant.layout.locate(variant.hostContext.struct, rest);
    const lo = world.placement.hostContext + BigInt(at.offset);
    return { memory: [lo, lo + BigInt(at.type.size)] };
  }
  if (rest.startsWith('gich.')) {
    const reg = rest.slice(5);
    const lr = /^lr\[(\d+)\]$/.exec(reg);
    const offset = lr !== null ? GICH.LR0 + 4 * Number(lr[1]) : GICH_OFFSETS[reg];
    if (offset === undefined) return undefined;
    const lo = world.placement.gich + BigInt(offset);
    return { memory: [lo, lo + 4n] };
  }
  if (point === 'frame') return undefined;
  return { registers: [registerOf(rest)] };
}

// ------------------------------------------------------------------------------------------------
// The last writer

export interface Writer {
  /** The instruction (HYP or the host's code), or undefined when the scenario set the value last. */
  entry?: TraceEntry<bigint>;
  /** The stretch of the run it is in, or the scenario step that set the value. */
  stretch: string;
  /** Steps from the start of the path. */
  step?: number;
}

/** The scenario's own steps that write state: the guest's run, the exit taken to EL2. */
function scenarioWrites(title: string, loc: Location, world: World): boolean {
  if (loc === undefined) return false;
  if (title.startsWith('the guest runs')) {
    if ('memory' in loc) {
      const gich = world.placement.gich;
      return world.config.gic.present && loc.memory[0] >= gich + BigInt(GICH.VMCR) && loc.memory[0] < gich + 0x200n;
    }
    return loc.registers.some((r) => /^(x\d+|q\d+|sp_el[01])$/.test(r) || !r.endsWith('_el2') || /^(dacr32|ifsr32|fpexc32|dbgvcr32)_el2$/.test(r));
  }
  if (title.startsWith('exit:')) return 'registers' in loc && loc.registers.some((r) => ['esr_el2', 'elr_el2', 'spsr_el2', 'far_el2', 'hpfar_el2'].includes(r));
  return false;
}

function writes(e: TraceEntry<bigint>, loc: Location): boolean {
  if (loc === undefined) return false;
  return e.writes.some((w) => {
    if ('registers' in loc) return loc.registers.includes(w.where);
    const address = memoryWrite(w.where);
    return address !== undefined && address < loc.memory[1] && address + BigInt(w.width / 8) > loc.memory[0];
  });
}

/** The observation point's place in the trace: guest-entry values are final at the eret into the guest. */
function segmentsUpTo(name: string, trace: TraceSegment[]): TraceSegment[] {
  const cut = name.startsWith('guest-entry.') ? 'eret to the guest at' : name.startsWith('guest-retry.') ? 'eret to the guest (PAR_EL1.F retry)' : undefined;
  if (cut === undefined) return trace;
  const at = trace.findIndex((s) => s.kind === 'scenario' && s.title.startsWith(cut));
  return at < 0 ? trace : trace.slice(0, at);
}

/** The last instruction (or scenario step) that wrote `name` before its observation point. */
export function lastWriter(name: string, variant: Variant, world: World, trace: TraceSegment[]): Writer | undefined {
  const loc = locationOf(name, variant, world);
  if (loc === undefined) return undefined;
  const segments = segmentsUpTo(name, trace);
  let step = segments.reduce((n, s) => n + (s.kind === 'run' ? s.entries.length : 0), 0);
  // From the end: a traced run also lists later stores at an earlier run's last step (chained
  // observers), and the latest genuine write is always found first.
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i]!;
    if (seg.kind === 'scenario') {
      if (scenarioWrites(seg.title, loc, world)) return { stretch: seg.title };
      continue;
    }
    for (let k = seg.entries.length - 1; k >= 0; k--) {
      step--;
      if (writes(seg.entries[k]!, loc)) return { entry: seg.entries[k]!, stretch: seg.title, step };
    }
  }
  return { stretch: 'the world as set up (the host at its hvc, the vcpu it prepared)' };
}

export function writerText(w: Writer | undefined): string {
  if (w === undefined) return 'not traced (no register or memory holds it while HYP runs)';
  if (w.entry === undefined) return `no instruction: ${w.stretch}`;
  return `${w.entry.text}  at ${originText(w.entry.origin)}  (step ${w.step}, ${w.stretch})`;
}

// ------------------------------------------------------------------------------------------------
// Side by side

interface Step {
  text: string;
  origin?: Origin;
  writes: string;
}

/** Code addresses (the HYP image and the host's code, below DATA_BASE) differ by image: shown as `code`. */
function valueText(v: bigint): string {
  return v >= RAM_BASE && v < DATA_BASE ? 'code' : `0x${v.toString(16)}`;
}

function steps(trace: TraceSegment[]): Step[] {
  const out: Step[] = [];
  for (const seg of trace) {
    if (seg.kind === 'scenario') out.push({ text: `-- ${seg.title}`, writes: `scenario: ${seg.title}` });
    else for (const e of seg.entries) out.push({ text: e.text, origin: e.origin, writes: e.writes.map((w) => `${w.where}=${valueText(w.value)}`).join(' ') });
  }
  return out;
}

function short(origin: Origin | undefined): string {
  if (origin === undefined) return '';
  const file = origin.location.file.split('/').pop();
  const macro = origin.stack[0] !== undefined ? ` < ${origin.stack[0].macro}` : '';
  return `${file}:${origin.location.line}${macro}`;
}

/**
 * The two runs step by step from the start of the path up to the first step whose writes differ
 * (the divergent write), the last `context` steps before it shown; both steps' writes below.
 */
export interface SideBySide {
  lines: string[];
  /** The first divergent write: its step and the instruction at it in each run (undefined: a scenario step or the run's end). */
  divergence?: { step: number; variant?: Origin; original?: Origin };
}

export function sideBySide(variantTrace: TraceSegment[], originalTrace: TraceSegment[], names: [string, string], context = 24): SideBySide {
  const a = steps(variantTrace);
  const b = steps(originalTrace);
  let i = 0;
  while (i < a.length && i < b.length && a[i]!.writes === b[i]!.writes) i++;
  const width = 58;
  const cell = (s: Step | undefined): string => {
    if (s === undefined) return '(run ended)'.padEnd(width);
    const text = `${s.text.slice(0, 30).padEnd(30)} ${short(s.origin)}`;
    return text.slice(0, width).padEnd(width);
  };
  const out = [`${'step'.padStart(5)}  ${names[0].slice(0, width).padEnd(width)} | ${names[1]}`];
  const from = Math.max(0, i - context);
  if (from > 0) out.push(`${''.padStart(5)}  ... ${from} identical steps ...`);
  for (let k = from; k < i; k++) out.push(`${String(k).padStart(5)}  ${cell(a[k])} | ${cell(b[k]).trimEnd()}`);
  if (i >= a.length && i >= b.length) {
    out.push(`${''.padStart(5)}  (no divergent write: both runs write the same values in the same order)`);
    return { lines: out };
  }
  out.push(`${String(i).padStart(5)}  ${cell(a[i])} | ${cell(b[i]).trimEnd()}   <- first divergent write`);
  out.push(`${''.padStart(5)}    ${names[0]} writes: ${a[i]?.writes || '(nothing)'}`);
  if (a[i]?.origin !== undefined) out.push(`${''.padStart(5)}      at ${originText(a[i]!.origin!)}`);
  out.push(`${''.padStart(5)}    ${names[1]} writes: ${b[i]?.writes || '(nothing)'}`);
  if (b[i]?.origin !== undefined) out.push(`${''.padStart(5)}      at ${originText(b[i]!.origin!)}`);
  const va = a[i]?.origin;
  const ob = b[i]?.origin;
  return { lines: out, divergence: { step: i, ...(va !== undefined ? { variant: va } : {}), ...(ob !== undefined ? { original: ob } : {}) } };
}

// ------------------------------------------------------------------------------------------------

export interface Explanation {
  difference: Difference;
  variantWriter?: Writer;
  originalWriter?: Writer;
  sideBySide: SideBySide;
}

/** Explains the first difference of a failing world from the two runs' traces. */
export function explain(d: Difference, world: World, variant: Variant, original: Variant, v: Observed, o: Observed): Explanation {
  const vt = v.trace ?? [];
  const ot = o.trace ?? [];
  const vw = lastWriter(d.name, variant, world, vt);
  const ow = lastWriter(d.name, original, world, ot);
  return {
    difference: d,
    ...(vw !== undefined ? { variantWriter: vw } : {}),
    ...(ow !== undefined ? { originalWriter: ow } : {}),
    sideBySide: sideBySide(vt, ot, [variant.name, original.name]),
  };
}
