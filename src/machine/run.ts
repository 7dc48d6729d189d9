// Running a prepared image: fetch the slot at the PC, advance the PC, execute; stop at the semihosting
// exit, at a fault (a coded diagnostic with the instruction's origin), at a caller's stop condition,
// or at the step limit (a diagnostic listing the last instructions with their origins).

import { diagnostic } from '../asm/diagnostics.ts';
import type { Diagnostic, Origin } from '../asm/diagnostics.ts';
import type { Domain, Width } from '../a64/domain.ts';
import { SymbolicValueError } from '../a64/domain.ts';
import { concreteDomain } from '../a64/domain-concrete.ts';
import type { SystemRegister } from '../a64/sysregs.ts';
import { Machine } from './machine.ts';
import { Memory, concreteRam } from './memory.ts';
import type { AccessBytes } from './memory.ts';
import { State } from './state.ts';
import { Arena } from './arena.ts';
import type { ByteFile } from './arena.ts';
import type { StateInit } from './state.ts';
import { ARCHITECTURAL_FAULTS, MachineFault, hex64 } from './faults.ts';
import { takeFault, vectorRefusal } from './exception-policy.ts';
import type { ExceptionPolicy } from './exception-policy.ts';
import { assertInterrupt, takePendingInterrupt } from './interrupts.ts';
import type { ScheduledInterrupt } from './interrupts.ts';
import type { AccessDetails } from './faults.ts';
import { DEFAULT_LOAD_ADDRESS, slotAt } from './image.ts';
import { BlockFault, MAX_BLOCK, stageBlock, stageSlot, stageWasmBlock } from './stage.ts';
import type { Block, StagedInstruction } from './stage.ts';
import type { Image, Slot } from './image.ts';

export interface RunOptions<V> {
  /** Steps before the run is called a runaway (default 1,000,000). */
  maxSteps?: number;
  /** Record every step with the registers and memory it wrote. */
  trace?: boolean;
  /** How many of the last instructions a step-limit diagnostic shows (default 8). */
  history?: number;
  /** Checked before each step: return true to stop (an observation point, e.g. an eret into the guest). */
  stopBefore?: (m: Machine<V>, slot: Slot<V>) => boolean;
  /** When a fault or exception is taken through the vectors (src/machine/exception-policy.ts; default 'vectored'). */
  exceptions?: ExceptionPolicy;
  /** Interrupt lines to assert before given steps (src/machine/interrupts.ts). */
  interrupts?: readonly ScheduledInterrupt[];
  /**
   * Concrete images: interpreted executions of an instruction before it is staged into a specialised
   * function (src/machine/stage.ts) and joined into blocks; Infinity never stages, tracing runs
   * interpreted. Measured on scripts/bench: staged blocks (most in WebAssembly) run 4-5x faster than
   * the interpreter; tracing costs ~0.2 ms an instruction (about 2,000 interpreted steps), so by
   * default only instructions that have run 256 times are staged.
   */
  stageAfter?: number;
}

export interface Write<V> {
  where: string;
  value: V;
  width: Width;
}

export interface TraceEntry<V> {
  pc: bigint;
  text: string;
  origin: Origin;
  writes: Write<V>[];
}

export type RunStatus = 'exit' | 'stopped' | 'fault' | 'step-limit';

export interface RunResult<V> {
  status: RunStatus;
  steps: number;
  machine: Machine<V>;
  /** The semihosting exit status, for status 'exit'. */
  exitStatus?: bigint;
  /** For 'fault' and 'step-limit'. */
  diagnostic?: Diagnostic;
  /** For a data abort: the access, and the instruction that made it. */
  fault?: { kind: MachineFault['kind']; pc: bigint; text: string; access?: AccessDetails };
  trace?: TraceEntry<V>[];
}

const DEFAULT_MAX_STEPS = 1_000_000;
const DEFAULT_STAGE_AFTER = 256;

/**
 * Per concrete image: the staged instruction of each slot (null: left to the interpreter) and its runs
 * so far, and the block that starts at each slot (null: none, a lone staged instruction).
 */
interface StagedSlots {
  instructions: (StagedInstruction | null | undefined)[];
  runs: Uint32Array;
  blocks: (Block | null | undefined)[];
  /** Times a block at this slot waited for the next instruction to be staged or refused. */
  blockWaits: Uint8Array;
}
const STAGED = new WeakMap<Image<unknown>, StagedSlots>();

/** How long a block waits for its next instruction (which may never run) before it ends without it. */
const BLOCK_PATIENCE = 16;

/** How many instructions of `image` run staged (for tests and the benchmark). */
export function stagedInstructions<V>(image: Image<V>): number {
  return STAGED.get(image as Image<unknown>)?.instructions.filter((e) => e).length ?? 0;
}

