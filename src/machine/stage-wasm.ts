// Blocks of staged instructions compiled to WebAssembly. The staged trace of each instruction (its
// semantics run once on the staging domain, src/machine/stage.ts) is also kept as data: entry reads,
// value steps, guards and effects. When every step of a run of instructions has a WebAssembly form,
// the run becomes one function over the machine's arena (src/machine/arena.ts), where the registers,
// system registers and RAM live at fixed offsets: 64-bit values are i64, as the concrete domain's are.
// One compiled module serves every machine; each machine gets its own instance over its own arena.
//
// The function mirrors the concrete domain's operations exactly (widths, masks, shift rules). Whatever
// it cannot express it refuses at compile time (a value wider than 64 bits, a V register, the flags,
// an event), and the block stays JavaScript. At run time it leaves to JavaScript what is not plain
// RAM: an access outside the arena's RAM calls the memory (devices, faults), and a register the run
// has not given yet is reset by the state. A failed guard returns the number of instructions done.

import type { Domain } from '../a64/domain.ts';
import { ARENA } from './arena.ts';

/** A value in a staged trace. */
export type Expr =
  | { kind: 'const'; value: bigint }
  /** A value bound earlier in the instruction (an entry read or a step). */
  | { kind: 'local'; name: string }
  /** A concrete-domain operation; number arguments are widths, bit positions and shift amounts. */
  | { kind: 'op'; op: keyof Domain<bigint>; args: (Expr | number)[] }
  /** A system register's stored value, by catalog index. */
  | { kind: 'sys'; index: number }
  | { kind: 'load'; address: Expr; bytes: number }
  /** SPAlignmentCheckEnabled() as 0/1. */
  | { kind: 'alignment' };

/** One step of a staged trace, in the order the semantics performed it. */
export type Step =
  | { kind: 'entry'; name: string; from: 'x' | 'sp' | 'v' | 'flag'; n: number }
  | { kind: 'let'; name: string; expr: Expr }
  /** Continue only when `value` equals `expect`; else the interpreter runs the instruction. */
  | { kind: 'guard'; value: Expr; expect: bigint }
  | { kind: 'set'; file: 'x' | 'sp'; n: number; value: Expr }
  | { kind: 'sysreg'; index: number; value: Expr }
  | { kind: 'store'; address: Expr; bytes: number; value: Expr }
  | { kind: 'touch'; index: number }
  /** The PC set to a constant (a taken branch; only a block's last instruction). */
  | { kind: 'pc'; value: number }
  /** An effect only JavaScript performs (flags, V registers, events, SCTLR): no WebAssembly form. */
  | { kind: 'opaque'; what: string };

export class NotCompilable extends Error {}

// ------------------------------------------------------------------------------------------------
// Encoding

function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  return [...uleb(text.length), ...Buffer.from(text, 'utf8')];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const OP = {
  if: 0x04, else: 0x05, end: 0x0b, return: 0x0f, call: 0x10, drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i64Load: 0x29, i32Load8u: 0x2d, i64Load8u: 0x31, i64Load16u: 0x33, i64Load32u: 0x35,
  i32Store8: 0x3a, i64Store: 0x37, i64Store8: 0x3c, i64Store16: 0x3d, i64Store32: 0x3e,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i64Eqz: 0x50, i64Eq: 0x51, i64Ne: 0x52, i64LtS: 0x53, i64LtU: 0x54, i64LeU: 0x58, i64GeU: 0x5a,
  i32And: 0x71, i32Or: 0x72,
  i64Clz: 0x79, i64Add: 0x7c, i64Sub: 0x7d, i64Mul: 0x7e, i64DivS: 0x7f, i64DivU: 0x80, i64RemU: 0x82, i64And: 0x83, i64Or: 0x84, i64Xor: 0x85,
  i64Shl: 0x86, i64ShrS: 0x87, i64ShrU: 0x88, i64Rotr: 0x8a,
  i32WrapI64: 0xa7, i64ExtendI32U: 0xad,
} as const;
const VOID = 0x40;
const I32 = 0x7f;
const I64 = 0x7e;
const LOADS: Record<number, number> = { 1: OP.i64Load8u, 2: OP.i64Load16u, 4: OP.i64Load32u, 8: OP.i64Load };
const STORES: Record<number, number> = { 1: OP.i64Store8, 2: OP.i64Store16, 4: OP.i64Store32, 8: OP.i64Store };
const ALIGN: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3 };

