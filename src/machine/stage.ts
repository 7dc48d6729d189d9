// Staged execution of the concrete core: an instruction that runs often is traced once through its
// semantics on a machine whose value domain writes JavaScript (the staging domain), and the trace
// becomes one flat function over the real state. The semantics stay written once: the trace compiles
// the instruction's own semantics function (with its trap checks) for the staging domain, and every
// value operation in the staged code is a call of the concrete domain's own operation, which V8
// inlines into the flat function (fewer calls, fewer boxed BigInts than the interpreter's closures).
//
// While tracing, each value is a pair: the code that computes it at run time and its value now (the
// trace runs just before the real step, on the real state). Where the semantics branch on a value
// (`decide`), the staged code guards that the value is the same as when traced and otherwise runs the
// interpreter's closure ("slow"); guards are allowed only before the first side effect, so a failed
// guard leaves nothing half done. Anything the trace cannot express (a branch to a register value,
// an exception, a PSTATE change, a device access, a fault) leaves the instruction to the interpreter.
//
// Staged code is a template: every number in it (register numbers, immediates, addresses, guard
// values) is a parameter, so all instructions of one shape (`add xd, xn, #imm`) share one function
// that V8 optimises once, as it does for the interpreter's closures.
//
// The trace is also kept as data (entry reads, value steps, guards, effects). The run loop joins
// consecutive staged instructions into blocks: a run of instructions whose every step has a
// WebAssembly form becomes one WebAssembly function over the machine's arena (src/machine/stage-wasm.ts);
// other blocks call the staged functions in turn, without the run loop's per-step work.

import type { Domain, Width } from '../a64/domain.ts';
import { concreteDomain } from '../a64/domain-concrete.ts';
import type { Exec } from '../a64/semantics/types.ts';
import { compileInstruction } from '../a64/semantics/index.ts';
import { decode } from '../a64/decode.ts';
import { SYSTEM_REGISTERS } from '../a64/sysregs.ts';
import type { SystemRegister } from '../a64/sysregs.ts';
import type { AccessBytes, Memory } from './memory.ts';
import { Machine } from './machine.ts';
import type { EventKind } from './machine.ts';
import { State, sysregIndex } from './state.ts';
import type { StateInit } from './state.ts';
import type { Slot } from './image.ts';
import { blockModule, compilable } from './stage-wasm.ts';
import type { Arena } from './arena.ts';
import type { Expr, Step } from './stage-wasm.ts';

/** A value under staging: its value now, and the expression that computes it at run time (none for a constant). */
interface Staged {
  readonly value: bigint;
  /** Undefined for a constant, whose code is a template parameter. */
  readonly code: string | undefined;
  /** The same as data, for the WebAssembly form (src/machine/stage-wasm.ts); undefined for a constant. */
  readonly expr?: Expr;
}

class NotStageable extends Error {}

/** How staged code gives a step back to the interpreter (a block rewrites it). */
const SLOW_EXIT = 'return slow(m);';

const CD = concreteDomain;

function constant(value: bigint): Staged {
  return { value, code: undefined };
}

/** A bigint where a staged value is expected (a constant the caller made): a constant. */
function staged(v: Staged | bigint): Staged {
  return typeof v === 'bigint' ? constant(v) : v;
}

/** The statements of the function being staged, in the order the semantics performed them. */
class Trace {
  readonly lines: string[] = [];
  /** The same statements as data (entry reads first), for the WebAssembly form. */
  readonly entries: Step[] = [];
  readonly steps: Step[] = [];
  /** Locals read at entry (`const e0 = x[k3];`), in order of first use. */
  readonly prologue: string[] = [];
  /** The template's parameters: k0, k1, ... */
  readonly parameters: (bigint | number | string)[] = [];
  private temps = 0;
  private effects = false;
  /** A value handed out by `concrete` (an address) that the next memory access must consume. */
  pending: Staged | undefined;

  /** A number (or string) as a template parameter. */
  k(value: bigint | number | string): string {
    this.parameters.push(value);
    return `k${this.parameters.length - 1}`;
  }

  /** The code of a value: its expression, or a parameter holding the constant. */
  code(v: Staged | bigint | number): string {
    if (typeof v === 'number') return this.k(v);
    const s = staged(v);
    return s.code ?? this.k(s.value);
  }

