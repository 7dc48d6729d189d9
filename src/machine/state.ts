// Architectural state, reached only through accessors named as in the ASL: X[n] with the zero-register
// rule, SP[] selected by PSTATE.EL and PSTATE.SP, V[n] with its B/H/S/D/Q views, PSTATE, and the system
// registers of the catalog (src/a64/sysregs.ts) with their access rules and RES0/RES1 masks. Generic
// over the value domain: the same state holds numbers or terms.

import type { Domain, Width } from '../a64/domain.ts';
import { SYSTEM_REGISTERS, systemRegisterAccessible, systemRegisterByName } from '../a64/sysregs.ts';
import type { ExceptionLevel, SystemRegister } from '../a64/sysregs.ts';
import { undefinedInstruction } from './faults.ts';

/** What a register holds before the program writes it. */
export interface StateInit<V> {
  gpr(n: number): V;
  sp(el: number): V;
  vreg(n: number): V;
  /** The value a system register holds at reset (before RES0/RES1 are applied). */
  sysreg(r: SystemRegister): V;
  /** NZCV as a 4-bit value. */
  nzcv(): V;
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

/** ELR/SPSR/ESR/FAR/VBAR of an exception level (EL1 or EL2; EL3 is not implemented). */
export function bankedRegisters(el: ExceptionLevel): { elr: SystemRegister; spsr: SystemRegister; esr: SystemRegister; far: SystemRegister; vbar: SystemRegister } {
  if (el === 2) return { elr: REG.elr_el2, spsr: REG.spsr_el2, esr: REG.esr_el2, far: REG.far_el2, vbar: REG.vbar_el2 };
  return { elr: REG.elr_el1, spsr: REG.spsr_el1, esr: REG.esr_el1, far: REG.far_el1, vbar: REG.vbar_el1 };
}

/** The highest EL this machine implements: EL2, no EL3 (as QEMU's virt,virtualization=on). */
export const HIGHEST_EL: ExceptionLevel = 2;

export class State<V> {
  private readonly x: V[];
  private readonly sps: V[];
  private readonly v: V[];
  private readonly sys: (V | undefined)[];
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
    this.x = Array.from({ length: 31 }, (_, n) => init.gpr(n));
    this.sps = Array.from({ length: 3 }, (_, el) => init.sp(el));
    this.v = Array.from({ length: 32 }, (_, n) => init.vreg(n));
    this.sys = new Array(SYSTEM_REGISTERS.length).fill(undefined);
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
    this.observer?.wrote(`x${n}`, v, 64);
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
    this.observer?.wrote(`sp_el${el}`, value, 64);
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
    this.observer?.wrote(`q${n}`, v, 128);
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
    this.observer?.wrote('nzcv', nzcv, 4);
  }

  setFlags(n: V, z: V, c: V, v: V): void {
    this.N = n;
    this.Z = z;
    this.C = c;
    this.V = v;
    if (this.observer) this.observer.wrote('nzcv', this.NZCV(), 4);
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
    this.observer?.wrote('daif', daif, 4);
  }

  // ---------------------------------------------------------------------------------------------
  // System registers

  /** A register's storage, without access checks (what the exception logic reads: ELR_EL2, VBAR_EL2...). */
  stored(r: SystemRegister): V {
    const i = SYSREG_INDEX.get(r)!;
    let value = this.sys[i];
    if (value === undefined) {
      value = this.masked(r, this.init.sysreg(r));
      this.sys[i] = value;
    }
    return value;
  }

  /** Stores a value with the register's RES0 bits cleared and RES1 bits set. */
  store(r: SystemRegister, value: V): void {
    const v = this.masked(r, value);
    this.sys[SYSREG_INDEX.get(r)!] = v;
    this.observer?.wrote(r.name, v, 64);
  }