/** Imported functions, by index (the block function follows them). */
const IMPORT = { storedAt: 0, touch: 1, load: 2, store: 3 } as const;
const BLOCK_FUNCTION = 4;
/** The block function's parameter: SPAlignmentCheckEnabled() at entry (no instruction of a block changes it). */
const CHECK = 0;
/**
 * Scratch i64 locals after the parameter: an address, its RAM offset, the RAM base and size, and two
 * for operations (their arguments are always bound values, so no two uses nest).
 */
const ADDRESS = 1;
const OFFSET = 2;
const RAM_BASE = 3;
const RAM_SIZE = 4;
const SCRATCH = 5;
const SCRATCH2 = 6;
const FIRST_VALUE = 7;

const MASK = (w: number): bigint => (1n << BigInt(w)) - 1n;

// ------------------------------------------------------------------------------------------------
// Code generation

/** The code of one block function. */
class FunctionCode {
  readonly bytes: number[] = [];
  private readonly locals = new Map<string, { index: number; bits: number }>();
  private count = FIRST_VALUE;
  /** The instruction being compiled (for guards and the slow paths' fault reports). */
  instruction = 0;

  get valueLocals(): number {
    return this.count - FIRST_VALUE;
  }

  /** Starts an instruction: its names are its own. */
  begin(instruction: number): void {
    this.instruction = instruction;
    this.locals.clear();
  }

  private emit(...b: number[]): void {
    for (const x of b) this.bytes.push(x);
  }

  private i64(value: bigint): void {
    this.emit(OP.i64Const, ...sleb(value));
  }

  private mask(width: number): void {
    if (width < 64) {
      this.i64(MASK(width));
      this.emit(OP.i64And);
    }
  }

  /** Sign-extends the i64 on the stack from `width` bits. */
  private signed(width: number): void {
    if (width < 64) {
      this.i64(BigInt(64 - width));
      this.emit(OP.i64Shl);
      this.i64(BigInt(64 - width));
      this.emit(OP.i64ShrS);
    }
  }

  private bind(nameOf: string, bits: number): number {
    if (bits > 64) throw new NotCompilable(`a ${bits}-bit value`);
    const index = this.count++;
    this.locals.set(nameOf, { index, bits });
    return index;
  }

  /** Emits `e` (an i64 on the stack) and returns an upper bound on its bit width. */
  expr(e: Expr): number {
    switch (e.kind) {
      case 'const': {
        if (e.value < 0n || e.value >= 1n << 64n) throw new NotCompilable('a constant wider than 64 bits');
        this.i64(e.value);
        return e.value.toString(2).length;
      }
      case 'local': {
        const l = this.locals.get(e.name);
        if (l === undefined) throw new NotCompilable(`no local ${e.name}`);
        this.emit(OP.localGet, ...uleb(l.index));
        return l.bits;
      }
      case 'alignment':
        this.emit(OP.localGet, CHECK, OP.i64ExtendI32U);
        return 1;
      case 'sys': {
        // given[i] === 0: the state resets the register first (storedAt), then it is read.
        this.emit(OP.i32Const, 0, OP.i32Load8u, 0, ...uleb(ARENA.given + e.index), OP.i32Eqz, OP.if, VOID);
        this.emit(OP.i32Const, ...sleb(BigInt(e.index)), OP.call, IMPORT.storedAt, OP.end);
        this.emit(OP.i32Const, 0, OP.i64Load, 3, ...uleb(ARENA.sys + 8 * e.index));
        return 64;
      }
      case 'load': {
        const load = LOADS[e.bytes];
        if (load === undefined) throw new NotCompilable(`a ${e.bytes}-byte load`);
        this.address(e.address, e.bytes);
        this.emit(OP.if, I64, OP.localGet, OFFSET, OP.i32WrapI64, load, ALIGN[e.bytes]!, ...uleb(ARENA.ram));
        this.emit(OP.else, OP.localGet, ADDRESS, OP.i32Const, ...sleb(BigInt(e.bytes)), OP.i32Const, ...sleb(BigInt(this.instruction)), OP.call, IMPORT.load, OP.end);
        return e.bytes * 8;
      }
      case 'op':
        return this.op(e.op, e.args);
    }
  }

  /** ADDRESS = `address`, OFFSET = its offset in RAM; leaves i32 1 when [address, +bytes) is in RAM. */
  private address(address: Expr, bytes: number): void {
    this.expr(address);
    this.emit(OP.localTee, ADDRESS, OP.localGet, RAM_BASE, OP.i64Sub, OP.localTee, OFFSET);
    this.emit(OP.localGet, RAM_SIZE);
    this.i64(BigInt(bytes));
    this.emit(OP.i64Sub, OP.i64LeU);
  }

