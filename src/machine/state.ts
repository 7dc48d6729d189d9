// Architectural state, reached only through accessors named as in the ASL: X[n] with the zero-register
// rule, SP[] selected by PSTATE.EL and PSTATE.SP, V[n] with its B/H/S/D/Q views, PSTATE, and the system
// registers of the catalog (src/a64/sysregs.ts) with their access rules and RES0/RES1 masks. Generic
// over the value domain: the same state holds numbers or terms.
//
// Speed (the concrete domain runs millions of steps a second): 64-bit registers live in whatever
// `StateInit.registerFile` gives (a BigUint64Array for the concrete domain, so that V8 keeps values
// unboxed); system registers are reached by their catalog index, with the access rules, RES0/RES1
// masks and special cases resolved into tables once; the SP alignment check is cached until SCTLR or
// the EL changes.

import type { Domain, Width } from '../a64/domain.ts';
import { SYSTEM_REGISTERS, systemRegisterAccessible, systemRegisterByName } from '../a64/sysregs.ts';
import type { ExceptionLevel, SystemRegister } from '../a64/sysregs.ts';
import { undefinedInstruction } from './faults.ts';
import type { ByteFile, RegisterFile } from './arena.ts';

/** What a register holds before the program writes it. */
export interface StateInit<V> {
  gpr(n: number): V;
  sp(el: number): V;
  vreg(n: number): V;
  /** The value a system register holds at reset (before RES0/RES1 are applied). */
  sysreg(r: SystemRegister): V;
  /** NZCV as a 4-bit value. */
  nzcv(): V;
  /**
   * Storage for `count` 64-bit registers (X, SP, system registers), initially anything: a domain whose
   * values are bigints gives a BigUint64Array. Default: an ordinary array.
   */
  registerFile?(file: RegisterFile, count: number): V[];
  /** Storage for the system registers' bookkeeping bytes, zeroed (default: a new Uint8Array). */
  byteFile?(file: ByteFile, count: number): Uint8Array;
  /** The same reset values with storage of their own, for a clone (default: this init). */
  ownStorage?(): StateInit<V>;
}

/** PSTATE fields the core tracks as numbers: they select registers and decode paths. */
export interface ProcessState {
  EL: ExceptionLevel;
  /** PSTATE.SP: 0 = SP_EL0, 1 = SP_ELx. */
  SP: 0 | 1;
  /** 0 = AArch64, 1 = AArch32. */
  nRW: 0 | 1;
  /** PSTATE.IL, set by an illegal exception return. */
  IL: 0 | 1;
}

export interface StateObserver<V> {
  /** `where` is a register name (`x3`, `sp_el2`, `q0`, `nzcv`, `hcr_el2`). */
  wrote(where: string, value: V, width: Width): void;
}

const SYSREG_INDEX = new Map<SystemRegister, number>(SYSTEM_REGISTERS.map((r, i) => [r, i]));

/** A register's index in the catalog (and in the state's storage); resolve it once, when compiling. */
export function sysregIndex(r: SystemRegister): number {
  const i = SYSREG_INDEX.get(r);
  if (i === undefined) throw new Error(`system register '${r.name}' is not in the catalog`);
  return i;
}

function named(name: string): SystemRegister {
  const r = systemRegisterByName(name);
  if (r === undefined) throw new Error(`system register '${name}' missing from the catalog`);
  return r;
}

/** Catalog entries the state itself needs, resolved once. */
export const REG = {
  nzcv: named('nzcv'),
  daif: named('daif'),
  currentel: named('currentel'),
  spsel: named('spsel'),
  sp_el0: named('sp_el0'),
  sp_el1: named('sp_el1'),
  sp_el2: named('sp_el2'),
  mpidr_el1: named('mpidr_el1'),
  vmpidr_el2: named('vmpidr_el2'),
  midr_el1: named('midr_el1'),
  vpidr_el2: named('vpidr_el2'),
  hcr_el2: named('hcr_el2'),
  sctlr_el1: named('sctlr_el1'),
  sctlr_el2: named('sctlr_el2'),
  elr_el1: named('elr_el1'),
  elr_el2: named('elr_el2'),
  spsr_el1: named('spsr_el1'),
  spsr_el2: named('spsr_el2'),
  esr_el1: named('esr_el1'),
  esr_el2: named('esr_el2'),
  far_el1: named('far_el1'),
  far_el2: named('far_el2'),
  hpfar_el2: named('hpfar_el2'),
  vbar_el1: named('vbar_el1'),
  vbar_el2: named('vbar_el2'),
  par_el1: named('par_el1'),
  fpcr: named('fpcr'),
  fpsr: named('fpsr'),
} as const;