  private masked(r: SystemRegister, value: V): V {
    const D = this.dom;
    let v = value;
    if (r.res0 !== 0n) v = D.and(v, D.constant(~r.res0, 64), 64);
    if (r.res1 !== 0n) v = D.or(v, D.constant(r.res1, 64), 64);
    return v;
  }

  /** Whether a system register has been given a value (by a write or a read of its reset value). */
  hasStored(r: SystemRegister): boolean {
    return this.sys[SYSREG_INDEX.get(r)!] !== undefined;
  }

  /**
   * MRS: the value an instruction at the current EL reads, or UNDEFINED. Registers that are views of
   * PSTATE read it; MPIDR_EL1/MIDR_EL1 read at EL1 return VMPIDR_EL2/VPIDR_EL2 (EL2 is enabled).
   */
  readSysreg(r: SystemRegister): V {
    const el = this.pstate.EL;
    if (!systemRegisterAccessible(r, el, 'read') || r.el > HIGHEST_EL) throw undefinedInstruction(`mrs ${r.name} at EL${el}`);
    this.touched.add(r);
    const D = this.dom;
    switch (r) {
      case REG.nzcv:
        return D.shl(D.zeroExtend(this.NZCV(), 4, 64), 28, 64);
      case REG.daif:
        return D.shl(D.zeroExtend(this.DAIF(), 4, 64), 6, 64);
      case REG.currentel:
        return D.constant(BigInt(el) << 2n, 64);
      case REG.spsel:
        return D.constant(BigInt(this.pstate.SP), 64);
      case REG.sp_el0:
        if (this.pstate.SP === 0) throw undefinedInstruction('mrs sp_el0 while SP_EL0 is the stack pointer');
        return this.sps[0]!;
      case REG.sp_el1:
        return this.sps[1]!;
      case REG.mpidr_el1:
        if (el === 1) return this.stored(REG.vmpidr_el2);
        break;
      case REG.midr_el1:
        if (el === 1) return this.stored(REG.vpidr_el2);
        break;
    }
    return this.stored(r);
  }

  /** MSR: writes through the register's rules, or UNDEFINED. */
  writeSysreg(r: SystemRegister, value: V): void {
    const el = this.pstate.EL;
    if (!systemRegisterAccessible(r, el, 'write') || r.el > HIGHEST_EL) throw undefinedInstruction(`msr ${r.name} at EL${el}`);
    this.touched.add(r);
    const D = this.dom;
    switch (r) {
      case REG.nzcv:
        return this.setNZCV(D.extract(value, 31, 28));
      case REG.daif:
        return this.setDAIF(D.extract(value, 9, 6));
      case REG.spsel:
        return this.setSPSel(D.decide(D.extract(value, 0, 0)) ? 1 : 0);
      case REG.sp_el0:
        if (this.pstate.SP === 0) throw undefinedInstruction('msr sp_el0 while SP_EL0 is the stack pointer');
        return this.setSPOf(0, value);
      case REG.sp_el1:
        return this.setSPOf(1, value);
    }
    this.store(r, value);
  }

  setSPSel(sp: 0 | 1): void {
    this.pstate.SP = sp;
    this.observer?.wrote('spsel', this.dom.constant(BigInt(sp), 1), 1);
  }

  /** A copy that shares nothing mutable (for forking paths, or keeping a snapshot). */
  clone(): State<V> {
    const s = new State<V>(this.dom, this.init);
    s.x.splice(0, 31, ...this.x);
    s.sps.splice(0, 3, ...this.sps);
    s.v.splice(0, 32, ...this.v);
    s.sys.splice(0, this.sys.length, ...this.sys);
    s.pc = this.pc;
    [s.N, s.Z, s.C, s.V, s.D, s.A, s.I, s.F] = [this.N, this.Z, this.C, this.V, this.D, this.A, this.I, this.F];
    Object.assign(s.pstate, this.pstate);
    for (const r of this.touched) s.touched.add(r);
    return s;
  }
}