/** How many blocks of `image` have been made (and how many in WebAssembly), and the instructions in them. */
export function stagedBlocks<V>(image: Image<V>): { blocks: number; wasm: number; instructions: number } {
  const made = (STAGED.get(image as Image<unknown>)?.blocks ?? []).filter((b): b is Block => !!b);
  return { blocks: made.length, wasm: made.filter((b) => b.wasm).length, instructions: made.reduce((n, b) => n + b.length, 0) };
}

function stagedSlots<V>(image: Image<V>): StagedSlots {
  let table = STAGED.get(image as Image<unknown>);
  if (table === undefined) {
    const n = image.slots.length;
    table = { instructions: new Array(n).fill(undefined), runs: new Uint32Array(n), blocks: new Array(n).fill(undefined), blockWaits: new Uint8Array(n) };
    STAGED.set(image as Image<unknown>, table);
  }
  return table;
}

/**
 * The block starting at staged slot `index`: the staged instructions that follow it at the same EL and
 * SP, up to a taken branch or MAX_BLOCK; null when there is only the one; undefined while the next
 * instruction has not yet been staged or refused.
 */
function blockAt<V>(table: StagedSlots, index: number, slots: readonly (Slot<V> | undefined)[]): Block | null | undefined {
  const first = table.instructions[index]!;
  const members: StagedInstruction[] = [first];
  for (let i = index + 1; members.length < MAX_BLOCK && !members[members.length - 1]!.writesPc; i++) {
    const next = table.instructions[i];
    if (next === undefined && ++table.blockWaits[index]! < BLOCK_PATIENCE) return undefined;
    if (!next || next.el !== first.el || next.sp !== first.sp) break;
    members.push(next);
  }
  if (members.length < 2) return null;
  const addresses = members.map((_, k) => Number(slots[index + k]!.address));
  // The longest run from the start that WebAssembly can express, else the block in JavaScript.
  let compiled = 0;
  while (compiled < members.length && members[compiled]!.wasm !== undefined) compiled++;
  if (compiled >= 2) return stageWasmBlock(members.slice(0, compiled), addresses.slice(0, compiled));
  return stageBlock(members, addresses);
}

function where<V>(slot: Slot<V>): string {
  return `${hex64(slot.address)} '${slot.text}'`;
}

/** Runs `machine` from its current PC over `image`. */
export function run<V>(image: Image<V>, machine: Machine<V>, options: RunOptions<V> = {}): RunResult<V> {
  if (!options.trace) return runFrom(image, machine, options, undefined);
  // The trace observes through the machine's observers for this run only, whatever way it ends.
  const stateObserver = machine.state.observer;
  const memoryObserver = machine.memory.observer;
  const trace: TraceEntry<V>[] = [];
  attachTrace(machine, trace);
  try {
    return runFrom(image, machine, options, trace);
  } finally {
    machine.state.observer = stateObserver;
    machine.memory.observer = memoryObserver;
  }
}