/** The highest EL this machine implements: EL2, no EL3 (as QEMU's virt,virtualization=on). */
export const HIGHEST_EL: ExceptionLevel = 2;
const HIGHEST_EL_NUMBER: number = HIGHEST_EL;

/** Registers whose reads or writes are views of other state (PSTATE, stack pointers, virtualised IDs). */
const Special = { None: 0, NZCV: 1, DAIF: 2, CurrentEL: 3, SPSel: 4, SP_EL0: 5, SP_EL1: 6, MPIDR_EL1: 7, MIDR_EL1: 8 } as const;
type Special = (typeof Special)[keyof typeof Special];

const SPECIAL_OF = new Map<SystemRegister, number>([
  [REG.nzcv, Special.NZCV],
  [REG.daif, Special.DAIF],
  [REG.currentel, Special.CurrentEL],
  [REG.spsel, Special.SPSel],
  [REG.sp_el0, Special.SP_EL0],
  [REG.sp_el1, Special.SP_EL1],
  [REG.mpidr_el1, Special.MPIDR_EL1],
  [REG.midr_el1, Special.MIDR_EL1],
]);

/** Per catalog index: the special case, and whether each EL (0..3, 4 entries per register) may read / write. */
const SPECIAL = Uint8Array.from(SYSTEM_REGISTERS, (r) => SPECIAL_OF.get(r) ?? Special.None);
const READABLE = new Uint8Array(SYSTEM_REGISTERS.length * 4);
const WRITABLE = new Uint8Array(SYSTEM_REGISTERS.length * 4);
SYSTEM_REGISTERS.forEach((r, i) => {
  for (const el of [0, 1, 2, 3] as const) {
    READABLE[i * 4 + el] = systemRegisterAccessible(r, el, 'read') && r.el <= HIGHEST_EL_NUMBER ? 1 : 0;
    WRITABLE[i * 4 + el] = systemRegisterAccessible(r, el, 'write') && r.el <= HIGHEST_EL_NUMBER ? 1 : 0;
  }
});
const SCTLR_EL1 = sysregIndex(REG.sctlr_el1);
const SCTLR_EL2 = sysregIndex(REG.sctlr_el2);
const VMPIDR_EL2 = sysregIndex(REG.vmpidr_el2);
const VPIDR_EL2 = sysregIndex(REG.vpidr_el2);

/** RES0/RES1 masks of every register as values of one domain, made once per domain. */
interface ReservedMasks<V> {
  /** ~RES0, or undefined where the register has no RES0 bits. */
  keep: (V | undefined)[];
  /** RES1, or undefined where it has none. */
  ones: (V | undefined)[];
}
const RESERVED_MASKS = new WeakMap<Domain<unknown>, ReservedMasks<unknown>>();

function reservedMasks<V>(D: Domain<V>): ReservedMasks<V> {
  let masks = RESERVED_MASKS.get(D as Domain<unknown>) as ReservedMasks<V> | undefined;
  if (masks === undefined) {
    masks = {
      keep: SYSTEM_REGISTERS.map((r) => (r.res0 === 0n ? undefined : D.constant(~r.res0, 64))),
      ones: SYSTEM_REGISTERS.map((r) => (r.res1 === 0n ? undefined : D.constant(r.res1, 64))),
    };
    RESERVED_MASKS.set(D as Domain<unknown>, masks as ReservedMasks<unknown>);
  }
  return masks;
}

/** ELR/SPSR/ESR/FAR/VBAR of an exception level (EL1 or EL2; EL3 is not implemented). */
export function bankedRegisters(el: ExceptionLevel): { elr: SystemRegister; spsr: SystemRegister; esr: SystemRegister; far: SystemRegister; vbar: SystemRegister } {
  if (el === 2) return { elr: REG.elr_el2, spsr: REG.spsr_el2, esr: REG.esr_el2, far: REG.far_el2, vbar: REG.vbar_el2 };
  return { elr: REG.elr_el1, spsr: REG.spsr_el1, esr: REG.esr_el1, far: REG.far_el1, vbar: REG.vbar_el1 };
}


