// Exception entry and return: AArch64.TakeException (vector offsets, SPSR/ELR/ESR/FAR, PSTATE),
// AArch64.ExceptionReturn (ERET), and the exception-generating instructions svc/hvc/smc/brk, plus hlt
// as the semihosting call QEMU implements (`hlt #0xf000`).

import type { Decoded } from '../entry.ts';
import type { Domain } from '../domain.ts';
import type { ExceptionLevel } from '../sysregs.ts';
import type { Machine } from '../../machine/machine.ts';
import { REG, bankedRegisters } from '../../machine/state.ts';
import type { State } from '../../machine/state.ts';
import { MachineFault, hex64, undefinedInstruction } from '../../machine/faults.ts';
import { operand } from './types.ts';
import type { Exec, Semantics } from './types.ts';

export type ExceptionType = 'sync' | 'irq' | 'fiq' | 'serror';

/** Offset of each exception type within a group of the vector table. */
export const VECTOR_OFFSET: Readonly<Record<ExceptionType, number>> = { sync: 0x000, irq: 0x080, fiq: 0x100, serror: 0x180 };

/** Offset of each group: current EL with SP_EL0, current EL with SP_ELx, lower EL AArch64, lower EL AArch32. */
export const VECTOR_GROUP = { currentSP0: 0x000, currentSPx: 0x200, lowerAArch64: 0x400, lowerAArch32: 0x600 } as const;

/** Exception classes (ESR_ELx.EC) the core raises. */
export const EC = {
  unknown: 0x00,
  svc64: 0x15,
  hvc64: 0x16,
  smc64: 0x17,
  dataAbortLower: 0x24,
  dataAbortSame: 0x25,
  spAlignment: 0x26,
  brk64: 0x3c,
} as const;

/** The syndrome of a synchronous exception: ESR_ELx = EC:IL:ISS, and FAR_ELx when the exception has one. */
export interface Syndrome {
  ec: number;
  il: 0 | 1;
  iss: number;
  far?: bigint;
}

const HCR = { TGE: 27, HCD: 29, RW: 31, TSC: 19 } as const;

function hcrBit<V>(s: State<V>, bit: number): boolean {
  const D = s.dom;
  return D.decide(D.extract(s.stored(REG.hcr_el2), bit, bit));
}

/** ELUsingAArch32(el) for a lower EL: EL1 follows HCR_EL2.RW; EL0 follows PSTATE when it is executing. */
function lowerELIsAArch32<V>(s: State<V>, targetEL: ExceptionLevel): boolean {
  if (targetEL === 2) return !hcrBit(s, HCR.RW);
  return s.pstate.nRW === 1;
}

/** GetPSRFromPSTATE for an AArch64 SPSR: NZCV [31:28], IL [20], DAIF [9:6], M [4:0]. */
export function GetPSRFromPSTATE<V>(s: State<V>): V {
  const D = s.dom;
  const p = s.pstate;
  const fixed = (BigInt(p.IL) << 20n) | (BigInt(p.nRW) << 4n) | (BigInt(p.EL) << 2n) | BigInt(p.SP);
  const nzcv = D.shl(D.zeroExtend(s.NZCV(), 4, 64), 28, 64);
  const daif = D.shl(D.zeroExtend(s.DAIF(), 4, 64), 6, 64);
  return D.or(D.or(nzcv, daif, 64), D.constant(fixed, 64), 64);
}

/**
 * AArch64.TakeException(target_el, exception, preferred_exception_return, vect_offset): saves PSTATE
 * and the return address in SPSR/ELR of the target EL, writes the syndrome, masks DAIF, selects SP_ELx,
 * and branches into the target's vector table.
 */
export function TakeException<V>(m: Machine<V>, targetEL: ExceptionLevel, type: ExceptionType, preferredReturn: bigint, syndrome?: Syndrome): void {
  const s = m.state;
  const D = s.dom;
  let offset = VECTOR_OFFSET[type];
  if (targetEL > s.pstate.EL) offset += lowerELIsAArch32(s, targetEL) ? VECTOR_GROUP.lowerAArch32 : VECTOR_GROUP.lowerAArch64;
  else offset += s.pstate.SP === 1 ? VECTOR_GROUP.currentSPx : VECTOR_GROUP.currentSP0;
  const banked = bankedRegisters(targetEL);
  const spsr = GetPSRFromPSTATE(s);
  const from = s.pstate.EL;
  s.store(banked.spsr, spsr);
  s.store(banked.elr, D.constant(preferredReturn, 64));
  if (syndrome !== undefined) {
    s.store(banked.esr, D.constant((BigInt(syndrome.ec) << 26n) | (BigInt(syndrome.il) << 25n) | BigInt(syndrome.iss), 64));
    if (syndrome.far !== undefined) s.store(banked.far, D.constant(syndrome.far, 64));
  }
  s.pstate.EL = targetEL;
  s.pstate.nRW = 0;
  s.pstate.SP = 1;
  s.pstate.IL = 0;
  s.setDAIF(D.constant(0b1111n, 4));
  const vbar = D.concrete(s.stored(banked.vbar), 64, `VBAR_EL${targetEL}`);
  const target = (vbar & ~0x7ffn) | BigInt(offset);
  branchToAddress(s, target);
  m.record('exception', `${type} from EL${from} to EL${targetEL} at ${hex64(target)}`, preferredReturn);
}

