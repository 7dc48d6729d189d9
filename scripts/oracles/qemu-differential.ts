// The differential check: one batch runs on QEMU and on hyplab's core (the same image, the same case
// blocks); every record is compared value by value, leaving out the bits the exclusion table names.
// A batch QEMU does not finish (a hang, a crash, output that is not the records) is bisected down to
// the case that causes it.

import { excludedBits } from '../../src/machine/qemu-exclusions.ts';
import { EC } from '../../src/a64/semantics/exceptions.ts';
import type { CaseEnding } from '../../src/machine/qemu-exclusions.ts';
import { concreteMachine, run } from '../../src/machine/run.ts';
import { EL1_VECTOR_HVC } from './qemu-cases.ts';
import { BLOB_BASE, DUMP_BASE, RECORD_BYTES, REPORT_KIND, buildBatch, parseHexDump, parseRecord } from './qemu-batch.ts';
import type { Batch, Observation } from './qemu-batch.ts';
import type { OracleCase } from './qemu-cases.ts';
import { runQemu } from './qemu.ts';
import type { QemuRun } from './qemu.ts';

export interface Difference {
  name: string;
  qemu: bigint;
  core: bigint;
  /** Bits compared (all but the excluded ones). */
  compared: bigint;
}

export interface CaseOutcome {
  /** Index into the cases given to checkCases. */
  index: number;
  differences: Difference[];
  /** The core stopped with a diagnostic inside this case. */
  coreFault?: string;
  /** QEMU did not produce this case's record (timeout or crash, found by bisection). */
  qemuFailure?: string;
}

export interface Timings {
  assembleMs: number;
  coreMs: number;
  qemuMs: number;
  coreSteps: number;
  qemuRuns: number;
}

export interface CheckResult {
  /** Only cases that disagree. */
  disagreements: CaseOutcome[];
  timings: Timings;
}

const MASK128 = (1n << 128n) - 1n;
const EC_HVC64 = BigInt(EC.hvc64);

/** Runs a batch on the core; a case that faults is recorded and the runner resumes at the next one. */
export function runOnCore(batch: Batch): { dump: Uint8Array; faults: Map<number, string>; steps: number; ms: number } {
  const started = performance.now();
  const m = concreteMachine(batch.image);
  m.recordEvents = false;
  m.memory.writeBytes(BLOB_BASE, batch.blob);
  const faults = new Map<number, string>();
  const stop = Number(batch.hexdump);
  let steps = 0;
  for (;;) {
    const r = run(batch.image, m, { maxSteps: 20_000 * batch.cases.length, stopBefore: (_m, slot) => Number(slot.address) === stop });
    steps += r.steps;
    if (r.status === 'stopped' || r.status === 'exit') break;
    const index = Number(m.memory.load(batch.runnerState, 8));
    if (index >= batch.cases.length) throw new Error(`the core faulted in the runner after the last case: ${r.diagnostic?.message}`);
    if (faults.has(index)) throw new Error(`the core faulted twice in case ${index}: ${r.diagnostic?.message}`);
    faults.set(index, `${r.diagnostic?.code ?? ''} ${r.diagnostic?.message ?? r.status}`);
    // Resume the runner at the next case, at EL2h, as the end of a case would.
    m.memory.store(batch.runnerState, 8, BigInt(index + 1));
    Object.assign(m.state.pstate, { EL: 2, SP: 1, nRW: 0, IL: 0 });
    m.state.pc = Number(batch.batchNext);
  }
  const dump = new Uint8Array(batch.cases.length * RECORD_BYTES);
  const view = new DataView(dump.buffer);
  for (let o = 0; o < dump.length; o += 8) view.setBigUint64(o, m.memory.load(DUMP_BASE + BigInt(o), 8), true);
  return { dump, faults, steps, ms: performance.now() - started };
}

/** How the case ended, from QEMU's record: an EL2 vector, and whether an EL1 vector forwarded to it. */
export function caseEnding(qemu: Observation): CaseEnding {
  const exception = qemu.get('kind') !== BigInt(REPORT_KIND);
  const esr = qemu.get('esr_el2')!;
  const hvcFromEL1Vector = esr >> 26n === EC_HVC64 && (esr & 0xffffn) >= BigInt(EL1_VECTOR_HVC) && (esr & 0xffffn) < BigInt(EL1_VECTOR_HVC + 16);
  return { exception, el1Exception: exception && hvcFromEL1Vector };
}

