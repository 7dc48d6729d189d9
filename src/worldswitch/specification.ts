// The specification of a world switch, from the world alone (DESIGN.md): what each observed value must
// be, whatever the variant.
//
//   guest entry  = the vcpu context the host prepared (and the VM's stage 2, timer and GIC state);
//   host return  = the host state before the call (x0 = the exit code);
//   vcpu at exit = the guest's state when it exited (and the fault HYP recorded).
//
// Each function returns the values it determines; values a variant may choose (its trap policy, e.g.
// CPTR_EL2 while the guest runs) are left to the pairwise comparison with `original`.

import type { Domain } from '../a64/domain.ts';
import { concreteDomain } from '../a64/domain-concrete.ts';
import { HCR_MASK } from '../a64/semantics/exceptions.ts';
import { worldImage } from './host-program.ts';
import type { Variant } from './variant.ts';
import type { GuestContext, World } from './world.ts';
import { AARCH32_SPSRS, HOST_SYSREG_SLOTS, SYSREG_SLOTS, validFor } from './registers.ts';
import { contextValues } from './vcpu-fields.ts';
import type { Observation } from './observations.ts';

/** Where a variant's exit codes and the host's return come from. */
export interface SpecificationContext {
  /** ARM_EXCEPTION_IRQ and ARM_EXCEPTION_TRAP of the variant's layout. */
  exitCodes: { irq: bigint; trap: bigint };
  /** The host's instruction after its hvc. */
  hostReturn: bigint;
  /** __kvm_hyp_vector. */
  vectors: bigint;
}

/** The concrete domain, as the default of the functions below (a symbolic proof passes its own). */
function concrete<V>(): Domain<V> {
  return concreteDomain as unknown as Domain<V>;
}

/** What the guest resumes with (X0-X30, its stack pointers, EL1 exception state, PSTATE) at `pc`. */
function resumeContext<V>(p: string, g: GuestContext<V>, pc: V): Observation<V> {
  const out: Observation<V> = {};
  g.x.forEach((v, n) => (out[`${p}.x${n}`] = v));
  out[`${p}.sp_el0`] = g.sp_el0;
  out[`${p}.sp_el1`] = g.sp_el1;
  out[`${p}.elr_el1`] = g.elr_el1;
  out[`${p}.spsr_el1`] = g.spsr_el1;
  out[`${p}.pc`] = pc;
  out[`${p}.pstate`] = g.pstate;
  return out;
}

export function expectedGuestEntry<V = bigint>(world: World<V>, D: Domain<V> = concrete<V>()): Observation<V> {
  const p = 'guest-entry';
  const g = world.vcpu;
  const aarch32 = world.config.guest === 'aarch32';
  // ERET to AArch32 takes ELR_EL2[31:0].
  const out = resumeContext(p, g, aarch32 ? D.zeroExtend(D.extract(g.pc, 31, 0), 32, 64) : g.pc);
  for (const slot of SYSREG_SLOTS) {
    if (slot.aarch32 && !aarch32) continue;
    out[`${p}.${slot.register}`] = g.sysregs[slot.slot]!;
  }
  if (aarch32) for (const r of AARCH32_SPSRS) out[`${p}.${r.register}`] = g.spsr32[r.name]!;
  g.v.forEach((v, n) => (out[`${p}.v${n}`] = v));
  out[`${p}.fpsr`] = g.fpsr;
  out[`${p}.fpcr`] = g.fpcr;
  out[`${p}.hcr_el2`] = g.hcr_el2;
  out[`${p}.vttbr_el2`] = world.kvm.vttbr;
  if (world.config.timerEnabled) {
    out[`${p}.cntvoff_el2`] = world.kvm.cntvoff;
    out[`${p}.cntv_ctl_el0`] = g.timer.cntv_ctl;
    out[`${p}.cntv_cval_el0`] = g.timer.cntv_cval;
  }
  if (world.config.gic.present) {
    out[`${p}.gich.hcr`] = g.vgic.hcr;
    out[`${p}.gich.vmcr`] = g.vgic.vmcr;
    out[`${p}.gich.apr`] = g.vgic.apr;
    for (let n = 0; n < world.config.gic.nrLr; n++) out[`${p}.gich.lr[${n}]`] = g.vgic.lr[n]!;
  }
  return out;
}