/** Sets the PC; the runner checks at fetch whether it lies in the program. */
export function branchToAddress<V>(s: State<V>, target: bigint): void {
  if (target < 0n || target > BigInt(Number.MAX_SAFE_INTEGER)) throw new MachineFault('out-of-program', `branch to ${hex64(target)}, outside the program`);
  s.pc = Number(target);
}

/** BranchTo(target) for a register value: the address must be concrete. */
export function branchToValue<V>(s: State<V>, target: V): void {
  branchToAddress(s, s.dom.concrete(target, 64, 'branch target'));
}

/** The first of `candidates` that a `width`-bit value equals (a symbolic domain forks on each test). */
export function choose<V>(D: Domain<V>, value: V, width: number, candidates: readonly number[]): number | undefined {
  for (const c of candidates) if (D.decide(D.eq(value, D.constant(BigInt(c), width), width))) return c;
  return undefined;
}

/** SPSR.M[4:0] values of AArch64 states: EL0t, EL1t, EL1h, EL2t, EL2h. */
const AARCH64_MODES = [0b00000, 0b00100, 0b00101, 0b01000, 0b01001] as const;
/** AArch32 modes an EL1/EL0 can return to: usr (EL0); fiq, irq, svc, abt, und, sys (EL1). */
const AARCH32_MODES = [0x10, 0x11, 0x12, 0x13, 0x17, 0x1b, 0x1f] as const;

/** AArch64.ExceptionReturn(ELR[], SPSR[]): ERET. */
export function ExceptionReturn<V>(m: Machine<V>, pc: bigint): void {
  const s = m.state;
  const D = s.dom;
  const el = s.pstate.EL;
  if (el === 0) throw undefinedInstruction('eret at EL0');
  const banked = bankedRegisters(el);
  const spsr = s.stored(banked.spsr);
  const elr = s.stored(banked.elr);
  const mode = choose(D, D.extract(spsr, 4, 0), 5, [...AARCH64_MODES, ...AARCH32_MODES]);
  if (mode === undefined) throw new MachineFault('illegal-return', `eret with SPSR_EL${el}.M not a valid mode`);
  const aarch32 = (mode & 0x10) !== 0;
  const targetEL = (aarch32 ? (mode === 0x10 ? 0 : 1) : mode >> 2) as ExceptionLevel;
  if (targetEL > el) throw new MachineFault('illegal-return', `eret from EL${el} to the higher EL${targetEL}`);
  if (el === 2 && targetEL === 1 && aarch32 === hcrBit(s, HCR.RW)) {
    throw new MachineFault('illegal-return', `eret to ${aarch32 ? 'AArch32' : 'AArch64'} EL1 while HCR_EL2.RW says ${aarch32 ? 'AArch64' : 'AArch32'}`);
  }
  s.setNZCV(D.extract(spsr, 31, 28));
  s.setDAIF(D.extract(spsr, 9, 6));
  s.pstate.IL = D.decide(D.extract(spsr, 20, 20)) ? 1 : 0;
  s.pstate.EL = targetEL;
  s.pstate.nRW = aarch32 ? 1 : 0;
  s.pstate.SP = aarch32 ? 1 : ((mode & 1) as 0 | 1);
  const target = D.concrete(aarch32 ? D.zeroExtend(D.extract(elr, 31, 0), 32, 64) : elr, 64, `ELR_EL${el}`);
  branchToAddress(s, target);
  m.record('eret', `eret from EL${el} to ${aarch32 ? 'AArch32 ' : ''}EL${targetEL} at ${hex64(target)}`, pc);
}

// ------------------------------------------------------------------------------------------------
// Exception-generating instructions

