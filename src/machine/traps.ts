// Configurable traps (ARMv8.0, no EL3): instructions that the controls of a higher EL send to that EL
// instead of executing. A world switch sets exactly these controls before it enters a guest.
//
//   HCR_EL2.TVM / TRVM   EL1 writes / reads of the virtual memory controls -> EL2, EC 0x18
//   HCR_EL2.TWI / TWE    wfi / wfe at EL1 or EL0                            -> EL2, EC 0x01
//   SCTLR_EL1.nTWI/nTWE  0 traps wfi / wfe at EL0                            -> EL1, EC 0x01
//   CPACR_EL1.FPEN       FP/SIMD at EL0 (01), or EL0 and EL1 (x0)            -> EL1, EC 0x07
//   CPTR_EL2.TFP         FP/SIMD at EL0, EL1 and EL2                         -> EL2, EC 0x07
//   HCR_EL2.TSC          smc at EL1 (see SMC in src/a64/semantics/exceptions.ts) -> EL2, EC 0x17
//
// Each is checked before the instruction runs, after the checks that make it UNDEFINED (an access the
// EL may not make at all is UNDEFINED, never trapped), in the Arm ARM's priority order: CPACR_EL1
// before CPTR_EL2. A trapped instruction's preferred return address is the instruction itself.
// Which instructions can trap is decided once, when the instruction is compiled; the rest pay nothing.

import type { Decoded } from '../a64/entry.ts';
import type { Exec } from '../a64/semantics/types.ts';
import type { ExceptionLevel, SystemRegister } from '../a64/sysregs.ts';
import { systemRegisterAccessible, systemRegisterByName, sysregTrapIss } from '../a64/sysregs.ts';
import { systemRegisterOf } from '../a64/table/system-registers.ts';
import { EC, HCR, ISS_CONDITION_ALWAYS, TakeException, hcrBit } from '../a64/semantics/exceptions.ts';
import type { Machine } from './machine.ts';
import { REG } from './state.ts';
import type { State } from './state.ts';

/** The EL1 virtual memory controls that HCR_EL2.TVM (writes) and HCR_EL2.TRVM (reads) trap. */
export const VIRTUAL_MEMORY_CONTROLS: readonly string[] = [
  'sctlr_el1', 'ttbr0_el1', 'ttbr1_el1', 'tcr_el1', 'esr_el1', 'far_el1', 'afsr0_el1', 'afsr1_el1', 'mair_el1', 'amair_el1', 'contextidr_el1',
];

/** System registers that are part of the FP/SIMD unit: accesses trap with it (EC 0x07). */
export const FP_SYSTEM_REGISTERS: readonly string[] = ['fpcr', 'fpsr', 'fpexc32_el2'];

/** CPTR_EL2.TFP [10]; CPACR_EL1.FPEN [21:20]; SCTLR_EL1.nTWI [16], nTWE [18]. */
const CPTR_TFP = 10;
const CPACR_FPEN_LO = 20;
const SCTLR_NTWI = 16;
const SCTLR_NTWE = 18;

const CPACR_EL1 = named('cpacr_el1');
const CPTR_EL2 = named('cptr_el2');
const VM_CONTROLS = new Set<SystemRegister>(VIRTUAL_MEMORY_CONTROLS.map(named));
const FP_REGISTERS = new Set<SystemRegister>(FP_SYSTEM_REGISTERS.map(named));

function named(name: string): SystemRegister {
  const r = systemRegisterByName(name);
  if (r === undefined) throw new Error(`system register '${name}' missing from the catalog`);
  return r;
}

function bitSet<V>(s: State<V>, r: SystemRegister, bit: number): boolean {
  const D = s.dom;
  return D.decide(D.extract(s.stored(r), bit, bit));
}

/** Returns true when it took a trap (the instruction must not run). */
type TrapCheck = <V>(m: Machine<V>) => boolean;