export class State<V> {
  private readonly x: V[];
  private readonly sps: V[];
  private readonly v: V[];
  /** System registers by catalog index; `given[i]` is 1 once register i holds a value. */
  private readonly sys: V[];
  private readonly given: Uint8Array;
  /** 1 where the register is already in `touched` (saves a Set insertion per access). */
  private readonly seen: Uint8Array;
  private readonly reserved: ReservedMasks<V>;
  /** SPAlignmentCheckEnabled() per EL 0..2: -1 unknown, else 0/1; reset when SCTLR_EL1/EL2 is written. */
  private readonly alignmentCheck = new Int8Array([-1, -1, -1]);
  /** The PC as a number (addresses of loaded programs are far below 2^53). */
  pc = 0;
  /** PSTATE.{N,Z,C,V} and PSTATE.{D,A,I,F}, each a 1-bit value. */
  N: V;
  Z: V;
  C: V;
  V: V;
  D: V;
  A: V;
  I: V;
  F: V;
  readonly pstate: ProcessState = { EL: 2, SP: 1, nRW: 0, IL: 0 };
  /** System registers the program read or wrote, for reports. */
  readonly touched = new Set<SystemRegister>();
  observer: StateObserver<V> | undefined;

  constructor(
    readonly dom: Domain<V>,
    private readonly init: StateInit<V>,
  ) {
    const file = (name: RegisterFile, count: number): V[] => (init.registerFile ? init.registerFile(name, count) : new Array<V>(count));
    const bytes = (name: ByteFile, count: number): Uint8Array => (init.byteFile ? init.byteFile(name, count) : new Uint8Array(count));
    this.x = file('x', 31);
    for (let n = 0; n < 31; n++) this.x[n] = init.gpr(n);
    this.sps = file('sps', 3);
    for (let el = 0; el < 3; el++) this.sps[el] = init.sp(el);
    this.v = Array.from({ length: 32 }, (_, n) => init.vreg(n));
    this.sys = file('sys', SYSTEM_REGISTERS.length);
    this.given = bytes('given', SYSTEM_REGISTERS.length);
    this.seen = bytes('seen', SYSTEM_REGISTERS.length);
    this.reserved = reservedMasks(dom);
    const nzcv = init.nzcv();
    [this.N, this.Z, this.C, this.V] = [3, 2, 1, 0].map((b) => dom.extract(nzcv, b, b)) as [V, V, V, V];
    const one = dom.bit(true);
    [this.D, this.A, this.I, this.F] = [one, one, one, one];
  }

  // ---------------------------------------------------------------------------------------------
  // General-purpose registers and stack pointers

  /** X[n] read at `width` bits: register 31 reads as zero. */
  X(n: number, width: Width = 64): V {
    if (n === 31) return this.dom.constant(0n, width);
    const value = this.x[n]!;
    return width === 64 ? value : this.dom.extract(value, width - 1, 0);
  }

  /** X[n] = value: a W write zeroes bits 63:32; writes to register 31 are discarded. */
  setX(n: number, value: V, width: Width = 64): void {
    if (n === 31) return;
    const v = width === 64 ? value : this.dom.zeroExtend(value, width, 64);
    this.x[n] = v;
    if (this.observer !== undefined) this.observer.wrote(`x${n}`, v, 64);
  }

  /** The stack pointer the current EL and PSTATE.SP select (SP[] in the ASL). */
  SP(width: Width = 64): V {
    const value = this.sps[this.pstate.SP === 0 ? 0 : this.pstate.EL]!;
    return width === 64 ? value : this.dom.extract(value, width - 1, 0);
  }

  setSP(value: V, width: Width = 64): void {
    this.setSPOf(this.pstate.SP === 0 ? 0 : this.pstate.EL, width === 64 ? value : this.dom.zeroExtend(value, width, 64));
  }

  /** SP_ELx by number, regardless of PSTATE. */
  SPOf(el: number): V {
    return this.sps[el]!;
  }

  setSPOf(el: number, value: V): void {
    this.sps[el] = value;
    if (this.observer !== undefined) this.observer.wrote(`sp_el${el}`, value, 64);
  }

  /**
   * SP alignment checking for the current EL: SCTLR_ELx.SA (bit 3) at EL1/EL2, SCTLR_EL1.SA0 (bit 4)
   * at EL0. Decided once per EL and kept until SCTLR_EL1 or SCTLR_EL2 is written.
   */
  SPAlignmentCheckEnabled(): boolean {
    const el = this.pstate.EL;
    const known = this.alignmentCheck[el]!;
    if (known !== -1) return known === 1;
    const D = this.dom;
    const sctlr = this.storedAt(el === 2 ? SCTLR_EL2 : SCTLR_EL1);
    const bit = el === 0 ? 4 : 3;
    const enabled = D.decide(D.extract(sctlr, bit, bit));
    this.alignmentCheck[el] = enabled ? 1 : 0;
    return enabled;
  }

