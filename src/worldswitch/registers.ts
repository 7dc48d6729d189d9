// The registers a world switch moves, as tables: which EL1 system registers sit in a vcpu's
// sys_regs[] (by the contract's SysReg names), which AArch32 registers a 32-bit guest has, and the EL2
// controls the host expects back. Values are always made valid for their register (RES0 clear, RES1
// set, AArch32 registers 32 bits wide), so that what the machine stores is what the world says.

import { applyReservedBits, systemRegisterByName } from '../a64/sysregs.ts';
import type { SystemRegister } from '../a64/sysregs.ts';

/** One slot of `kvm_cpu_context.sys_regs[]`: the contract's SysReg name and the register behind it. */
export interface SysregSlot {
  /** The `SysReg` enum member every layout exports (variants/README.md). */
  slot: string;
  /** The catalog register that holds it while the vcpu runs. */
  register: string;
  /** What EL1 reads instead (MPIDR_EL1 reads VMPIDR_EL2 at EL1 when EL2 is enabled). */
  readAtEL1?: string;
  /** Only an AArch32 guest (HCR_EL2.RW = 0) has it; the switch saves it only then. */
  aarch32?: boolean;
  /** The guest cannot write it (the world switch never writes it back). */
  readOnly?: boolean;
}

/** The sys_regs[] slots, in the contract's order (a variant may number them differently). */
export const SYSREG_SLOTS: readonly SysregSlot[] = [
  { slot: 'MPIDR_EL1', register: 'mpidr_el1', readAtEL1: 'vmpidr_el2', readOnly: true },
  { slot: 'CSSELR_EL1', register: 'csselr_el1' },
  { slot: 'SCTLR_EL1', register: 'sctlr_el1' },
  { slot: 'ACTLR_EL1', register: 'actlr_el1' },
  { slot: 'CPACR_EL1', register: 'cpacr_el1' },
  { slot: 'TTBR0_EL1', register: 'ttbr0_el1' },
  { slot: 'TTBR1_EL1', register: 'ttbr1_el1' },
  { slot: 'TCR_EL1', register: 'tcr_el1' },
  { slot: 'ESR_EL1', register: 'esr_el1' },
  { slot: 'AFSR0_EL1', register: 'afsr0_el1' },
  { slot: 'AFSR1_EL1', register: 'afsr1_el1' },
  { slot: 'FAR_EL1', register: 'far_el1' },
  { slot: 'MAIR_EL1', register: 'mair_el1' },
  { slot: 'VBAR_EL1', register: 'vbar_el1' },
  { slot: 'CONTEXTIDR_EL1', register: 'contextidr_el1' },
  { slot: 'TPIDR_EL0', register: 'tpidr_el0' },
  { slot: 'TPIDRRO_EL0', register: 'tpidrro_el0' },
  { slot: 'TPIDR_EL1', register: 'tpidr_el1' },
  { slot: 'AMAIR_EL1', register: 'amair_el1' },
  { slot: 'CNTKCTL_EL1', register: 'cntkctl_el1' },
  { slot: 'DACR32_EL2', register: 'dacr32_el2', aarch32: true },
  { slot: 'IFSR32_EL2', register: 'ifsr32_el2', aarch32: true },
  { slot: 'FPEXC32_EL2', register: 'fpexc32_el2', aarch32: true },
  { slot: 'DBGVCR32_EL2', register: 'dbgvcr32_el2', aarch32: true },
];

/** The host's EL1 system registers: every slot an AArch64 host has. */
export const HOST_SYSREG_SLOTS: readonly SysregSlot[] = SYSREG_SLOTS.filter((s) => !s.aarch32);

/** The banked SPSRs of an AArch32 guest: `kvm_regs.spsr[]` index constant and register. */
export const AARCH32_SPSRS = [
  { index: 'KVM_SPSR_ABT', register: 'spsr_abt', name: 'abt' },
  { index: 'KVM_SPSR_UND', register: 'spsr_und', name: 'und' },
  { index: 'KVM_SPSR_IRQ', register: 'spsr_irq', name: 'irq' },
  { index: 'KVM_SPSR_FIQ', register: 'spsr_fiq', name: 'fiq' },
] as const;

/** The EL2 controls the host runs under and expects back after its hvc. */
export const HOST_EL2_CONTROLS = ['hcr_el2', 'vttbr_el2', 'cptr_el2', 'hstr_el2', 'mdcr_el2', 'cnthctl_el2', 'cntvoff_el2', 'vbar_el2', 'vmpidr_el2'] as const;

/** The EL2 controls a guest runs under (observed at the guest entry). */
export const GUEST_EL2_CONTROLS = ['hcr_el2', 'vttbr_el2', 'cptr_el2', 'mdcr_el2', 'hstr_el2', 'cnthctl_el2'] as const;

export function catalogRegister(name: string): SystemRegister {
  const r = systemRegisterByName(name);
  if (r === undefined) throw new Error(`system register '${name}' is not in the catalog`);
  return r;
}

/** `value` as register `name` holds it: RES0 bits clear, RES1 bits set, width respected. */
export function validFor(name: string, value: bigint): bigint {
  return applyReservedBits(catalogRegister(name), BigInt.asUintN(64, value));
}