  /** The data form of a value: its expression, or the constant. */
  expr(v: Staged | bigint): Expr {
    const s = staged(v);
    return s.expr ?? { kind: 'const', value: s.value };
  }

  bind(code: string, value: bigint, expr: Expr): Staged {
    const name = `t${this.temps++}`;
    this.lines.push(`const ${name} = ${code};`);
    this.steps.push({ kind: 'let', name, expr });
    return { code: name, value, expr: { kind: 'local', name } };
  }

  effect(line: string, step: Step): void {
    this.lines.push(line);
    this.steps.push(step);
    this.effects = true;
  }

  /** Continue only when `condition` (JavaScript) holds at run time; else the interpreter runs the step. */
  guard(condition: string, step: Step): void {
    if (this.effects) throw new NotStageable('a decision after a side effect');
    this.lines.push(`if (!(${condition})) ${SLOW_EXIT}`);
    this.steps.push(step);
  }

}

/** Where a value the instruction reads at entry lives: X[n], SP_ELn, V[n], or a PSTATE flag field. */
type Place = { kind: 'x' | 'sp' | 'v'; n: number } | { kind: 'flag'; name: (typeof FLAGS)[number] };

/**
 * A value read from the real state at entry. Both its value and its code are made on first use (a
 * trace touches few of the registers the tracing state starts with); the code is a local declared in
 * the prologue.
 */
class Entry implements Staged {
  private local: string | undefined;
  constructor(
    private readonly t: Trace,
    private readonly real: State<bigint>,
    private readonly place: Place,
  ) {}

  get value(): bigint {
    const p = this.place;
    if (p.kind === 'flag') return this.real[p.name];
    return p.kind === 'x' ? this.real.X(p.n) : p.kind === 'sp' ? this.real.SPOf(p.n) : this.real.Vreg(p.n);
  }

  get code(): string {
    if (this.local === undefined) {
      const t = this.t;
      const p = this.place;
      const source = p.kind === 'flag' ? `st.${p.name}` : p.kind === 'x' ? `x[${t.k(p.n)}]` : p.kind === 'sp' ? `sps[${t.k(p.n)}]` : `st.Vreg(${t.k(p.n)})`;
      this.local = `e${t.prologue.length}`;
      t.prologue.push(`const ${this.local} = ${source};`);
      t.entries.push({ kind: 'entry', name: this.local, from: p.kind, n: p.kind === 'flag' ? FLAGS.indexOf(p.name) : p.n });
    }
    return this.local;
  }

  get expr(): Expr {
    return { kind: 'local', name: this.code };
  }
}

type Operand = Staged | bigint | number;

/** Operations whose second argument is a shift amount. */
const SHIFTS = new Set<string>(['shl', 'lshr', 'ashr', 'ror']);

/**
 * The staging domain: each operation computes its value now and emits a call of the concrete operation
 * into the current trace. One domain serves every trace, so that what the state caches per domain (its
 * RES0/RES1 masks) is made once.
 */