  private arg(a: Expr | number | undefined): Expr {
    if (a === undefined || typeof a === 'number') throw new NotCompilable('a malformed operation');
    return a;
  }

  private num(a: Expr | number | undefined): number {
    if (typeof a !== 'number') throw new NotCompilable('a malformed operation');
    return a;
  }

  private op(op: string, args: (Expr | number)[]): number {
    const A = () => this.expr(this.arg(args[0]));
    const B = () => this.expr(this.arg(args[1]));
    const binary = (code: number, w: number, masked: boolean): number => {
      if (w > 64) throw new NotCompilable(`a ${w}-bit ${op}`);
      A();
      B();
      this.emit(code);
      if (masked) this.mask(w);
      return w;
    };
    switch (op) {
      case 'add':
        return binary(OP.i64Add, this.num(args[2]), true);
      case 'sub':
        return binary(OP.i64Sub, this.num(args[2]), true);
      case 'mul':
        return binary(OP.i64Mul, this.num(args[2]), true);
      case 'and':
        return binary(OP.i64And, this.num(args[2]), false);
      case 'or':
        return binary(OP.i64Or, this.num(args[2]), false);
      case 'xor':
        return binary(OP.i64Xor, this.num(args[2]), false);
      case 'neg': {
        const w = this.num(args[1]);
        if (w > 64) throw new NotCompilable('a wide neg');
        this.i64(0n);
        A();
        this.emit(OP.i64Sub);
        this.mask(w);
        return w;
      }
      case 'not': {
        const w = this.num(args[1]);
        if (w > 64) throw new NotCompilable('a wide not');
        A();
        this.i64(MASK(w));
        this.emit(OP.i64Xor);
        return w;
      }
      case 'shl': {
        const [n, w] = [this.num(args[1]), this.num(args[2])];
        if (w > 64) throw new NotCompilable('a wide shl');
        if (n >= 64) {
          this.i64(0n);
          return 1;
        }
        A();
        this.i64(BigInt(n));
        this.emit(OP.i64Shl);
        this.mask(w);
        return w;
      }
      case 'lshr': {
        const n = this.num(args[1]);
        const bits = A();
        if (n >= 64) {
          this.emit(OP.drop);
          this.i64(0n);
          return 1;
        }
        this.i64(BigInt(n));
        this.emit(OP.i64ShrU);
        return Math.max(1, bits - n);
      }
      case 'ashr': {
        const [n, w] = [this.num(args[1]), this.num(args[2])];
        if (w > 64) throw new NotCompilable('a wide ashr');
        A();
        this.signed(w);
        this.i64(BigInt(Math.min(n, 63)));
        this.emit(OP.i64ShrS);
        this.mask(w);
        return w;
      }
      case 'ror': {
        const [n, w] = [this.num(args[1]), this.num(args[2])];
        if (w > 64 || n >= w) throw new NotCompilable('a ror past its width');
        if (n === 0) return A();
        if (w === 64) {
          A();
          this.i64(BigInt(n));
          this.emit(OP.i64Rotr);
          return 64;
        }
        A();
        this.i64(BigInt(n));
        this.emit(OP.i64ShrU);
        A();
        this.i64(BigInt(w - n));
        this.emit(OP.i64Shl, OP.i64Or);
        this.mask(w);
        return w;
      }
      case 'extract': {
        const [hi, lo] = [this.num(args[1]), this.num(args[2])];
        if (hi > 63) throw new NotCompilable('an extract above bit 63');
        A();
        if (lo > 0) {
          this.i64(BigInt(lo));
          this.emit(OP.i64ShrU);
        }
        this.mask(hi - lo + 1);
        return hi - lo + 1;
      }
      case 'concat': {
        const loWidth = this.num(args[2]);
        const hiBits = A();
        if (hiBits + loWidth > 64) throw new NotCompilable('a concatenation wider than 64 bits');
        this.i64(BigInt(loWidth));
        this.emit(OP.i64Shl);
        B();
        this.emit(OP.i64Or);
        return hiBits + loWidth;
      }
      case 'signExtend': {
        const [from, to] = [this.num(args[1]), this.num(args[2])];
        if (to > 64) throw new NotCompilable('a sign extension past 64 bits');
        A();
        this.signed(from);
        this.mask(to);
        return to;
      }
      case 'eq':
      case 'ult':
      case 'slt': {
        const w = this.num(args[2]);
        if (w > 64) throw new NotCompilable(`a wide ${op}`);
        A();
        if (op === 'slt') this.signed(w);
        B();
        if (op === 'slt') this.signed(w);
        this.emit(op === 'eq' ? OP.i64Eq : op === 'ult' ? OP.i64LtU : OP.i64LtS, OP.i64ExtendI32U);
        return 1;
      }
      case 'ite': {
        const w = this.num(args[3]);
        if (w > 64) throw new NotCompilable('a wide ite');
        const a = this.expr(this.arg(args[1]));
        const b = this.expr(this.arg(args[2]));
        this.expr(this.arg(args[0]));
        this.emit(OP.i64Eqz, OP.i32Eqz, OP.select);
        return Math.max(a, b);
      }
      case 'shlBy':
      case 'lshrBy': {
        // amount >= w ? 0 : (a << amount) & mask, or a >> amount (below w, WebAssembly's shift is exact).
        const w = this.num(args[2]);
        if (w > 64) throw new NotCompilable(`a wide ${op}`);
        this.i64(0n);
        const bits = A();
        B();
        this.emit(op === 'shlBy' ? OP.i64Shl : OP.i64ShrU);
        if (op === 'shlBy') this.mask(w);
        B();
        this.i64(BigInt(w));
        this.emit(OP.i64GeU, OP.select);
        return op === 'shlBy' ? w : bits;
      }
      case 'ashrBy': {
        // signed(a) >> min(amount, w - 1), masked.
        const w = this.num(args[2]);
        if (w > 64) throw new NotCompilable('a wide ashrBy');
        A();
        this.signed(w);
        this.i64(BigInt(w - 1));
        B();
        B();
        this.i64(BigInt(w));
        this.emit(OP.i64GeU, OP.select, OP.i64ShrS);
        this.mask(w);
        return w;
      }
      case 'rorBy': {
        // n = amount % w; ((a >> n) | (a << (w - n))) & mask (for n = 0 the left part is masked away).
        const w = this.num(args[2]);
        if (w > 64) throw new NotCompilable('a wide rorBy');
        B();
        this.i64(BigInt(w));
        this.emit(OP.i64RemU, OP.localSet, SCRATCH);
        if (w === 64) {
          A();
          this.emit(OP.localGet, SCRATCH, OP.i64Rotr);
          return 64;
        }
        A();
        this.emit(OP.localGet, SCRATCH, OP.i64ShrU);
        A();
        this.i64(BigInt(w));
        this.emit(OP.localGet, SCRATCH, OP.i64Sub, OP.i64Shl, OP.i64Or);
        this.mask(w);
        return w;
      }
      case 'udiv': {
        // b = 0 ? 0 : a / b (WebAssembly traps on a zero divisor: divide by 1 instead, then select).
        this.i64(0n);
        const bits = A();
        B();
        B();
        this.emit(OP.i64Eqz, OP.i64ExtendI32U, OP.i64Or, OP.i64DivU);
        B();
        this.emit(OP.i64Eqz, OP.select);
        return bits;
      }
      case 'sdiv': {
        // b = 0 ? 0 : (signed(a) / signed(b)) & mask; the one overflow (-2^63 / -1) divides by 1 instead.
        const w = this.num(args[2]);
        if (w > 64) throw new NotCompilable('a wide sdiv');
        this.i64(0n);
        A();
        this.signed(w);
        this.emit(OP.localTee, SCRATCH);
        B();
        this.signed(w);
        this.emit(OP.localTee, SCRATCH2);
        this.emit(OP.drop);
        this.i64(1n);
        this.emit(OP.localGet, SCRATCH2);
        this.emit(OP.localGet, SCRATCH2, OP.i64Eqz);
        this.emit(OP.localGet, SCRATCH);
        this.i64(-(1n << 63n));
        this.emit(OP.i64Eq, OP.localGet, SCRATCH2);
        this.i64(-1n);
        this.emit(OP.i64Eq, OP.i32And, OP.i32Or, OP.select, OP.i64DivS);
        this.mask(w);
        B();
        this.emit(OP.i64Eqz, OP.select);
        return w;
      }
      case 'countLeadingZeros': {
        const w = this.num(args[1]);
        if (w > 64) throw new NotCompilable('a wide clz');
        A();
        this.emit(OP.i64Clz);
        this.i64(BigInt(64 - w));
        this.emit(OP.i64Sub);
        return 7;
      }
      default:
        throw new NotCompilable(`no WebAssembly form for ${op}`);
    }
  }