  // ---------------------------------------------------------------------------------------------
  // PC

  PC(): bigint {
    return BigInt(this.pc);
  }

  // ---------------------------------------------------------------------------------------------
  // SIMD&FP registers: V[n] is 128 bits; B/H/S/D/Q views are its low 8/16/32/64/128 bits

  Vreg(n: number, width: Width = 128): V {
    const value = this.v[n]!;
    return width === 128 ? value : this.dom.extract(value, width - 1, 0);
  }

  /** V[n] = value: a narrower write zeroes the rest of the register (as scalar loads and moves do). */
  setVreg(n: number, value: V, width: Width = 128): void {
    const v = width === 128 ? value : this.dom.zeroExtend(value, width, 128);
    this.v[n] = v;
    if (this.observer !== undefined) this.observer.wrote(`q${n}`, v, 128);
  }

  // ---------------------------------------------------------------------------------------------
  // PSTATE views

  /** NZCV as a 4-bit value (N in bit 3). */
  NZCV(): V {
    const D = this.dom;
    return D.concat(D.concat(this.N, this.Z, 1), D.concat(this.C, this.V, 1), 2);
  }

  setNZCV(nzcv: V): void {
    const D = this.dom;
    this.N = D.extract(nzcv, 3, 3);
    this.Z = D.extract(nzcv, 2, 2);
    this.C = D.extract(nzcv, 1, 1);
    this.V = D.extract(nzcv, 0, 0);
    if (this.observer !== undefined) this.observer.wrote('nzcv', nzcv, 4);
  }

  setFlags(n: V, z: V, c: V, v: V): void {
    this.N = n;
    this.Z = z;
    this.C = c;
    this.V = v;
    if (this.observer !== undefined) this.observer.wrote('nzcv', this.NZCV(), 4);
  }

  /** D, A, I, F as a 4-bit value (D in bit 3), as DAIF[9:6] holds them. */
  DAIF(): V {
    const D = this.dom;
    return D.concat(D.concat(this.D, this.A, 1), D.concat(this.I, this.F, 1), 2);
  }

  setDAIF(daif: V): void {
    const D = this.dom;
    this.D = D.extract(daif, 3, 3);
    this.A = D.extract(daif, 2, 2);
    this.I = D.extract(daif, 1, 1);
    this.F = D.extract(daif, 0, 0);
    if (this.observer !== undefined) this.observer.wrote('daif', daif, 4);
  }

  // ---------------------------------------------------------------------------------------------
  // System registers

  /** A register's storage, without access checks (what the exception logic reads: ELR_EL2, VBAR_EL2...). */
  stored(r: SystemRegister): V {
    return this.storedAt(sysregIndex(r));
  }

  /** `stored` by catalog index (see sysregIndex). */
  storedAt(i: number): V {
    if (this.given[i] === 0) {
      this.sys[i] = this.masked(i, this.init.sysreg(SYSTEM_REGISTERS[i]!));
      this.given[i] = 1;
    }
    return this.sys[i]!;
  }

  /** Stores a value with the register's RES0 bits cleared and RES1 bits set. */
  store(r: SystemRegister, value: V): void {
    this.storeAt(sysregIndex(r), value);
  }

  /** `store` by catalog index. */
  storeAt(i: number, value: V): void {
    const v = this.masked(i, value);
    this.sys[i] = v;
    this.given[i] = 1;
    if (i === SCTLR_EL1 || i === SCTLR_EL2) this.alignmentCheck.fill(-1);
    if (this.observer !== undefined) this.observer.wrote(SYSTEM_REGISTERS[i]!.name, v, 64);
  }

  private masked(i: number, value: V): V {
    const D = this.dom;
    let v = value;
    const keep = this.reserved.keep[i];
    if (keep !== undefined) v = D.and(v, keep, 64);
    const ones = this.reserved.ones[i];
    if (ones !== undefined) v = D.or(v, ones, 64);
    return v;
  }

  /** Whether a system register has been given a value (by a write or a read of its reset value). */
  hasStored(r: SystemRegister): boolean {
    return this.given[sysregIndex(r)] === 1;
  }

  /** Adds a register to `touched` (what MRS/MSR and exception entry do besides the access). */
  touch(r: SystemRegister): void {
    this.touchAt(sysregIndex(r));
  }

  /** `touch` by catalog index. */
  touchAt(i: number): void {
    if (this.seen[i] === 0) {
      this.seen[i] = 1;
      this.touched.add(SYSTEM_REGISTERS[i]!);
    }
  }

