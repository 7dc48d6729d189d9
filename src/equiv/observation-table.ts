// ONE table of what a check compares and what it does not, each row with its reason (DESIGN.md,
// "Every exclusion says why"). Printed with every verdict. Every observed name matches exactly one
// compared row (test/equiv/observation-table.test.ts keeps the table true to the observations).

export type Comparison = 'spec+pairwise' | 'pairwise' | 'not compared';

export interface ObservationRow {
  /** The values, as the report names them. */
  values: string;
  /** Observation names the row covers (compared rows); not-compared rows name state nobody observes. */
  pattern?: RegExp;
  comparison: Comparison;
  reason: string;
}

const EL1_SYSREGS = '(sctlr|actlr|cpacr|ttbr0|ttbr1|tcr|esr|afsr0|afsr1|far|mair|vbar|contextidr|tpidr|amair|cntkctl|csselr)_el1|tpidr(ro)?_el0';

export const OBSERVATION_TABLE: readonly ObservationRow[] = [
  // ---- compared
  { values: 'guest-entry.x0-x30, sp_el0, sp_el1, elr_el1, spsr_el1, pc, pstate', pattern: /^guest-entry\.(x\d+|sp_el[01]|elr_el1|spsr_el1|pc|pstate)$/, comparison: 'spec+pairwise', reason: 'what the guest resumes with: the vcpu context the host prepared' },
  { values: 'guest-entry.<EL1/EL0 sysregs>, mpidr_el1 (read as VMPIDR_EL2), AArch32 sysregs and spsr_abt/und/irq/fiq (32-bit guest)', pattern: new RegExp(`^guest-entry\\.(${EL1_SYSREGS}|mpidr_el1|(dacr32|ifsr32|fpexc32|dbgvcr32)_el2|spsr_(abt|und|irq|fiq))$`), comparison: 'spec+pairwise', reason: 'the guest reads them: the vcpu sys_regs[] the host prepared' },
  { values: 'guest-entry.v0-v31, fpsr, fpcr', pattern: /^guest-entry\.(v\d+|fpsr|fpcr)$/, comparison: 'spec+pairwise', reason: "the guest's FP/SIMD state from the vcpu" },
  { values: 'guest-entry.hcr_el2, vttbr_el2', pattern: /^guest-entry\.(hcr_el2|vttbr_el2)$/, comparison: 'spec+pairwise', reason: "the guest's traps (vcpu.arch.hcr_el2) and stage 2 (kvm.arch.vttbr)" },
  { values: 'guest-entry.cptr_el2, mdcr_el2, hstr_el2, cnthctl_el2', pattern: /^guest-entry\.(cptr_el2|mdcr_el2|hstr_el2|cnthctl_el2)$/, comparison: 'pairwise', reason: "the variant's trap policy while the guest runs: the specification leaves it to original" },
  { values: 'guest-entry.cntvoff_el2, cntv_ctl_el0, cntv_cval_el0', pattern: /^guest-entry\.(cntvoff_el2|cntv_ctl_el0|cntv_cval_el0)$/, comparison: 'spec+pairwise', reason: "the guest's virtual timer (specified when kvm.arch.timer.enabled; pairwise always)" },
  { values: 'guest-entry.gich.hcr, vmcr, apr, lr[0..nr_lr-1]', pattern: /^guest-entry\.gich\.(hcr|vmcr|apr|lr\[\d+\])$/, comparison: 'spec+pairwise', reason: "the guest's GICv2 virtual interface (when a vgic is present)" },
  { values: 'guest-retry.x0-x30, sp_el0, sp_el1, elr_el1, spsr_el1, pc, pstate', pattern: /^guest-retry\./, comparison: 'spec+pairwise', reason: 'PAR_EL1.F = 1 on a permission fault: HYP resumes the guest exactly as it faulted' },
  { values: 'host-return.x0 (exit code), x19-x29, lr, sp, sp_el0, elr_el1, spsr_el1, pc, pstate', pattern: /^host-return\.(x0|x(19|2\d)|lr|sp|sp_el0|elr_el1|spsr_el1|pc|pstate)$/, comparison: 'spec+pairwise', reason: 'AAPCS64: a callee keeps x19-x29, lr and sp; x0 is the result; the host EL1 state is its own' },
  { values: 'host-return.<EL1/EL0 sysregs>, mpidr_el1, v0-v31, fpsr, fpcr', pattern: new RegExp(`^host-return\\.(${EL1_SYSREGS}|mpidr_el1|v\\d+|fpsr|fpcr)$`), comparison: 'spec+pairwise', reason: "the host's EL1 and FP/SIMD state, as before its hvc" },
  { values: 'host-return.hcr_el2, vttbr_el2, cptr_el2, hstr_el2, mdcr_el2, cnthctl_el2, cntvoff_el2, vbar_el2, vmpidr_el2', pattern: /^host-return\.(hcr_el2|vttbr_el2|cptr_el2|hstr_el2|mdcr_el2|cnthctl_el2|cntvoff_el2|vbar_el2|vmpidr_el2)$/, comparison: 'spec+pairwise', reason: 'the EL2 controls back to the host values (variants/README.md, "The host\'s call")' },
  { values: 'host-return.sp_el2', pattern: /^host-return\.sp_el2$/, comparison: 'spec+pairwise', reason: 'frame rule: the hyp stack is balanced' },
  { values: 'host-return.gich.hcr', pattern: /^host-return\.gich\.hcr$/, comparison: 'spec+pairwise', reason: 'no maintenance interrupts while the host runs' },
  { values: 'vcpu.* (every contract field of struct kvm_vcpu, through the variant\'s layout)', pattern: /^vcpu\./, comparison: 'spec+pairwise', reason: "the guest's state at its exit and the fault HYP recorded; the rest as the host prepared it" },
  { values: 'hostctx.<path> written (which host-context fields HYP stores to)', pattern: /^hostctx\./, comparison: 'pairwise', reason: 'frame rule: a field original never writes must be a declared extra-region delta' },
  { values: 'frame: stores outside vcpu, host context, hyp stack, GICH; panic, fault, runaway', pattern: /^frame\.(stray-writes|failure)$/, comparison: 'spec+pairwise', reason: 'frame rule: HYP touches only its regions and completes the switch' },
  // ---- not compared
  { values: 'host-return.x1-x18', comparison: 'not compared', reason: 'AAPCS64 caller-saved: a callee (kvm_call_hyp) may clobber them' },
  { values: 'hyp stack contents below its top (and its depth)', comparison: 'not compared', reason: 'dead stack after the return; only its balance (host-return.sp_el2) is state' },
  { values: 'par_el1', comparison: 'not compared', reason: "clobbered by HYP's at s1e1r on a permission fault; in nobody's context" },
  { values: 'tpidr_el2', comparison: 'not compared', reason: "HYP's own scratch (the vcpu pointer while the guest runs)" },
  { values: 'esr_el2, elr_el2, spsr_el2, far_el2, hpfar_el2 at the host return', comparison: 'not compared', reason: "EL2's record of the last exception; the return they drive is compared as host-return.pc/pstate, the fault as vcpu.fault.*" },
  { values: 'cntv_ctl_el0, cntv_cval_el0 at the host return', comparison: 'not compared', reason: "keep the guest's timer, disabled: the host does not use the virtual timer (variants/README.md)" },
  { values: 'GICH VMCR, APR, LRs at the host return; GICH MISR/EISR/ELRSR at the guest entry', comparison: 'not compared', reason: "the host does not use the virtual interface (the guest's values are compared as vcpu.vgic.*); status registers belong to the hardware" },
  { values: 'host-context contents', comparison: 'not compared', reason: "HYP's storage for the host: what it holds is compared where the host sees it (host-return.*); which fields are written is compared" },
  { values: 'AArch32 sysregs and banked SPSRs at the entry of a 64-bit guest', comparison: 'not compared', reason: 'a 64-bit guest has no AArch32 state (its vcpu fields are still compared)' },
  { values: 'EL2 PSTATE, x0-x30 and SP_EL2 while HYP runs', comparison: 'not compared', reason: 'internal to HYP; observed only where the guest or host resumes' },
];