  step(s: Step): void {
    switch (s.kind) {
      case 'entry': {
        if (s.from !== 'x' && s.from !== 'sp') throw new NotCompilable(`an entry read of ${s.from}`);
        const index = this.bind(s.name, 64);
        this.emit(OP.i32Const, 0, OP.i64Load, 3, ...uleb((s.from === 'x' ? ARENA.x : ARENA.sps) + 8 * s.n), OP.localSet, ...uleb(index));
        return;
      }
      case 'let': {
        const bits = this.expr(s.expr);
        this.emit(OP.localSet, ...uleb(this.bind(s.name, bits)));
        return;
      }
      case 'guard':
        this.expr(s.value);
        this.i64(s.expect);
        this.emit(OP.i64Ne, OP.if, VOID, OP.i32Const, ...sleb(BigInt(this.instruction)), OP.return, OP.end);
        return;
      case 'set':
        this.emit(OP.i32Const, 0);
        if (this.expr(s.value) > 64) throw new NotCompilable('a wide register value');
        this.emit(OP.i64Store, 3, ...uleb((s.file === 'x' ? ARENA.x : ARENA.sps) + 8 * s.n));
        return;
      case 'sysreg':
        this.emit(OP.i32Const, 0);
        this.expr(s.value);
        this.emit(OP.i64Store, 3, ...uleb(ARENA.sys + 8 * s.index));
        this.emit(OP.i32Const, 0, OP.i32Const, 1, OP.i32Store8, 0, ...uleb(ARENA.given + s.index));
        return;
      case 'store': {
        const store = STORES[s.bytes];
        if (store === undefined) throw new NotCompilable(`a ${s.bytes}-byte store`);
        this.address(s.address, s.bytes);
        this.emit(OP.if, VOID, OP.localGet, OFFSET, OP.i32WrapI64);
        this.expr(s.value);
        this.emit(store, ALIGN[s.bytes]!, ...uleb(ARENA.ram), OP.else, OP.localGet, ADDRESS, OP.i32Const, ...sleb(BigInt(s.bytes)));
        this.expr(s.value);
        this.emit(OP.i32Const, ...sleb(BigInt(this.instruction)), OP.call, IMPORT.store, OP.end);
        return;
      }
      case 'touch':
        this.emit(OP.i32Const, 0, OP.i32Load8u, 0, ...uleb(ARENA.seen + s.index), OP.i32Eqz, OP.if, VOID);
        this.emit(OP.i32Const, ...sleb(BigInt(s.index)), OP.call, IMPORT.touch, OP.end);
        return;
      case 'pc':
        return; // the caller sets the PC after the block
      case 'opaque':
        throw new NotCompilable(s.what);
    }
  }