/** The EL a synchronous exception routed "to EL1 unless at EL2 or HCR_EL2.TGE" goes to. */
export function syncTargetEL<V>(s: State<V>): ExceptionLevel {
  if (s.pstate.EL === 2) return 2;
  if (s.pstate.EL === 0 && hcrBit(s, HCR.TGE)) return 2;
  return 1;
}

const ERET: Semantics = <V>(_d: Decoded, { address }: { address: bigint }): Exec<V> => (m) => ExceptionReturn(m, address);

const HVC: Semantics = <V>(d: Decoded, { address }: { address: bigint }): Exec<V> => {
  const imm = Number(operand(d, 0, 'imm').value);
  return (m) => {
    const s = m.state;
    if (s.pstate.EL === 0) throw undefinedInstruction('hvc at EL0');
    if (hcrBit(s, HCR.HCD)) throw undefinedInstruction('hvc with HCR_EL2.HCD set');
    TakeException(m, 2, 'sync', address + 4n, { ec: EC.hvc64, il: 1, iss: imm });
  };
};

const SVC: Semantics = <V>(d: Decoded, { address }: { address: bigint }): Exec<V> => {
  const imm = Number(operand(d, 0, 'imm').value);
  return (m) => TakeException(m, syncTargetEL(m.state), 'sync', address + 4n, { ec: EC.svc64, il: 1, iss: imm });
};

const SMC: Semantics = <V>(d: Decoded, { address }: { address: bigint }): Exec<V> => {
  const imm = Number(operand(d, 0, 'imm').value);
  return (m) => {
    const s = m.state;
    // No EL3: SMC is UNDEFINED, unless HCR_EL2.TSC traps it from EL1 to EL2 (preferred return: the SMC).
    if (s.pstate.EL === 1 && hcrBit(s, HCR.TSC)) return TakeException(m, 2, 'sync', address, { ec: EC.smc64, il: 1, iss: imm });
    throw undefinedInstruction('smc without EL3');
  };
};

const BRK: Semantics = <V>(d: Decoded, { address }: { address: bigint }): Exec<V> => {
  const imm = Number(operand(d, 0, 'imm').value);
  return (m) => TakeException(m, syncTargetEL(m.state), 'sync', address, { ec: EC.brk64, il: 1, iss: imm });
};

// ------------------------------------------------------------------------------------------------
// Semihosting (hlt #0xf000, operation in w0, parameter in x1), as QEMU implements it

const SEMIHOSTING_HLT = 0xf000;
const SYS_WRITEC = 0x03;
const SYS_WRITE0 = 0x04;
const SYS_EXIT = 0x18;
const SYS_EXIT_EXTENDED = 0x20;
const ADP_STOPPED_APPLICATION_EXIT = 0x20026n;

function readCString<V>(m: Machine<V>, address: bigint): string {
  let out = '';
  for (let a = address; out.length < 1 << 20; a++) {
    const c = Number(m.dom.concrete(m.memory.load(a, 1), 8, 'semihosting string'));
    if (c === 0) return out;
    out += String.fromCharCode(c);
  }
  return out;
}

const HLT: Semantics = <V>(d: Decoded): Exec<V> => {
  const imm = Number(operand(d, 0, 'imm').value);
  return (m) => {
    if (imm !== SEMIHOSTING_HLT) throw undefinedInstruction(`hlt #${imm} (halting debug is not enabled)`);
    const s = m.state;
    const D = m.dom;
    const op = Number(D.concrete(s.X(0, 32), 32, 'semihosting operation (w0)'));
    const param = D.concrete(s.X(1), 64, 'semihosting parameter (x1)');
    switch (op) {
      case SYS_EXIT:
      case SYS_EXIT_EXTENDED: {
        const reason = D.concrete(m.memory.load(param, 8), 64, 'SYS_EXIT reason');
        const status = D.concrete(m.memory.load(param + 8n, 8), 64, 'SYS_EXIT status');
        m.exit = { status: reason === ADP_STOPPED_APPLICATION_EXIT ? status : 1n };
        return;
      }
      case SYS_WRITE0:
        m.output += readCString(m, param);
        return;
      case SYS_WRITEC:
        m.output += String.fromCharCode(Number(D.concrete(m.memory.load(param, 1), 8, 'SYS_WRITEC character')));
        return;
    }
    throw new MachineFault('unsupported', `semihosting operation 0x${op.toString(16)} is not modelled`);
  };
};

export const EXCEPTIONS: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['ERET', ERET],
  ['HVC', HVC],
  ['SVC', SVC],
  ['SMC', SMC],
  ['BRK', BRK],
  ['HLT', HLT],
]);