/** The EL an FP/SIMD access at the current EL traps to (CPACR_EL1 first, then CPTR_EL2), if any. */
export function fpTrapTarget<V>(s: State<V>): ExceptionLevel | undefined {
  const el = s.pstate.EL;
  if (el < 2) {
    const D = s.dom;
    const fpen = Number(D.concrete(D.extract(s.stored(CPACR_EL1), CPACR_FPEN_LO + 1, CPACR_FPEN_LO), 2, 'CPACR_EL1.FPEN'));
    const trapped = fpen === 0b01 ? el === 0 : fpen !== 0b11;
    if (trapped) return el === 0 && hcrBit(s, HCR.TGE) ? 2 : 1;
  }
  if (bitSet(s, CPTR_EL2, CPTR_TFP)) return 2;
  return undefined;
}

function fpTrap(address: bigint): TrapCheck {
  return (m) => {
    const target = fpTrapTarget(m.state);
    if (target === undefined) return false;
    TakeException(m, target, 'sync', address, { ec: EC.fpAccess, il: 1, iss: ISS_CONDITION_ALWAYS });
    return true;
  };
}

function sysregTrap(r: SystemRegister, rt: number, direction: 'read' | 'write', address: bigint): TrapCheck | undefined {
  const fp = FP_REGISTERS.has(r) ? fpTrap(address) : undefined;
  const vm = VM_CONTROLS.has(r);
  if (fp === undefined && !vm) return undefined;
  const iss = sysregTrapIss(r, rt, direction);
  const hcrTrap = direction === 'write' ? HCR.TVM : HCR.TRVM;
  return (m) => {
    const s = m.state;
    const el = s.pstate.EL;
    if (!systemRegisterAccessible(r, el, direction) || r.el > 2) return false; // UNDEFINED: the access itself says so
    if (fp !== undefined) return fp(m);
    if (el !== 1 || !hcrBit(s, hcrTrap)) return false;
    TakeException(m, 2, 'sync', address, { ec: EC.sysregTrap, il: 1, iss });
    return true;
  };
}

function wfxTrap(wfe: boolean, address: bigint): TrapCheck {
  const iss = ISS_CONDITION_ALWAYS | (wfe ? 1 : 0);
  return (m) => {
    const s = m.state;
    const el = s.pstate.EL;
    if (el === 2) return false;
    let target: ExceptionLevel | undefined;
    if (el === 0 && !bitSet(s, REG.sctlr_el1, wfe ? SCTLR_NTWE : SCTLR_NTWI)) target = hcrBit(s, HCR.TGE) ? 2 : 1;
    else if (hcrBit(s, wfe ? HCR.TWE : HCR.TWI)) target = 2;
    if (target === undefined) return false;
    TakeException(m, target, 'sync', address, { ec: EC.wfx, il: 1, iss });
    return true;
  };
}

/** Loads and stores of B/H/S/D/Q registers: the FP/SIMD register file. */
const FP_LOAD_STORE = /^(LD|ST)[A-Z]*_[BHSDQ]_(ldst|loadlit)/;

/** The trap check an instruction needs, or undefined when no control can trap it. */
export function trapCheckFor(d: Decoded, address: bigint): TrapCheck | undefined {
  const id = d.entry.id;
  if (FP_LOAD_STORE.test(id)) return fpTrap(address);
  if (id === 'WFI' || id === 'WFE') return wfxTrap(id === 'WFE', address);
  if (id === 'MRS_RS_systemmove' || id === 'MSR_SR_systemmove') {
    const r = systemRegisterOf(d.fields);
    if (r === undefined) return undefined;
    const read = id.startsWith('MRS');
    return sysregTrap(r, d.fields.Rt ?? 0, read ? 'read' : 'write', address);
  }
  return undefined;
}

/** `exec` preceded by the instruction's trap check, when it has one. */
export function withTraps<V>(d: Decoded, address: bigint, exec: Exec<V>): Exec<V> {
  const trapped = trapCheckFor(d, address);
  if (trapped === undefined) return exec;
  return (m) => {
    if (!trapped(m)) exec(m);
  };
}