function stagingDomain(current: () => Trace): Domain<Staged> {
  const op = (name: keyof Domain<bigint>, operands: Operand[]): Staged => {
    const args = operands.map((a) => (typeof a === 'number' ? a : staged(a)));
    const f = CD[name] as (...a: (bigint | number)[]) => bigint;
    const value = f(...args.map((a) => (typeof a === 'number' ? a : a.value)));
    if (args.every((a) => typeof a === 'number' || a.code === undefined)) return constant(value);
    const t = current();
    // Widths and bit positions stay literal (V8 folds the concrete operation's tests on them); a shift
    // amount, which varies within one instruction shape, is a parameter like every constant value.
    const code = args.map((a, i) => (typeof a !== 'number' ? t.code(a) : i === 1 && SHIFTS.has(name) ? t.k(a) : String(a)));
    return t.bind(`CD.${name}(${code.join(', ')})`, value, { kind: 'op', op: name, args: args.map((a) => (typeof a === 'number' ? a : t.expr(a))) });
  };
  const D: Domain<Staged> = {
    name: 'staging',
    constant: (value, width) => constant(CD.constant(value, width)),
    bit: (value) => constant(CD.bit(value)),
    add: (a, b, w) => op('add', [a, b, w]),
    sub: (a, b, w) => op('sub', [a, b, w]),
    mul: (a, b, w) => op('mul', [a, b, w]),
    neg: (a, w) => op('neg', [a, w]),
    udiv: (a, b, w) => op('udiv', [a, b, w]),
    sdiv: (a, b, w) => op('sdiv', [a, b, w]),
    and: (a, b, w) => op('and', [a, b, w]),
    or: (a, b, w) => op('or', [a, b, w]),
    xor: (a, b, w) => op('xor', [a, b, w]),
    not: (a, w) => op('not', [a, w]),
    countLeadingZeros: (a, w) => op('countLeadingZeros', [a, w]),
    shl: (a, n, w) => op('shl', [a, n, w]),
    lshr: (a, n, w) => op('lshr', [a, n, w]),
    ashr: (a, n, w) => op('ashr', [a, n, w]),
    ror: (a, n, w) => op('ror', [a, n, w]),
    shlBy: (a, b, w) => op('shlBy', [a, b, w]),
    lshrBy: (a, b, w) => op('lshrBy', [a, b, w]),
    ashrBy: (a, b, w) => op('ashrBy', [a, b, w]),
    rorBy: (a, b, w) => op('rorBy', [a, b, w]),
    zeroExtend: (a) => a,
    signExtend: (a, from: Width, to: Width) => op('signExtend', [a, from, to]),
    extract: (a, hi, lo) => op('extract', [a, hi, lo]),
    concat: (hi, lo, loWidth) => op('concat', [hi, lo, loWidth]),
    eq: (a, b, w) => op('eq', [a, b, w]),
    ult: (a, b, w) => op('ult', [a, b, w]),
    slt: (a, b, w) => op('slt', [a, b, w]),
    ite: (condition, a, b, w) => {
      const c = staged(condition);
      return c.code === undefined ? (c.value === 1n ? a : b) : op('ite', [c, a, b, w]);
    },
    decide(condition) {
      const c = staged(condition);
      const t = current();
      if (c.code !== undefined) t.guard(`${c.code} === ${t.k(c.value)}`, { kind: 'guard', value: t.expr(c), expect: c.value });
      return c.value === 1n;
    },
    concrete(value) {
      const a = staged(value);
      if (a.code === undefined) return a.value;
      const t = current();
      if (t.pending !== undefined) throw new NotStageable('two run-time addresses at once');
      t.pending = a;
      return a.value;
    },
  };
  return D;
}

/** The address the semantics passed to memory: the pending run-time value, or a constant. */
function addressOf(t: Trace, address: bigint): Staged {
  const pending = t.pending;
  t.pending = undefined;
  if (pending === undefined) return constant(address);
  if (pending.value !== address) throw new NotStageable('an address that is not the one made concrete');
  return pending;
}

/** Memory under staging: accesses to RAM become calls of the real memory; anything else is not staged. */
function stagingMemory(t: Trace, real: Memory<bigint>): Memory<Staged> {
  const ram = (address: bigint, bytes: number, write: boolean): void => {
    const r = real.regionAt(address, bytes);
    if (r === undefined || r.kind === 'device' || (write && r.kind === 'rom')) throw new NotStageable('not an access to RAM');
  };
  const memory = {
    observer: undefined,
    load(address: bigint, bytes: AccessBytes): Staged {
      ram(address, bytes, false);
      const a = addressOf(t, address);
      return t.bind(`mem.load(${t.code(a)}, ${bytes})`, real.load(address, bytes), { kind: 'load', address: t.expr(a), bytes });
    },
    store(address: bigint, bytes: AccessBytes, value: Staged): void {
      ram(address, bytes, true);
      const a = addressOf(t, address);
      t.effect(`mem.store(${t.code(a)}, ${bytes}, ${t.code(value)});`, { kind: 'store', address: t.expr(a), bytes, value: t.expr(value) });
    },
  };
  return memory as unknown as Memory<Staged>;
}

