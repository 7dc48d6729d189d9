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
  wfx: 0x01,
  fpAccess: 0x07,
  illegalState: 0x0e,
  hvc32: 0x12,
  svc64: 0x15,
  hvc64: 0x16,
  smc64: 0x17,
  sysregTrap: 0x18,
  dataAbortLower: 0x24,
  dataAbortSame: 0x25,
  spAlignment: 0x26,
  serror: 0x2f,
  brk64: 0x3c,
} as const;

/** ISS of a WFx or FP/SIMD trap from AArch64: CV [24] = 1 with COND [23:20] = 0b1110 (always). */
export const ISS_CONDITION_ALWAYS = (1 << 24) | (0xe << 20);

/** The syndrome of a synchronous exception: ESR_ELx = EC:IL:ISS, FAR_ELx and HPFAR_EL2 when it has them. */
export interface Syndrome {
  ec: number;
  il: 0 | 1;
  iss: number;
  far?: bigint;
  /** Stage-2 aborts only: the faulting IPA, as HPFAR_EL2 holds it (FIPA [39:4] = IPA[47:12]). */
  hpfar?: bigint;
}

/** HCR_EL2 bit positions (ARMv8.0): those the core acts on, and those a KVM guest is configured with. */
export const HCR = { VM: 0, SWIO: 1, FMO: 3, IMO: 4, AMO: 5, FB: 9, BSU_IS: 10, TWI: 13, TWE: 14, TSC: 19, TIDCP: 20, TACR: 21, TSW: 22, TVM: 26, TGE: 27, HCD: 29, TRVM: 30, RW: 31 } as const;
/** The same bits as 64-bit masks (`HCR_MASK.RW` is 1 << 31). */
export const HCR_MASK = Object.fromEntries(Object.entries(HCR).map(([name, bit]) => [name, 1n << BigInt(bit)])) as Record<keyof typeof HCR, bigint>;

