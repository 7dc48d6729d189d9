// The two observation points of DESIGN.md ("What identical architectural state means") as plain
// records of named values, read from the machine, never from raw memory offsets:
//
//   guest-entry.*   after the eret into the guest: everything the guest can see, and the EL2 controls
//                   (traps, stage 2, timer, GIC) it runs under;
//   host-return.*   after the eret back to the host's hvc: the exit code, what AAPCS64 makes the callee
//                   keep, the host's EL1 and FP/SIMD state, the EL2 controls the host expects back;
//   vcpu.*          (with the host return) the guest context HYP saved, read through the variant's layout.
//
// Caller-saved x1-x18 are not observed at the host return: AAPCS64 lets a callee clobber them.

import { GetPSRFromPSTATE } from '../a64/semantics/exceptions.ts';
import type { Machine } from '../machine/machine.ts';
import { REG } from '../machine/state.ts';
import { GICH } from './gich.ts';
import type { GichDevice } from './gich.ts';
import { AARCH32_SPSRS, GUEST_EL2_CONTROLS, HOST_EL2_CONTROLS, HOST_SYSREG_SLOTS, SYSREG_SLOTS, catalogRegister } from './registers.ts';
import type { VcpuView } from './vcpu-fields.ts';

/** A plain record of named values, in a stable order (numbers, or a symbolic proof's terms). */
export type Observation<V = bigint> = Record<string, V>;

function sysreg<V>(m: Machine<V>, name: string): V {
  return m.state.stored(catalogRegister(name));
}

/** The EL1 state common to both points: GPRs, stack pointers, ELR/SPSR_EL1, FP/SIMD. */
function el1Registers<V>(m: Machine<V>, prefix: string, out: Observation<V>, gprs: readonly number[]): void {
  const s = m.state;
  for (const n of gprs) out[`${prefix}.${n === 30 && prefix === 'host-return' ? 'lr' : `x${n}`}`] = s.X(n);
}

function fpRegisters<V>(m: Machine<V>, prefix: string, out: Observation<V>): void {
  for (let n = 0; n < 32; n++) out[`${prefix}.v${n}`] = m.state.Vreg(n);
  out[`${prefix}.fpsr`] = m.state.stored(REG.fpsr);
  out[`${prefix}.fpcr`] = m.state.stored(REG.fpcr);
}

const ALL_GPRS = Array.from({ length: 31 }, (_, n) => n);
/** x0 (the exit code) and what AAPCS64 makes a callee preserve: x19-x29 and the return address. */
const HOST_GPRS = [0, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];

/**
 * At the guest entry, just after its eret. `pstate` is SPSR_EL2 at that eret: the PSTATE the guest
 * resumes with (the core keeps only NZCV, DAIF, EL, SP and nRW of an AArch32 PSTATE); `pc` is the
 * address the eret took from ELR_EL2.
 */
export function observeGuestEntry<V>(m: Machine<V>, pstate: V, pc: V, aarch32: boolean, gich: GichDevice<V> | undefined): Observation<V> {
  const p = 'guest-entry';
  const out: Observation<V> = {};
  resumeContext(m, p, out, pstate, pc);
  for (const slot of SYSREG_SLOTS) {
    if (slot.aarch32 && !aarch32) continue;
    // As the guest reads it: MPIDR_EL1 at EL1 reads VMPIDR_EL2.
    out[`${p}.${slot.register}`] = sysreg(m, slot.readAtEL1 ?? slot.register);
  }
  if (aarch32) for (const r of AARCH32_SPSRS) out[`${p}.${r.register}`] = sysreg(m, r.register);
  fpRegisters(m, p, out);
  for (const r of GUEST_EL2_CONTROLS) out[`${p}.${r}`] = sysreg(m, r);
  for (const r of ['cntvoff_el2', 'cntv_ctl_el0', 'cntv_cval_el0']) out[`${p}.${r}`] = sysreg(m, r);
  if (gich !== undefined) {
    out[`${p}.gich.hcr`] = gich.get(GICH.HCR);
    out[`${p}.gich.vmcr`] = gich.get(GICH.VMCR);
    out[`${p}.gich.apr`] = gich.get(GICH.APR);
    for (let n = 0; n < gich.nrLr; n++) out[`${p}.gich.lr[${n}]`] = gich.get(GICH.LR0 + 4 * n);
  }
  return out;
}

/** What the guest resumes with: X0-X30, its stack pointers, EL1 exception state, PC and PSTATE. */
function resumeContext<V>(m: Machine<V>, p: string, out: Observation<V>, pstate: V, pc: V): void {
  const s = m.state;
  el1Registers(m, p, out, ALL_GPRS);
  out[`${p}.sp_el0`] = s.SPOf(0);
  out[`${p}.sp_el1`] = s.SPOf(1);
  out[`${p}.elr_el1`] = s.stored(REG.elr_el1);
  out[`${p}.spsr_el1`] = s.stored(REG.spsr_el1);
  out[`${p}.pc`] = pc;
  out[`${p}.pstate`] = pstate;
}

/** After an eret that (should) resume the guest where it faulted (the PAR_EL1.F retry of a permission fault). */
export function observeGuestRetry<V>(m: Machine<V>, pstate: V, pc: V): Observation<V> {
  const p = 'guest-retry';
  const out: Observation<V> = {};
  resumeContext(m, p, out, pstate, pc);
  return out;
}

/** Back at EL1 after the host's hvc, with the vcpu as HYP left it. */
export function observeHostReturn<V>(m: Machine<V>, vcpu: VcpuView<V>, gich: GichDevice<V> | undefined): Observation<V> {
  const s = m.state;
  const p = 'host-return';
  const out: Observation<V> = {};
  el1Registers(m, p, out, HOST_GPRS);
  out[`${p}.sp`] = s.SP();
  out[`${p}.sp_el0`] = s.SPOf(0);
  out[`${p}.elr_el1`] = s.stored(REG.elr_el1);
  out[`${p}.spsr_el1`] = s.stored(REG.spsr_el1);
  out[`${p}.pc`] = m.dom.constant(BigInt(s.pc), 64);
  out[`${p}.pstate`] = GetPSRFromPSTATE(s);
  for (const slot of HOST_SYSREG_SLOTS) out[`${p}.${slot.register}`] = sysreg(m, slot.readAtEL1 ?? slot.register);
  fpRegisters(m, p, out);
  for (const r of HOST_EL2_CONTROLS) out[`${p}.${r}`] = sysreg(m, r);
  out[`${p}.sp_el2`] = s.SPOf(2);
  if (gich !== undefined) out[`${p}.gich.hcr`] = gich.get(GICH.HCR);
  return { ...out, ...vcpu.readAll() };
}