function runFrom<V>(image: Image<V>, machine: Machine<V>, options: RunOptions<V>, trace: TraceEntry<V>[] | undefined): RunResult<V> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const historySize = Math.max(1, options.history ?? 8);
  // A ring of a power-of-two size, indexed with a mask (a modulo per step costs a division).
  const historyMask = 2 ** Math.ceil(Math.log2(historySize)) - 1;
  const history: (Slot<V> | undefined)[] = new Array(historyMask + 1).fill(undefined);
  const slots = image.slots;
  const base = image.base;
  const pstate = machine.state.pstate;
  const s = machine.state;
  const stopBefore = options.stopBefore;
  let steps = 0;
  let slot: Slot<V> | undefined;
  let previous: Slot<V> | undefined;
  /** The slot index of the block running, for a fault inside it. */
  let blockStart = -1;
  machine.exceptionRefusal = vectorRefusal(image, options.exceptions ?? 'vectored');
  const schedule = [...(options.interrupts ?? [])].sort((a, b) => a.step - b.step);
  let nextInterrupt = schedule.length > 0 ? schedule[0]!.step : -1;
  const stageAfter = options.stageAfter ?? DEFAULT_STAGE_AFTER;
  const staged = trace === undefined && stageAfter !== Infinity && (image.dom as Domain<unknown>) === concreteDomain ? stagedSlots(image) : undefined;
  // Blocks run several steps at once: not where a caller looks at every step.
  const blocks = stopBefore === undefined ? staged : undefined;

  const finish = (status: RunStatus, extra: Partial<RunResult<V>> = {}): RunResult<V> => ({ status, steps, machine, ...(trace ? { trace } : {}), ...extra });

  for (;;) {
  try {
    for (;;) {
      if (machine.exit !== undefined) return finish('exit', { exitStatus: machine.exit.status });
      const pc = s.pc;
      previous = slot;
      // The slot array holds every instruction compiled so far; slotAt compiles one on first use.
      slot = slots[(pc - base) / 4] ?? slotAt(image, pc);
      if (slot === undefined) {
        const from = previous === undefined ? '' : ` (after ${where(previous)})`;
        if (s.pstate.IL === 1) throw new MachineFault('illegal-state', `${illegalState(machine)}; the PC ${hex64(BigInt(pc))} is outside the program${from}`);
        throw new MachineFault('out-of-program', `the PC ${hex64(BigInt(pc))} is outside the program or misaligned${from}`);
      }
      if (pstate.nRW === 1) throw new MachineFault('aarch32', `execution continues in AArch32 state at ${hex64(BigInt(pc))}`);
      if (pstate.IL === 1) throw new MachineFault('illegal-state', illegalState(machine));
      if (stopBefore !== undefined && stopBefore(machine, slot)) return finish('stopped');
      while (steps === nextInterrupt) {
        const due = schedule.shift()!;
        assertInterrupt(machine, due.line, { pulse: due.pulse ?? false });
        nextInterrupt = schedule.length > 0 ? schedule[0]!.step : -1;
      }
      if (machine.interruptLines !== 0 && takePendingInterrupt(machine)) continue;
      if (steps >= maxSteps) return finish('step-limit', { diagnostic: stepLimit(maxSteps, history, historySize, steps, slot) });
      if (blocks !== undefined && machine.interruptLines === 0) {
        const index = (pc - base) / 4;
        let block = blocks.blocks[index];
        if (block === undefined && blocks.instructions[index]) block = blocks.blocks[index] = blockAt(blocks, index, slots);
        if (block && steps + block.length <= maxSteps && (nextInterrupt < 0 || steps + block.length <= nextInterrupt)) {
          blockStart = index;
          const done = block.run(machine as unknown as Machine<bigint>);
          blockStart = -1;
          if (done > 0) {
            for (let k = Math.max(0, done - historyMask - 1); k < done; k++) history[(steps + k) & historyMask] = slots[index + k];
            steps += done;
            slot = slots[index + done - 1];
            continue;
          }
        }
      }
      history[steps & historyMask] = slot;
      if (trace !== undefined) trace.push({ pc: slot.address, text: slot.text, origin: slot.origin, writes: [] });
      s.pc = pc + 4;
      steps++;
      if (staged !== undefined) {
        const index = (pc - base) / 4;
        const fast = staged.instructions[index];
        if (fast) {
          fast.exec(machine as unknown as Machine<bigint>);
          continue;
        }
        if (fast === undefined && ++staged.runs[index]! > stageAfter) {
          staged.instructions[index] = stageSlot(slot as unknown as Slot<bigint>, machine as unknown as Machine<bigint>) ?? null;
        }
      }
      slot.exec(machine);
    }
  } catch (thrown) {
    let e = thrown;
    if (e instanceof BlockFault) {
      // As if the interpreter had reached the faulting instruction: its slot, its step, the PC after it.
      if (e.completed > 0) previous = slots[blockStart + e.completed - 1];
      slot = slots[blockStart + e.completed]!;
      steps += e.completed + 1;
      s.pc = Number(slot.address) + 4;
      blockStart = -1;
      e = e.cause;
    }
    const fault = asFault(e);
    // The architecture's exception for the fault, when the exception policy takes it: run on at the vector.
    const notTaken = slot !== undefined && ARCHITECTURAL_FAULTS.has(fault.kind) ? takeFault(machine, fault, slot.address, slot.word) : undefined;
    if (slot !== undefined && ARCHITECTURAL_FAULTS.has(fault.kind) && notTaken === undefined) continue;
    // A PC that left the program is reported at the instruction that sent it there.
    const at = slot === undefined ? previous : slot;
    // A word no statement produced (data run as code) has no origin: report the instruction before it.
    const sourced = at !== undefined && at.origin.location.file !== '<program>' ? at : previous;
    const origin = sourced?.origin ?? { location: { file: '<program>', line: 0, col: 0 }, stack: [] };
    let message = at === undefined ? fault.message : `${fault.message} (at ${where(at)})`;
    if (sourced !== at && sourced !== undefined) message += `, reached from ${where(sourced)}`;
    if (notTaken !== undefined) message += `; ${notTaken}`;
    return finish('fault', {
      diagnostic: diagnostic(fault.code, message, origin),
      fault: { kind: fault.kind, pc: at?.address ?? BigInt(s.pc), text: at?.text ?? '', ...(fault.access ? { access: fault.access } : {}) },
    });
  }
  }
}

function illegalState<V>(machine: Machine<V>): string {
  return `illegal execution state (PSTATE.IL) after an illegal exception return: ${machine.illegalReturn ?? 'SPSR.IL was set'}`;
}