/** The host's state as it made its hvc, and the exit code in x0. */
export function expectedHostReturn<V = bigint>(world: World<V>, c: SpecificationContext, D: Domain<V> = concrete<V>()): Observation<V> {
  const p = 'host-return';
  const h = world.host;
  const out: Observation<V> = {};
  const k = (value: bigint): V => D.constant(value, 64);
  out[`${p}.x0`] = k(world.config.exit === 'irq' ? c.exitCodes.irq : c.exitCodes.trap);
  for (let n = 19; n <= 29; n++) out[`${p}.x${n}`] = h.x[n]!;
  out[`${p}.lr`] = h.x[30]!;
  out[`${p}.sp`] = h.sp_el1;
  out[`${p}.sp_el0`] = h.sp_el0;
  out[`${p}.elr_el1`] = h.elr_el1;
  out[`${p}.spsr_el1`] = h.spsr_el1;
  out[`${p}.pc`] = k(c.hostReturn);
  out[`${p}.pstate`] = D.or(h.flags, k(0b0101n), 64); // EL1h
  for (const slot of HOST_SYSREG_SLOTS) out[`${p}.${slot.register}`] = h.sysregs[slot.slot]!;
  h.v.forEach((v, n) => (out[`${p}.v${n}`] = v));
  out[`${p}.fpsr`] = h.fpsr;
  out[`${p}.fpcr`] = h.fpcr;
  // The EL2 controls as the host had them (variants/README.md, "The host's call").
  out[`${p}.hcr_el2`] = k(validFor('hcr_el2', HCR_MASK.RW));
  out[`${p}.vttbr_el2`] = k(0n);
  out[`${p}.cptr_el2`] = k(validFor('cptr_el2', 0n));
  out[`${p}.hstr_el2`] = k(0n);
  out[`${p}.mdcr_el2`] = h.mdcr_el2;
  out[`${p}.cnthctl_el2`] = h.cnthctl_el2;
  out[`${p}.cntvoff_el2`] = k(0n);
  out[`${p}.vbar_el2`] = k(c.vectors);
  out[`${p}.vmpidr_el2`] = h.sysregs.MPIDR_EL1!;
  out[`${p}.sp_el2`] = k(world.placement.hypStackTop);
  // The virtual interface raises no maintenance interrupt while the host runs.
  if (world.config.gic.present) out[`${p}.gich.hcr`] = D.constant(0n, 32);
  return out;
}