const SYSREG_BY_NAME = new Map<string, number>(SYSTEM_REGISTERS.map((r, i) => [r.name, i]));
const RESETS_ALIGNMENT_CHECK = new Set(['sctlr_el1', 'sctlr_el2'].map((name) => SYSREG_BY_NAME.get(name)!));
const FLAGS = ['N', 'Z', 'C', 'V', 'D', 'A', 'I', 'F'] as const;

/** The state under staging: starts from the real state's values, each read at entry from where it lives. */
function stagingState(t: Trace, D: Domain<Staged>, real: State<bigint>): State<Staged> {
  const init: StateInit<Staged> = {
    gpr: (n) => new Entry(t, real, { kind: 'x', n }),
    sp: (n) => new Entry(t, real, { kind: 'sp', n }),
    vreg: (n) => new Entry(t, real, { kind: 'v', n }),
    nzcv: () => constant(0n),
    // A register's stored value, read (and lazily reset) through the real state at that point.
    sysreg: (r: SystemRegister) => {
      const index = sysregIndex(r);
      return t.bind(`st.storedAt(${t.k(index)})`, real.storedAt(index), { kind: 'sys', index });
    },
  };
  const s = new State<Staged>(D, init);
  for (const name of FLAGS) s[name] = new Entry(t, real, { kind: 'flag', name });
  Object.assign(s.pstate, real.pstate);
  s.pc = real.pc;
  // The alignment check is decided per EL from SCTLR: stage it as a guard on the real state's cached answer.
  const enabled = real.SPAlignmentCheckEnabled();
  s.SPAlignmentCheckEnabled = () => {
    t.guard(`st.SPAlignmentCheckEnabled() === ${enabled}`, { kind: 'guard', value: { kind: 'alignment' }, expect: enabled ? 1n : 0n });
    return enabled;
  };
  const flags = (names: readonly (typeof FLAGS)[number][]) => names.map((f) => `st.${f} = ${t.code(s[f])};`).join(' ');
  s.observer = {
    wrote(where, value) {
      const x = /^x(\d+)$/.exec(where);
      if (x !== null) return t.effect(`x[${t.k(Number(x[1]))}] = ${t.code(value)};`, { kind: 'set', file: 'x', n: Number(x[1]), value: t.expr(value) });
      const sp = /^sp_el(\d)$/.exec(where);
      if (sp !== null) return t.effect(`sps[${t.k(Number(sp[1]))}] = ${t.code(value)};`, { kind: 'set', file: 'sp', n: Number(sp[1]), value: t.expr(value) });
      const q = /^q(\d+)$/.exec(where);
      if (q !== null) return t.effect(`st.setVreg(${t.k(Number(q[1]))}, ${t.code(value)});`, { kind: 'opaque', what: 'a V register write' });
      if (where === 'nzcv') return t.effect(flags(['N', 'Z', 'C', 'V']), { kind: 'opaque', what: 'a flags write' });
      if (where === 'daif') return t.effect(flags(['D', 'A', 'I', 'F']), { kind: 'opaque', what: 'a DAIF write' });
      const i = SYSREG_BY_NAME.get(where);
      // The value is masked already (the trace ran storeAt's masking); an SCTLR write also resets the
      // state's alignment-check cache, which only JavaScript does.
      const sysreg: Step = i !== undefined && !RESETS_ALIGNMENT_CHECK.has(i) ? { kind: 'sysreg', index: i, value: t.expr(value) } : { kind: 'opaque', what: `a write to ${where}` };
      if (i !== undefined) return t.effect(`st.storeAt(${t.k(i)}, ${t.code(value)});`, sysreg);
      throw new NotStageable(`a write to ${where}`);
    },
  };
  return s;
}

let tracing: Trace | undefined;
const STAGING = stagingDomain(() => {
  if (tracing === undefined) throw new NotStageable('no trace in progress');
  return tracing;
});

/** Makes a staged function from its template parameters, the concrete domain and the interpreter's closure. */
type Template = (CD: Domain<bigint>, slow: Exec<bigint>, k: readonly (bigint | number | string)[]) => Exec<bigint>;

/** Compiled templates by their text: instructions of one shape share one function. */
const TEMPLATES = new Map<string, Template>();