function asFault(e: unknown): MachineFault {
  if (e instanceof MachineFault) return e;
  if (e instanceof SymbolicValueError) return new MachineFault('symbolic', e.message);
  throw e;
}

/** `history` is a ring of a power-of-two size holding at least the last `shown` instructions. */
function stepLimit<V>(maxSteps: number, history: (Slot<V> | undefined)[], shown: number, steps: number, next: Slot<V>): Diagnostic {
  const last: Slot<V>[] = [];
  for (let k = Math.max(0, steps - shown); k < steps; k++) last.push(history[k & (history.length - 1)]!);
  const lines = last.map((sl) => {
    const { file, line, col } = sl.origin.location;
    const stack = sl.origin.stack.map((f) => ` in ${f.macro} at ${f.at.file}:${f.at.line}`).join('');
    return `  ${hex64(sl.address)}  ${sl.text.padEnd(28)} ${file}:${line}:${col}${stack}`;
  });
  return diagnostic('HL0704', `step limit of ${maxSteps} reached (a runaway loop?); the last ${last.length} instructions:\n${lines.join('\n')}`, next.origin);
}

function attachTrace<V>(machine: Machine<V>, trace: TraceEntry<V>[]): void {
  const current = (): Write<V>[] | undefined => trace[trace.length - 1]?.writes;
  const chainedState = machine.state.observer;
  machine.state.observer = {
    wrote: (w, value, width) => {
      chainedState?.wrote(w, value, width);
      current()?.push({ where: w, value, width });
    },
  };
  const chained = machine.memory.observer;
  machine.memory.observer = {
    stored: (address: bigint, bytes: AccessBytes, value: V) => {
      chained?.stored(address, bytes, value);
      current()?.push({ where: `[${hex64(address)}]`, value, width: bytes * 8 });
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The concrete machine as QEMU's `-M virt,virtualization=on` starts an ELF

/** Values QEMU's cortex-a57 gives read-only identification registers (the catalog leaves them UNKNOWN). */
export const CORTEX_A57_IDENTIFICATION: Readonly<Record<string, bigint>> = {
  midr_el1: 0x411fd070n,
  vpidr_el2: 0x411fd070n,
  mpidr_el1: 0x80000000n,
  vmpidr_el2: 0x80000000n,
};

export interface ConcreteMachineOptions {
  /** RAM size in bytes at the load address (QEMU virt: 128 MiB). */
  ramSize?: number;
  ramBase?: bigint;
  /** System register values at reset, by catalog name; others are their architectural reset or 0. */
  sysregs?: Record<string, bigint>;
  /** Start at EL1 (EL1h) instead of EL2h. */
  el?: 1 | 2;
}

/**
 * The reset state of the concrete domain: zero registers, catalog reset values, QEMU's identification;
 * its storage in `arena` when given (a machine's), else on its own.
 */
export function concreteReset(sysregs: Record<string, bigint> = {}, arena?: Arena): StateInit<bigint> {
  const values = { ...CORTEX_A57_IDENTIFICATION, ...sysregs };
  return {
    gpr: () => 0n,
    sp: () => 0n,
    vreg: () => 0n,
    nzcv: () => 0n,
    // Unboxed 64-bit storage: V8 compiles the semantics' bigint arithmetic on it to machine words.
    registerFile: (file, count) => (arena ? arena.registers(file, count) : new BigUint64Array(count)) as unknown as bigint[],
    ...(arena ? { byteFile: (file: ByteFile, count: number) => arena.bytes(file, count), ownStorage: () => concreteReset(sysregs) } : {}),
    sysreg: (r: SystemRegister) => values[r.name] ?? (r.reset === undefined ? 0n : r.reset.value & r.reset.known),
  };
}

/** A fresh concrete machine with `image` loaded into RAM and the PC at its entry, at EL2h (or EL1h). */
export function concreteMachine(image: Image<bigint>, options: ConcreteMachineOptions = {}): Machine<bigint> {
  const D: Domain<bigint> = concreteDomain;
  const memory = new Memory(D);
  const ramBase = options.ramBase ?? DEFAULT_LOAD_ADDRESS;
  const ramSize = options.ramSize ?? 128 * 1024 * 1024;
  const arena = new Arena(ramBase, ramSize);
  memory.map(concreteRam('ram', ramBase, ramSize, 'ram', arena.ram));
  memory.writeBytes(BigInt(image.base), image.bytes);
  const state = new State(D, concreteReset(options.sysregs, arena));
  if (options.el === 1) state.pstate.EL = 1;
  state.pc = Number(image.entry);
  const machine = new Machine(D, state, memory);
  machine.arena = arena;
  return machine;
}