/** The vcpu after the exit: the guest's state, what HYP recorded of the exit, the rest as prepared. */
export function expectedVcpuAtExit<V = bigint>(world: World<V>, D: Domain<V> = concrete<V>()): Observation<V> {
  const aarch32 = world.config.guest === 'aarch32';
  const prepared = contextValues(world.vcpu);
  const run = contextValues(world.run);
  const out: Observation<V> = { ...run };
  // Not written back: MPIDR (HYP owns VMPIDR_EL2); the AArch32 state of a 64-bit guest (it has none).
  out['vcpu.sys_regs[MPIDR_EL1]'] = prepared['vcpu.sys_regs[MPIDR_EL1]']!;
  if (!aarch32) {
    for (const s of SYSREG_SLOTS.filter((s) => s.aarch32)) out[`vcpu.sys_regs[${s.slot}]`] = prepared[`vcpu.sys_regs[${s.slot}]`]!;
    for (const s of AARCH32_SPSRS) out[`vcpu.spsr[${s.name.toUpperCase()}]`] = prepared[`vcpu.spsr[${s.name.toUpperCase()}]`]!;
  }
  // The timer is switched only for a VM that has one; the GIC only when there is a vgic, nr_lr LRs of it.
  const keep = (name: string): void => void (out[name] = prepared[name]!);
  if (!world.config.timerEnabled) ['vcpu.timer.cntv_ctl', 'vcpu.timer.cntv_cval'].forEach(keep);
  const lrs = world.run.vgic.lr.length;
  if (!world.config.gic.present) {
    for (const name of Object.keys(out)) if (name.startsWith('vcpu.vgic.')) keep(name);
  } else {
    for (let n = world.config.gic.nrLr; n < lrs; n++) keep(`vcpu.vgic.lr[${n}]`);
  }
  out['vcpu.vgic.nr_lr'] = D.constant(BigInt(world.config.gic.nrLr), 32);
  out['vcpu.hcr_el2'] = world.vcpu.hcr_el2;
  // The fault: ESR for every trap, FAR and HPFAR for an abort (HPFAR from PAR_EL1 for a permission fault).
  const f = world.vcpu.fault;
  const e = world.exit;
  switch (world.config.exit) {
    case 'irq':
      Object.assign(out, { 'vcpu.fault.esr_el2': f.esr_el2, 'vcpu.fault.far_el2': f.far_el2, 'vcpu.fault.hpfar_el2': f.hpfar_el2 });
      break;
    case 'hvc':
      Object.assign(out, { 'vcpu.fault.esr_el2': e.esr, 'vcpu.fault.far_el2': f.far_el2, 'vcpu.fault.hpfar_el2': f.hpfar_el2 });
      break;
    case 'dabt':
      Object.assign(out, { 'vcpu.fault.esr_el2': e.esr, 'vcpu.fault.far_el2': e.far, 'vcpu.fault.hpfar_el2': e.hpfar });
      break;
    case 'perm':
      Object.assign(out, { 'vcpu.fault.esr_el2': e.esr, 'vcpu.fault.far_el2': e.far, 'vcpu.fault.hpfar_el2': D.shl(D.lshr(e.ipa, 12, 64), 4, 64) });
      break;
  }
  return out;
}

/** The guest resumed by the PAR_EL1.F retry: exactly where and as it faulted. */
export function expectedGuestRetry<V = bigint>(world: World<V>): Observation<V> {
  const p = 'guest-retry';
  const g = world.run;
  const out = resumeContext(p, g, g.pc);
  return out;
}

export interface Mismatch<V = bigint> {
  name: string;
  expected: V;
  /** undefined when the observation lacks the value. */
  actual: V | undefined;
}

/** Every expected value the observation does not hold (terms of a symbolic proof compare by identity: they are interned). */
export function mismatches<V>(expected: Observation<V>, actual: Observation<V>): Mismatch<V>[] {
  const out: Mismatch<V>[] = [];
  for (const [name, value] of Object.entries(expected)) {
    const got = actual[name];
    if (got !== value) out.push({ name, expected: value, actual: got });
  }
  return out;
}

/** The specification's context for a variant: its exit codes, the host's return address, its vectors. */
/**
 * Observed values that are addresses in a variant's own code, and the context field each is: images
 * place their code differently, so variants compare them relative to their own (the specification
 * checks them absolutely).
 */
export const CODE_ADDRESSES: Readonly<Record<string, 'hostReturn' | 'vectors'>> = { 'host-return.pc': 'hostReturn', 'host-return.vbar_el2': 'vectors' };

/** Everything the specification says of a world switch; the PAR_EL1.F retry only when `retry`. */
export function expectedObservations<V = bigint>(world: World<V>, c: SpecificationContext, retry: boolean, D: Domain<V> = concrete<V>()): Observation<V> {
  return { ...expectedGuestEntry(world, D), ...(retry ? expectedGuestRetry(world) : {}), ...expectedHostReturn(world, c, D), ...expectedVcpuAtExit(world, D) };
}

export function specificationContext(variant: Variant): SpecificationContext {
  return {
    exitCodes: { irq: variant.layout.value('ARM_EXCEPTION_IRQ'), trap: variant.layout.value('ARM_EXCEPTION_TRAP') },
    hostReturn: worldImage(variant).host.returned,
    vectors: variant.symbols.__kvm_hyp_vector,
  };
}