function template(parameters: number, body: string): Template {
  const key = `${parameters}\n${body}`;
  let made = TEMPLATES.get(key);
  if (made === undefined) {
    const names = Array.from({ length: parameters }, (_, i) => `k${i} = k[${i}]`);
    const bind = names.length > 0 ? `const ${names.join(', ')};\n` : '';
    made = new Function('CD', 'slow', 'k', `${bind}return function staged(m) {\n${body}\n};`) as Template;
    TEMPLATES.set(key, made);
  }
  return made;
}

/** An instruction traced once: its function, and what a block needs to know of it. */
export interface StagedInstruction {
  /** The instruction alone (the run loop has already advanced the PC). */
  readonly exec: Exec<bigint>;
  /** The PSTATE.EL and PSTATE.SP it was traced at. */
  readonly el: number;
  readonly sp: number;
  /** Whether it sets the PC (a taken branch): it must end a block. */
  readonly writesPc: boolean;
  /** Its PC afterwards (the next instruction's, or the branch target). */
  readonly pcAfter: number;
  /** Its trace as data (entry reads first), when every step has a WebAssembly form. */
  readonly wasm: readonly Step[] | undefined;
}

/**
 * Traces `slot` on `machine`'s current state (which it leaves unchanged) and returns the staged
 * instruction, or undefined when the instruction is left to the interpreter.
 */
export function stageSlot(slot: Slot<bigint>, machine: Machine<bigint>): StagedInstruction | undefined {
  const real = machine.state;
  const t = new Trace();
  tracing = t;
  const D = STAGING;
  const before = { ...real.pstate };
  // The entry guard's parameters come first, so that every template starts alike.
  const guard = `if (st.pstate.EL !== ${t.k(before.EL)} || st.pstate.SP !== ${t.k(before.SP)} || st.observer !== undefined || mem.observer !== undefined) ${SLOW_EXIT}`;
  const s = stagingState(t, D, real);
  const m = new Machine<Staged>(D, s, stagingMemory(t, machine.memory));
  m.recordEvents = machine.recordEvents;
  m.interruptLines = machine.interruptLines;
  m.interruptPulses = machine.interruptPulses;
  // An address translation answers from the real machine's own walk (the run decides it): not staged.
  m.translate = () => {
    throw new NotStageable('an address translation');
  };
  m.record = (kind: EventKind, name: string, pc: bigint) => t.effect(`m.record(${t.k(kind)}, ${t.k(name)}, ${t.k(pc)});`, { kind: 'opaque', what: 'an event' });
  try {
    const decoded = decode(slot.word);
    const exec = decoded === undefined ? undefined : compileInstruction(decoded, { dom: D, address: slot.address });
    if (exec === undefined) return undefined;
    exec(m);
  } catch {
    return undefined; // a fault, or something the trace cannot express: the interpreter runs it
  } finally {
    tracing = undefined;
  }
  const after = s.pstate;
  if (after.EL !== before.EL || after.SP !== before.SP || after.nRW !== before.nRW || after.IL !== before.IL) return undefined;
  if (t.pending !== undefined || m.exit !== undefined || m.output !== '' || m.interruptLines !== machine.interruptLines) return undefined;
  if (m.interruptPulses !== machine.interruptPulses) return undefined;
  const writesPc = s.pc !== real.pc;
  if (writesPc) t.effect(`st.pc = ${t.k(s.pc)};`, { kind: 'pc', value: s.pc });
  // Registers read or written through MRS/MSR are reported as touched, as the interpreter does.
  for (const r of s.touched) {
    const index = sysregIndex(r);
    t.effect(`st.touchAt(${t.k(index)});`, { kind: 'touch', index });
  }
  const code = [...t.prologue, ...t.lines].join('\n');
  const body = [HEADER, guard, code].join('\n');
  const exec = template(t.parameters.length, body)(CD, slot.exec, t.parameters);
  const steps = [...t.entries, ...t.steps];
  return { exec, el: before.EL, sp: before.SP, writesPc, pcAfter: s.pc, wasm: compilable(steps) ? steps : undefined };
}

const HEADER = 'const st = m.state, mem = m.memory, x = st.x, sps = st.sps;';

/** How many distinct staged shapes exist (for tests and the benchmark). */
export function stagedTemplateCount(): number {
  return TEMPLATES.size;
}

// ------------------------------------------------------------------------------------------------
// Blocks: consecutive staged instructions joined into one function