/** Every compared value that differs, with the excluded bits masked off. */
export function compareObservations(qemu: Observation, core: Observation): Difference[] {
  const out: Difference[] = [];
  const ending = caseEnding(qemu);
  for (const [name, q] of qemu) {
    const c = core.get(name)!;
    const compared = (/^q\d+$/.test(name) ? MASK128 : (1n << 64n) - 1n) & ~excludedBits(name, ending);
    if ((q & compared) !== (c & compared)) out.push({ name, qemu: q, core: c, compared });
  }
  return out;
}

export interface CheckOptions {
  qemu: string;
  /** Kill QEMU after this long (default 30 s per batch; a batch of 500 takes about 1 s). */
  timeoutMs?: number;
}

/** A batch built and started on QEMU; the core runs it in finishBatch. */
export interface StartedBatch {
  cases: readonly OracleCase[];
  /** Index of cases[0] in the caller's list. */
  offset: number;
  batch: Batch;
  qemu: Promise<QemuRun>;
}

export function emptyTimings(): Timings {
  return { assembleMs: 0, coreMs: 0, qemuMs: 0, coreSteps: 0, qemuRuns: 0 };
}

/** Builds the batch and starts QEMU on it (QEMU runs in its own process while the caller goes on). */
export function startBatch(cases: readonly OracleCase[], offset: number, options: CheckOptions, timings: Timings): StartedBatch {
  const batch = buildBatch(cases);
  timings.assembleMs += batch.assembleMs;
  return { cases, offset, batch, qemu: runQemu(options.qemu, batch.elf, options.timeoutMs ?? 30_000) };
}

/** Runs the core on a started batch, waits for QEMU and compares; bisects when QEMU fails. */
export async function finishBatch(started: StartedBatch, options: CheckOptions, timings: Timings, out: CaseOutcome[]): Promise<void> {
  const { cases, offset } = started;
  const core = runOnCore(started.batch);
  timings.coreMs += core.ms;
  timings.coreSteps += core.steps;
  const q = await started.qemu;
  timings.qemuMs += q.ms;
  timings.qemuRuns++;
  const dump = q.status === 0 ? parseHexDump(q.stdout, cases.length) : undefined;
  if (dump === undefined) {
    const why = q.timedOut ? 'QEMU timed out' : `QEMU exited with status ${q.status} and ${q.stdout.length} bytes of output${q.stderr ? `: ${q.stderr.trim().slice(0, 300)}` : ''}`;
    if (cases.length === 1) {
      out.push({ index: offset, differences: [], qemuFailure: why });
      return;
    }
    const half = Math.ceil(cases.length / 2);
    await finishBatch(startBatch(cases.slice(0, half), offset, options, timings), options, timings, out);
    await finishBatch(startBatch(cases.slice(half), offset + half, options, timings), options, timings, out);
    return;
  }
  for (let i = 0; i < cases.length; i++) {
    const fault = core.faults.get(i);
    if (fault !== undefined) {
      out.push({ index: offset + i, differences: [], coreFault: fault });
      continue;
    }
    const differences = compareObservations(parseRecord(dump, i), parseRecord(core.dump, i));
    if (differences.length > 0) out.push({ index: offset + i, differences });
  }
}

/** Runs `cases` as one batch on both sides and compares; bisects when QEMU fails. */
export async function checkCases(cases: readonly OracleCase[], options: CheckOptions): Promise<CheckResult> {
  const timings = emptyTimings();
  const disagreements: CaseOutcome[] = [];
  await finishBatch(startBatch(cases, 0, options, timings), options, timings, disagreements);
  disagreements.sort((a, b) => a.index - b.index);
  return { disagreements, timings };
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** A disagreement as text: what differs, bit by bit. */
export function formatOutcome(o: CaseOutcome): string {
  if (o.qemuFailure !== undefined) return `QEMU did not finish the case: ${o.qemuFailure}`;
  if (o.coreFault !== undefined) return `the core stopped where QEMU went on: ${o.coreFault}`;
  return o.differences
    .map((d) => `  ${d.name.padEnd(14)} qemu ${hex(d.qemu & d.compared)}  core ${hex(d.core & d.compared)}  (differing bits ${hex((d.qemu ^ d.core) & d.compared)})`)
    .join('\n');
}
