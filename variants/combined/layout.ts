// The memory layout of variants/combined (proposals/combined.md): variants/consistent-reorder's
// structs and orders (the SysReg indices, from 0 and grouped by function, MPIDR_EL1 last; the KVM_SPSR
// indices), plus slim-host-vcpu's host context, struct kvm_host_context, which
// vcpu.arch.host_cpu_context points to. Read by src/layout, never run. The names the scenario relies
// on are listed in variants/README.md; the rest is this variant's own.
import type { u32, u64, u128, Array, Ptr } from '../../src/layout/types.ts';
import { offsetof, sizeof } from '../../src/layout/types.ts';

// Exit codes __kvm_vcpu_run returns in x0 (kvm_asm.h).
export const ARM_EXCEPTION_IRQ = 0;
export const ARM_EXCEPTION_TRAP = 1;

// Banked SPSRs in kvm_regs.spsr[]. consistent-reorder: FIQ, IRQ, EL1, UND, ABT (the original: EL1,
// ABT, UND, IRQ, FIQ); save/restore_guest_32bit_state pair them as (FIQ, IRQ) and (UND, ABT).
export const KVM_NR_SPSR = 5;
export const KVM_SPSR_FIQ = 0;
export const KVM_SPSR_IRQ = 1;
export const KVM_SPSR_EL1 = 2;
export const KVM_SPSR_UND = 3;
export const KVM_SPSR_ABT = 4;

/*
 * Sysreg indices into kvm_cpu_context.sys_regs[]. consistent-reorder: from index 0, grouped by what the
 * registers do (system control, translation, faults, vectors and thread IDs, timer, cache selection,
 * MPIDR last), each AArch32 register beside the AArch64 ones it goes with. dump_sysregs reads the
 * AArch64 ones into x4-x23 in this order, rotated (SCTLR_EL1 in x8 ... MPIDR_EL1 in x7; see hyp.S).
 */
export const enum SysReg {
  SCTLR_EL1 = 0,
  ACTLR_EL1,
  CPACR_EL1,
  FPEXC32_EL2,
  TTBR0_EL1,
  TTBR1_EL1,
  TCR_EL1,
  DACR32_EL2,
  MAIR_EL1,
  AMAIR_EL1,
  ESR_EL1,
  IFSR32_EL2,
  AFSR0_EL1,
  AFSR1_EL1,
  FAR_EL1,
  VBAR_EL1,
  CONTEXTIDR_EL1,
  TPIDR_EL1,
  TPIDR_EL0,
  TPIDRRO_EL0,
  CNTKCTL_EL1,
  CSSELR_EL1,
  DBGVCR32_EL2,
  MPIDR_EL1,
  NR_SYS_REGS,
}

/** GICv2 list registers: GICH_LR0..GICH_LR63. */
export const VGIC_MAX_LRS = 64;

export interface user_pt_regs {
  regs: Array<u64, 31>;
  sp: u64;
  pc: u64;
  pstate: u64;
}

export interface user_fpsimd_state {
  vregs: Array<u128, 32>;
  fpsr: u32;
  fpcr: u32;
}

export interface kvm_regs {
  regs: user_pt_regs;
  sp_el1: u64;
  elr_el1: u64;
  spsr: Array<u64, typeof KVM_NR_SPSR>;
  fp_regs: user_fpsimd_state;
}

export interface kvm_cpu_context {
  gp_regs: kvm_regs;
  sys_regs: Array<u64, SysReg.NR_SYS_REGS>;
}

/*
 * slim-host-vcpu, as combined lays it out: the host's context, what the host needs only. The shared
 * path (save_callee_regs in hyp.S) walks regs[] (x19 ... x29, lr) and then sp_el0 ... elr_el1 with one
 * cursor, as it walks the vcpu's regs[19..30], sp, pc, pstate, sp_el1, elr_el1, so these fields keep
 * struct kvm_regs' order; spsr_el1 follows (the vcpu's SPSR_EL1 is further on, in spsr[]). sys_regs[]
 * has the guest's SysReg slots, so that one path stores both (the four AArch32 slots stay unused).
 */
export interface kvm_host_context {
  regs: Array<u64, 12>;
  sp_el0: u64;
  elr_el2: u64;
  spsr_el2: u64;
  sp_el1: u64;
  elr_el1: u64;
  spsr_el1: u64;
  sys_regs: Array<u64, SysReg.NR_SYS_REGS>;
  fp_regs: user_fpsimd_state;
}

export interface kvm_vcpu_fault_info {
  esr_el2: u32;
  far_el2: u64;
  hpfar_el2: u64;
}

export interface vgic_cpu {
  vgic_hcr: u32;
  vgic_vmcr: u32;
  vgic_misr: u32;
  vgic_eisr: Array<u32, 2>;
  vgic_elrsr: Array<u32, 2>;
  vgic_apr: u32;
  vgic_lr: Array<u32, typeof VGIC_MAX_LRS>;
  nr_lr: u32;
}

export interface arch_timer_cpu {
  cntv_ctl: u32;
  cntv_cval: u64;
}

export interface kvm_vcpu_arch {
  ctxt: kvm_cpu_context;
  hcr_el2: u64;
  fault: kvm_vcpu_fault_info;
  host_cpu_context: Ptr<kvm_host_context>;
  vgic_cpu: vgic_cpu;
  timer_cpu: arch_timer_cpu;
}

export interface arch_timer_kvm {
  enabled: u32;
  cntvoff: u64;
}

export interface vgic_dist {
  vctrl_base: u64;
}

export interface kvm_arch {
  vmid_gen: u64;
  vmid: u32;
  vttbr: u64;
  timer: arch_timer_kvm;
  vgic: vgic_dist;
}