/**
 * Runs a block from its first instruction (the PC at its address) and returns how many of its
 * instructions completed, with the PC after the last; a guard that fails before instruction k returns
 * k with the PC at that instruction, which the interpreter then runs.
 */
export type BlockExec = (m: Machine<bigint>) => number;

/** A block: how to run it, how many instructions it holds, and whether it is WebAssembly. */
export interface Block {
  readonly run: BlockExec;
  readonly length: number;
  readonly wasm: boolean;
}

/** A fault raised inside a block, with how many instructions before it completed. */
export class BlockFault {
  constructor(
    readonly cause: unknown,
    readonly completed: number,
  ) {}
}

/** The longest block: long enough that the run loop's dispatch is rare. */
export const MAX_BLOCK = 64;

/**
 * The block of `instructions`, which lie at `addresses` one after another: each staged function in
 * turn with the PC advanced as the run loop advances it, leaving the block after one that changes the
 * PC (a taken branch). One shared function runs every block: per-block code would cost V8 a compile
 * per block, more than the run loop it saves.
 */
export function stageBlock(instructions: readonly StagedInstruction[], addresses: readonly number[]): Block {
  const execs = instructions.map((insn) => insn.exec);
  const next = Float64Array.from(addresses, (a) => a + 4);
  return { run: (m) => runBlock(m, execs, next), length: execs.length, wasm: false };
}

function runBlock(m: Machine<bigint>, execs: readonly Exec<bigint>[], next: Float64Array): number {
  const st = m.state;
  const n = execs.length;
  let i = 0;
  try {
    for (; i < n; i++) {
      const pc = next[i]!;
      st.pc = pc;
      execs[i]!(m);
      if (st.pc !== pc) return i + 1;
    }
  } catch (e) {
    throw new BlockFault(e, i);
  }
  return n;
}

// ------------------------------------------------------------------------------------------------
// Blocks in WebAssembly (src/machine/stage-wasm.ts)

/** The instruction a WebAssembly block's slow path was serving when it raised a fault. */
let faultingInstruction = 0;

/** The block's function on `m`'s arena, with the slow paths bound to `m`. */
function instantiate(module: WebAssembly.Module, m: Machine<bigint>, arena: Arena): (check: number) => number {
  const env = {
    memory: arena.memory,
    storedAt: (index: number) => void m.state.storedAt(index),
    touch: (index: number) => m.state.touchAt(index),
    load: (address: bigint, bytes: AccessBytes, instruction: number): bigint => {
      faultingInstruction = instruction;
      return m.memory.load(BigInt.asUintN(64, address), bytes);
    },
    store: (address: bigint, bytes: AccessBytes, value: bigint, instruction: number): void => {
      faultingInstruction = instruction;
      m.memory.store(BigInt.asUintN(64, address), bytes, BigInt.asUintN(bytes * 8, value));
    },
  };
  return new WebAssembly.Instance(module, { env }).exports.run as (check: number) => number;
}

/**
 * The block of `instructions` (every one with a WebAssembly form) compiled to one WebAssembly function
 * over the machine's arena; a machine without an arena runs it instruction by instruction.
 */
export function stageWasmBlock(instructions: readonly StagedInstruction[], addresses: readonly number[]): Block {
  const module = blockModule(instructions.map((insn) => insn.wasm!));
  const n = instructions.length;
  const { el, sp } = instructions[0]!;
  const end = instructions[n - 1]!.pcAfter;
  const instances = new WeakMap<Arena, (check: number) => number>();
  const run: BlockExec = (m) => {
    const st = m.state;
    const arena = m.arena;
    if (arena === undefined || st.pstate.EL !== el || st.pstate.SP !== sp || st.observer !== undefined || m.memory.observer !== undefined) return 0;
    let run = instances.get(arena);
    if (run === undefined) instances.set(arena, (run = instantiate(module, m, arena)));
    let done: number;
    faultingInstruction = 0;
    try {
      done = run(st.SPAlignmentCheckEnabled() ? 1 : 0);
    } catch (e) {
      throw new BlockFault(e, faultingInstruction);
    }
    st.pc = done === n ? end : addresses[done]!;
    return done;
  };
  return { run, length: n, wasm: true };
}