export function hcrBit<V>(s: State<V>, bit: number): boolean {
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

/** The vector an exception of `type` to `targetEL` enters from the current state: VBAR_ELx + group + offset. */
function vectorAddress<V>(s: State<V>, targetEL: ExceptionLevel, type: ExceptionType): bigint {
  let offset = VECTOR_OFFSET[type];
  if (targetEL > s.pstate.EL) offset += lowerELIsAArch32(s, targetEL) ? VECTOR_GROUP.lowerAArch32 : VECTOR_GROUP.lowerAArch64;
  else offset += s.pstate.SP === 1 ? VECTOR_GROUP.currentSPx : VECTOR_GROUP.currentSP0;
  const vbar = s.dom.concrete(s.stored(bankedRegisters(targetEL).vbar), 64, `VBAR_EL${targetEL}`);
  return (vbar & ~0x7ffn) | BigInt(offset);
}

/** What an exception is, in words, for events and diagnostics. */
function describeException(type: ExceptionType, syndrome: Syndrome | undefined): string {
  if (type !== 'sync') return type.toUpperCase();
  const name = syndrome === undefined ? undefined : EC_NAMES[syndrome.ec];
  return `${name ?? 'synchronous exception'}${syndrome === undefined ? '' : ` (ESR EC 0x${syndrome.ec.toString(16).padStart(2, '0')})`}`;
}

const EC_NAMES: Readonly<Record<number, string>> = {
  [EC.unknown]: 'UNDEFINED instruction',
  [EC.wfx]: 'trapped WFI/WFE',
  [EC.fpAccess]: 'trapped FP/SIMD access',
  [EC.illegalState]: 'illegal execution state',
  [EC.svc64]: 'svc',
  [EC.hvc64]: 'hvc',
  [EC.smc64]: 'trapped smc',
  [EC.sysregTrap]: 'trapped system register access',
  [EC.dataAbortLower]: 'data abort from a lower EL',
  [EC.dataAbortSame]: 'data abort',
  [EC.spAlignment]: 'SP alignment fault',
  [EC.serror]: 'SError',
  [EC.brk64]: 'brk',
};

/**
 * AArch64.TakeException(target_el, exception, preferred_exception_return, vect_offset): saves PSTATE
 * and the return address in SPSR/ELR of the target EL, writes the syndrome, masks DAIF, selects SP_ELx,
 * and branches into the target's vector table. The machine's exception policy may refuse a vector that
 * is not in the program: then nothing changes and a 'no-vector' fault ends the run.
 */
export function TakeException<V>(m: Machine<V>, targetEL: ExceptionLevel, type: ExceptionType, preferredReturn: bigint, syndrome?: Syndrome): void {
  const s = m.state;
  const D = s.dom;
  const target = vectorAddress(s, targetEL, type);
  const what = describeException(type, syndrome);
  const refused = m.exceptionRefusal(target);
  if (refused !== undefined) {
    throw new MachineFault('no-vector', `${what} to EL${targetEL} not taken: its vector ${hex64(target)} (VBAR_EL${targetEL} + 0x${(target & 0x7ffn).toString(16)}) ${refused}`);
  }
  const banked = bankedRegisters(targetEL);
  const from = s.pstate.EL;
  s.store(banked.spsr, GetPSRFromPSTATE(s));
  s.store(banked.elr, D.constant(preferredReturn, 64));
  s.touch(banked.spsr);
  s.touch(banked.elr);
  if (syndrome !== undefined) {
    s.store(banked.esr, D.constant((BigInt(syndrome.ec) << 26n) | (BigInt(syndrome.il) << 25n) | BigInt(syndrome.iss), 64));
    s.touch(banked.esr);
    if (syndrome.far !== undefined) {
      s.store(banked.far, D.constant(syndrome.far, 64));
      s.touch(banked.far);
    }
    if (syndrome.hpfar !== undefined && targetEL === 2) {
      s.store(REG.hpfar_el2, D.constant(syndrome.hpfar, 64));
      s.touch(REG.hpfar_el2);
    }
  }
  s.pstate.EL = targetEL;
  s.pstate.nRW = 0;
  s.setSPSel(1);
  s.pstate.IL = 0;
  s.setDAIF(D.constant(0b1111n, 4));
  branchToAddress(s, target);
  m.record('exception', `${what} from EL${from} to EL${targetEL} at ${hex64(target)}`, preferredReturn);
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

/** SPSR.M[4:0] of the AArch64 states, by name (EL and the stack pointer: t = SP_EL0, h = SP_ELx). */
export const AARCH64_MODE = { EL0t: 0b00000, EL1t: 0b00100, EL1h: 0b00101, EL2t: 0b01000, EL2h: 0b01001 } as const;
const AARCH64_MODES = Object.values(AARCH64_MODE);
/** AArch32 modes an EL1/EL0 can return to: usr (EL0); fiq, irq, svc, abt, und, sys (EL1). */
const AARCH32_MODES = [0x10, 0x11, 0x12, 0x13, 0x17, 0x1b, 0x1f] as const;

/** The state an SPSR.M of an implemented mode returns to: AArch32 or not, and its EL. */
function returnTarget(mode: number): { aarch32: boolean; targetEL: ExceptionLevel } {
  const aarch32 = (mode & 0x10) !== 0;
  return { aarch32, targetEL: (aarch32 ? (mode === 0x10 ? 0 : 1) : mode >> 2) as ExceptionLevel };
}

/**
 * IllegalExceptionReturn(spsr): why returning with this SPSR.M from the current EL is illegal, or
 * undefined when it is legal. `mode` is undefined for an SPSR.M no implemented state has (EL3, hyp, mon,
 * reserved values).
 */
function illegalReturn<V>(s: State<V>, mode: number | undefined): string | undefined {
  const el = s.pstate.EL;
  if (mode === undefined) return 'SPSR.M is not a mode this PE implements';
  const { aarch32, targetEL } = returnTarget(mode);
  if (targetEL > el) return `the return is to EL${targetEL}, higher than EL${el}`;
  if (targetEL === 1 && el === 2 && hcrBit(s, HCR.TGE)) return 'the return is to EL1 while HCR_EL2.TGE is set';
  // ELUsingAArch32 of EL1 is fixed by HCR_EL2.RW; an AArch32 EL1 has an AArch32 EL0.
  const el1AArch32 = !hcrBit(s, HCR.RW);
  if (targetEL === 1 && aarch32 !== el1AArch32) return `the return is to ${aarch32 ? 'AArch32' : 'AArch64'} EL1 while HCR_EL2.RW says ${el1AArch32 ? 'AArch32' : 'AArch64'}`;
  if (targetEL === 0 && !aarch32 && (el === 1 ? s.pstate.nRW === 1 : el1AArch32)) return 'the return is to AArch64 EL0 under an AArch32 EL1';
  return undefined;
}

/**
 * AArch64.ExceptionReturn(ELR[], SPSR[]): ERET. A legal return restores PSTATE from SPSR_ELx and
 * branches to ELR_ELx, switching the stack pointer with the EL. An illegal one (see illegalReturn)
 * keeps EL, nRW and SPSel, restores the rest, sets PSTATE.IL and still branches to ELR_ELx: the next
 * instruction then raises an illegal execution state exception (EC 0x0E).
 */
export function ExceptionReturn<V>(m: Machine<V>, pc: bigint): void {
  const s = m.state;
  const D = s.dom;
  const el = s.pstate.EL;
  if (el === 0) throw undefinedInstruction('eret at EL0');
  const banked = bankedRegisters(el);
  const spsr = s.stored(banked.spsr);
  const elr = s.stored(banked.elr);
  const mode = choose(D, D.extract(spsr, 4, 0), 5, [...AARCH64_MODES, ...AARCH32_MODES]);
  const illegal = illegalReturn(s, mode);
  s.setNZCV(D.extract(spsr, 31, 28));
  s.setDAIF(D.extract(spsr, 9, 6));
  if (illegal !== undefined) {
    s.pstate.IL = 1;
    m.illegalReturn = illegal;
    const target = D.concrete(elr, 64, `ELR_EL${el}`);
    branchToAddress(s, target);
    m.record('eret', `illegal eret at EL${el} (${illegal}): PSTATE.IL set, PC ${hex64(target)}`, pc);
    return;
  }
  const { aarch32, targetEL } = returnTarget(mode!);
  s.pstate.IL = D.decide(D.extract(spsr, 20, 20)) ? 1 : 0;
  s.pstate.EL = targetEL;
  s.pstate.nRW = aarch32 ? 1 : 0;
  s.setSPSel(aarch32 ? 1 : ((mode! & 1) as 0 | 1));
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