export interface kvm {
  arch: kvm_arch;
}

export interface kvm_vcpu {
  kvm: Ptr<kvm>;
  vcpu_id: u32;
  arch: kvm_vcpu_arch;
}

// asm-offsets.c: the vcpu
export const VCPU_KVM = offsetof<kvm_vcpu>('kvm');
export const VCPU_CONTEXT = offsetof<kvm_vcpu>('arch.ctxt');
export const VCPU_SP_EL1 = offsetof<kvm_vcpu>('arch.ctxt.gp_regs.sp_el1');
export const VCPU_ELR_EL1 = offsetof<kvm_vcpu>('arch.ctxt.gp_regs.elr_el1');
// Bytes between the ELR_EL1 slot's end and spsr[KVM_SPSR_EL1]: where the shared path puts SPSR_EL1
export const VCPU_SPSR_EL1_GAP = offsetof<kvm_vcpu>('arch.ctxt.gp_regs.spsr') + KVM_SPSR_EL1 * sizeof<u64>() - offsetof<kvm_vcpu>('arch.ctxt.gp_regs.elr_el1') - sizeof<u64>();
export const VCPU_SYSREGS = offsetof<kvm_vcpu>('arch.ctxt.sys_regs');
export const VCPU_FPSIMD = offsetof<kvm_vcpu>('arch.ctxt.gp_regs.fp_regs');
export const VCPU_HCR_EL2 = offsetof<kvm_vcpu>('arch.hcr_el2');
export const VCPU_ESR_EL2 = offsetof<kvm_vcpu>('arch.fault.esr_el2');
export const VCPU_FAR_EL2 = offsetof<kvm_vcpu>('arch.fault.far_el2');
export const VCPU_HPFAR_EL2 = offsetof<kvm_vcpu>('arch.fault.hpfar_el2');
export const VCPU_HOST_CONTEXT = offsetof<kvm_vcpu>('arch.host_cpu_context');
export const VCPU_TIMER_CNTV_CTL = offsetof<kvm_vcpu>('arch.timer_cpu.cntv_ctl');
export const VCPU_TIMER_CNTV_CVAL = offsetof<kvm_vcpu>('arch.timer_cpu.cntv_cval');
export const VCPU_VGIC_HCR = offsetof<kvm_vcpu>('arch.vgic_cpu.vgic_hcr');
export const VCPU_VGIC_VMCR = offsetof<kvm_vcpu>('arch.vgic_cpu.vgic_vmcr');
export const VCPU_VGIC_MISR = offsetof<kvm_vcpu>('arch.vgic_cpu.vgic_misr');
export const VCPU_VGIC_EISR = offsetof<kvm_vcpu>('arch.vgic_cpu.vgic_eisr');
export const VCPU_VGIC_ELRSR = offsetof<kvm_vcpu>('arch.vgic_cpu.vgic_elrsr');
export const VCPU_VGIC_APR = offsetof<kvm_vcpu>('arch.vgic_cpu.vgic_apr');
export const VCPU_VGIC_LR = offsetof<kvm_vcpu>('arch.vgic_cpu.vgic_lr');
export const VCPU_VGIC_NR_LR = offsetof<kvm_vcpu>('arch.vgic_cpu.nr_lr');
export const VCPU_SIZE = sizeof<kvm_vcpu>();
// asm-offsets.c: the host context (struct kvm_host_context) and the kvm
export const HOST_GPRS = offsetof<kvm_host_context>('regs');
export const HOST_ELR_EL1 = offsetof<kvm_host_context>('elr_el1');
export const HOST_SPSR_EL1_GAP = offsetof<kvm_host_context>('spsr_el1') - offsetof<kvm_host_context>('elr_el1') - sizeof<u64>();
export const HOST_SYSREGS = offsetof<kvm_host_context>('sys_regs');
export const HOST_FPSIMD = offsetof<kvm_host_context>('fp_regs');
export const HOST_CONTEXT_SIZE = sizeof<kvm_host_context>();
export const KVM_VTTBR = offsetof<kvm>('arch.vttbr');
export const KVM_TIMER_ENABLED = offsetof<kvm>('arch.timer.enabled');
export const KVM_TIMER_CNTVOFF = offsetof<kvm>('arch.timer.cntvoff');
export const KVM_VGIC_VCTRL = offsetof<kvm>('arch.vgic.vctrl_base');
export const KVM_SIZE = sizeof<kvm>();
export const CPU_CONTEXT_SIZE = sizeof<kvm_cpu_context>();
// hyp.S's function-like helpers (kvm_asm.h style)
export const REG_OFFSET = (x: number) => offsetof<kvm_vcpu>(`arch.ctxt.gp_regs.regs.regs[${x}]`);
export const SPSR_OFFSET = (x: number) => offsetof<kvm_vcpu>(`arch.ctxt.gp_regs.spsr[${x}]`);
export const SYSREG_OFFSET = (x: number) => offsetof<kvm_vcpu>(`arch.ctxt.sys_regs[${x}]`);
// A SysReg slot inside either context's sys_regs[] (the shared save_sysregs/restore_sysregs)
export const SYSREG_SLOT = (x: number) => x * sizeof<u64>();
// Inside a user_fpsimd_state, for the fpsimd_save/fpsimd_restore macros shared by host and guest
export const FPSIMD_VREG = (n: number) => offsetof<user_fpsimd_state>(`vregs[${n}]`);
export const FPSIMD_FPSR = offsetof<user_fpsimd_state>('fpsr');
export const FPSIMD_FPCR = offsetof<user_fpsimd_state>('fpcr');