  /**
   * MRS: the value an instruction at the current EL reads, or UNDEFINED. Registers that are views of
   * PSTATE read it; MPIDR_EL1/MIDR_EL1 read at EL1 return VMPIDR_EL2/VPIDR_EL2 (EL2 is enabled).
   */
  readSysreg(r: SystemRegister): V {
    return this.readSysregAt(sysregIndex(r));
  }

  /** `readSysreg` by catalog index. */
  readSysregAt(i: number): V {
    const el = this.pstate.EL;
    if (READABLE[i * 4 + el] === 0) throw undefinedInstruction(`mrs ${SYSTEM_REGISTERS[i]!.name} at EL${el}`);
    this.touchAt(i);
    const special = SPECIAL[i]! as Special;
    return special === Special.None ? this.storedAt(i) : this.readSpecial(special, i, el);
  }

  private readSpecial(special: Special, i: number, el: ExceptionLevel): V {
    const D = this.dom;
    switch (special) {
      case Special.NZCV:
        return D.shl(D.zeroExtend(this.NZCV(), 4, 64), 28, 64);
      case Special.DAIF:
        return D.shl(D.zeroExtend(this.DAIF(), 4, 64), 6, 64);
      case Special.CurrentEL:
        return D.constant(BigInt(el) << 2n, 64);
      case Special.SPSel:
        return D.constant(BigInt(this.pstate.SP), 64);
      case Special.SP_EL0:
        if (this.pstate.SP === 0) throw undefinedInstruction('mrs sp_el0 while SP_EL0 is the stack pointer');
        return this.sps[0]!;
      case Special.SP_EL1:
        return this.sps[1]!;
      case Special.MPIDR_EL1:
        return this.storedAt(el === 1 ? VMPIDR_EL2 : i);
      case Special.MIDR_EL1:
        return this.storedAt(el === 1 ? VPIDR_EL2 : i);
    }
    return this.storedAt(i);
  }

  /** MSR: writes through the register's rules, or UNDEFINED. */
  writeSysreg(r: SystemRegister, value: V): void {
    this.writeSysregAt(sysregIndex(r), value);
  }

  /** `writeSysreg` by catalog index. */
  writeSysregAt(i: number, value: V): void {
    const el = this.pstate.EL;
    if (WRITABLE[i * 4 + el] === 0) throw undefinedInstruction(`msr ${SYSTEM_REGISTERS[i]!.name} at EL${el}`);
    this.touchAt(i);
    const special = SPECIAL[i]! as Special;
    if (special === Special.None) return this.storeAt(i, value);
    const D = this.dom;
    switch (special) {
      case Special.NZCV:
        return this.setNZCV(D.extract(value, 31, 28));
      case Special.DAIF:
        return this.setDAIF(D.extract(value, 9, 6));
      case Special.SPSel:
        return this.setSPSel(D.decide(D.extract(value, 0, 0)) ? 1 : 0);
      case Special.SP_EL0:
        if (this.pstate.SP === 0) throw undefinedInstruction('msr sp_el0 while SP_EL0 is the stack pointer');
        return this.setSPOf(0, value);
      case Special.SP_EL1:
        return this.setSPOf(1, value);
    }
    this.storeAt(i, value);
  }

  setSPSel(sp: 0 | 1): void {
    this.pstate.SP = sp;
    if (this.observer !== undefined) this.observer.wrote('spsel', this.dom.constant(BigInt(sp), 1), 1);
  }

  /** A copy that shares nothing mutable (for forking paths, or keeping a snapshot). */
  clone(): State<V> {
    const s = new State<V>(this.dom, this.init.ownStorage?.() ?? this.init);
    for (let n = 0; n < 31; n++) s.x[n] = this.x[n]!;
    for (let el = 0; el < 3; el++) s.sps[el] = this.sps[el]!;
    for (let n = 0; n < 32; n++) s.v[n] = this.v[n]!;
    for (let i = 0; i < this.sys.length; i++) if (this.given[i] === 1) s.sys[i] = this.sys[i]!;
    s.given.set(this.given);
    s.seen.set(this.seen);
    s.alignmentCheck.set(this.alignmentCheck);
    s.pc = this.pc;
    [s.N, s.Z, s.C, s.V, s.D, s.A, s.I, s.F] = [this.N, this.Z, this.C, this.V, this.D, this.A, this.I, this.F];
    Object.assign(s.pstate, this.pstate);
    for (const r of this.touched) s.touched.add(r);
    return s;
  }
}