  /** The whole function body: locals, the RAM bounds, the instructions, the count. */
  body(instructions: readonly (readonly Step[])[]): number[] {
    const code: number[] = [];
    const prologue = [OP.i32Const, 0, OP.i64Load, 3, ...uleb(ARENA.ramBase), OP.localSet, RAM_BASE, OP.i32Const, 0, OP.i64Load, 3, ...uleb(ARENA.ramSize), OP.localSet, RAM_SIZE];
    instructions.forEach((steps, i) => {
      this.begin(i);
      for (const s of steps) this.step(s);
    });
    code.push(...uleb(1), ...uleb(FIRST_VALUE - 1 + this.valueLocals), I64);
    code.push(...prologue, ...this.bytes, OP.i32Const, ...sleb(BigInt(instructions.length)), OP.end);
    return code;
  }
}

/** Whether an instruction's steps all have a WebAssembly form. */
export function compilable(steps: readonly Step[]): boolean {
  try {
    new FunctionCode().body([steps]);
    return true;
  } catch (e) {
    if (e instanceof NotCompilable) return false;
    throw e;
  }
}

/** The module of a block: imports the arena's memory and the slow paths, exports `run(check) -> done`. */
export function blockModule(instructions: readonly (readonly Step[])[]): WebAssembly.Module {
  const body = new FunctionCode().body(instructions);
  const types = [
    [0x60, 1, I32, 1, I32], // run(check) -> done
    [0x60, 1, I32, 0], // storedAt(index), touch(index)
    [0x60, 3, I64, I32, I32, 1, I64], // load(address, bytes, instruction) -> value
    [0x60, 4, I64, I32, I64, I32, 0], // store(address, bytes, value, instruction)
  ];
  const imports = [
    [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)],
    [...name('env'), ...name('storedAt'), 0x00, 1],
    [...name('env'), ...name('touch'), 0x00, 1],
    [...name('env'), ...name('load'), 0x00, 2],
    [...name('env'), ...name('store'), 0x00, 3],
  ];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(2, [...uleb(imports.length), ...imports.flat()]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('run'), 0x00, BLOCK_FUNCTION]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}
