/*
 * variants/slim-host-vcpu/hyp.S: variants/original/hyp.S with the reviewer's alternative
 * (proposals/slim-host-vcpu.md): "storing the host registers in a slimmed-down vcpu structure for
 * hosts, rather than on the stack". The host's GPRs, its EL1/EL2 return state and its EL1 system
 * registers go to struct kvm_host_context (layout.ts), which vcpu->arch.host_cpu_context points to,
 * through a cursor in x2 as the guest's go to the vcpu; the hyp stack keeps only the HVC dispatch's
 * lr and the guest's x0-x3 on an exit. Everything else is original's text.
 *
 * The notes below are original's:
 *
 * Every line the review quotes from the patch is transcribed here byte for byte (the odd spaces and
 * the MIPDR_EL2 typo included); test/variants/original-transcription.test.ts checks that. Everything
 * the review elides is written by us from the Arm ARM in the same style, and every such block starts
 * with a "[reconstructed]" comment. Struct offsets and kvm_asm.h constants come from layout.ts (as
 * #defines); the contract with the world-switch scenario is variants/README.md.
 */

// [reconstructed] Architectural constants (Arm ARM, GICv2 architecture specification).
#define ESR_EL2_EC_SHIFT	26		/* ESR_ELx.EC is bits [31:26] */
#define ESR_EL2_EC_WIDTH	6
#define ESR_EL2_EC_IABT_LOW	0x20		/* instruction abort from a lower EL */
#define ESR_EL2_EC_DABT_LOW	0x24		/* data abort from a lower EL */
#define ESR_EL2_EC_HVC64	0x16		/* HVC from AArch64 */
#define ESR_EL2_FSC_TYPE	0x3c		/* ISS.xFSC[5:2]: the kind of fault */
#define ESR_EL2_FSC_PERM	0x0c		/* 0b0011xx: permission fault, level xx */
#define ESR_EL2_S1PTW_SHIFT	7		/* ISS.S1PTW: stage 2 fault on a stage 1 walk */
#define PAR_F_SHIFT		0		/* PAR_EL1.F: the AT walk aborted */
#define PAR_PA_SHIFT		12		/* PAR_EL1.PA is bits [47:12] when F = 0 */
#define PAR_PA_WIDTH		36
#define HPFAR_FIPA_SHIFT	4		/* HPFAR_EL2.FIPA[39:4] holds IPA[47:12] */
#define HCR_RW_SHIFT		31		/* HCR_EL2.RW: EL1 is AArch64 */
#define HCR_RW			(1 << HCR_RW_SHIFT)
#define CPTR_EL2_TTA		(1 << 20)	/* trap trace register accesses */
#define HSTR_EL2_T15		(1 << 15)	/* trap AArch32 CP15 c15 (IMPLEMENTATION DEFINED) accesses */
#define MDCR_EL2_HPMN_MASK	0x1f		/* event counters EL1 may use */
#define MDCR_EL2_TPMCR		(1 << 5)	/* trap PMCR accesses */
#define MDCR_EL2_TPM		(1 << 6)	/* trap performance monitor accesses */
#define CNTHCTL_EL1PCTEN	(1 << 0)	/* EL1 may read the physical counter */
#define CNTHCTL_EL1PCEN		(1 << 1)	/* EL1 may use the physical timer */
#define CNTV_CTL_ENABLE		(1 << 0)
#define CNTV_CTL_WRITABLE	0x3		/* ENABLE and IMASK; ISTATUS is read-only */
#define GICH_HCR		0x00
#define GICH_VMCR		0x08
#define GICH_MISR		0x10
#define GICH_EISR0		0x20
#define GICH_EISR1		0x24
#define GICH_ELRSR0		0x30
#define GICH_ELRSR1		0x34
#define GICH_APR		0xf0
#define GICH_LR0		0x100
#define HYP_VA_MASK		((1 << 39) - 1)	/* kern_hyp_va: the identity below 2^39 (MMU off) */

// [reconstructed] linkage.h-style function symbols.
#define ENTRY(name)	.globl name; .align 2; name:
#define ENDPROC(name)	.type name, %function; .size name, . - name

	.text

// [reconstructed] The stack helpers save_host_regs uses: a pair per 16 bytes, SP kept 16-aligned.
.macro push, first, second
	stp	\first, \second, [sp, #-16]!
.endm

// [reconstructed] Its counterpart.
.macro pop, first, second
	ldp	\first, \second, [sp], #16
.endm

// [reconstructed] A kernel VA as HYP sees it. The lab runs HYP with the MMU off, so HYP_VA_MASK keeps
// every address the scenario uses (all below 2^39) as it is.
.macro kern_hyp_va	reg
	and	\reg, \reg, #HYP_VA_MASK
.endm

// [reconstructed] The FP/SIMD state (struct user_fpsimd_state) at \state, shared by host and guest;
// x\tmpnr is a scratch register.
.macro fpsimd_save state, tmpnr
	stp	q0, q1, [\state, #FPSIMD_VREG(0)]
	stp	q2, q3, [\state, #FPSIMD_VREG(2)]
	stp	q4, q5, [\state, #FPSIMD_VREG(4)]
	stp	q6, q7, [\state, #FPSIMD_VREG(6)]
	stp	q8, q9, [\state, #FPSIMD_VREG(8)]
	stp	q10, q11, [\state, #FPSIMD_VREG(10)]
	stp	q12, q13, [\state, #FPSIMD_VREG(12)]
	stp	q14, q15, [\state, #FPSIMD_VREG(14)]
	stp	q16, q17, [\state, #FPSIMD_VREG(16)]
	stp	q18, q19, [\state, #FPSIMD_VREG(18)]
	stp	q20, q21, [\state, #FPSIMD_VREG(20)]
	stp	q22, q23, [\state, #FPSIMD_VREG(22)]
	stp	q24, q25, [\state, #FPSIMD_VREG(24)]
	stp	q26, q27, [\state, #FPSIMD_VREG(26)]
	stp	q28, q29, [\state, #FPSIMD_VREG(28)]
	stp	q30, q31, [\state, #FPSIMD_VREG(30)]
	mrs	x\tmpnr, fpsr
	str	w\tmpnr, [\state, #FPSIMD_FPSR]
	mrs	x\tmpnr, fpcr
	str	w\tmpnr, [\state, #FPSIMD_FPCR]
.endm

// [reconstructed] The reverse of fpsimd_save.
.macro fpsimd_restore state, tmpnr
	ldp	q0, q1, [\state, #FPSIMD_VREG(0)]
	ldp	q2, q3, [\state, #FPSIMD_VREG(2)]
	ldp	q4, q5, [\state, #FPSIMD_VREG(4)]
	ldp	q6, q7, [\state, #FPSIMD_VREG(6)]
	ldp	q8, q9, [\state, #FPSIMD_VREG(8)]
	ldp	q10, q11, [\state, #FPSIMD_VREG(10)]
	ldp	q12, q13, [\state, #FPSIMD_VREG(12)]
	ldp	q14, q15, [\state, #FPSIMD_VREG(14)]
	ldp	q16, q17, [\state, #FPSIMD_VREG(16)]
	ldp	q18, q19, [\state, #FPSIMD_VREG(18)]
	ldp	q20, q21, [\state, #FPSIMD_VREG(20)]
	ldp	q22, q23, [\state, #FPSIMD_VREG(22)]
	ldp	q24, q25, [\state, #FPSIMD_VREG(24)]
	ldp	q26, q27, [\state, #FPSIMD_VREG(26)]
	ldp	q28, q29, [\state, #FPSIMD_VREG(28)]
	ldp	q30, q31, [\state, #FPSIMD_VREG(30)]
	ldr	w\tmpnr, [\state, #FPSIMD_FPSR]
	msr	fpsr, x\tmpnr
	ldr	w\tmpnr, [\state, #FPSIMD_FPCR]
	msr	fpcr, x\tmpnr
.endm

.macro save_host_regs
	// [reconstructed] slim-host-vcpu: into the host context, x2 walking up from its regs[] (x19 first)
	ldr	x2, [x0, #VCPU_HOST_CONTEXT]
	kern_hyp_va	x2
	add	x2, x2, #HOST_GPRS
	stp	x19, x20, [x2], #16
	stp	x21, x22, [x2], #16
	stp	x23, x24, [x2], #16
	stp	x25, x26, [x2], #16
	stp	x27, x28, [x2], #16
	stp	x29, lr, [x2], #16

	mrs	x19, sp_el0
	mrs	x20, sp_el1
	mrs	x21, elr_el1
	mrs	x22, spsr_el1
	mrs	x23, elr_el2
	mrs	x24, spsr_el2

	// [reconstructed] slim-host-vcpu: x2 is at sp_el0 now (it follows regs[]), then SP_EL1 ... SPSR_EL2
	stp	x19, x20, [x2], #16
	stp	x21, x22, [x2], #16
	stp	x23, x24, [x2], #16
.endm

// [reconstructed] The reverse of save_host_regs (slim-host-vcpu: from the host context; x1, the exit
// code, is kept).
.macro restore_host_regs
	ldr	x2, [x0, #VCPU_HOST_CONTEXT]
	kern_hyp_va	x2
	add	x3, x2, #HOST_SP_EL0
	ldp	x19, x20, [x3], #16
	ldp	x21, x22, [x3], #16
	ldp	x23, x24, [x3]

	msr	sp_el0, x19
	msr	sp_el1, x20
	msr	elr_el1, x21
	msr	spsr_el1, x22
	msr	elr_el2, x23
	msr	spsr_el2, x24

	add	x2, x2, #HOST_GPRS
	ldp	x19, x20, [x2], #16
	ldp	x21, x22, [x2], #16
	ldp	x23, x24, [x2], #16
	ldp	x25, x26, [x2], #16
	ldp	x27, x28, [x2], #16
	ldp	x29, lr, [x2]
.endm

.macro save_guest_regs
	// x0 is the vcpu address.
	// x1 is the return code, do not corrupt!
	// Guest's x0-x3 are on the stack

	// Compute base to save registers
	add	x2, x0, #REG_OFFSET(4)
	mrs	x3, sp_el0
	stp	x4, x5, [x2], #16
	stp	x6, x7, [x2], #16
	stp	x8, x9, [x2], #16
	stp	x10, x11, [x2], #16
	stp	x12, x13, [x2], #16
	stp	x14, x15, [x2], #16
	stp	x16, x17, [x2], #16
	stp	x18, x19, [x2], #16
	stp	x20, x21, [x2], #16
	stp	x22, x23, [x2], #16
	stp	x24, x25, [x2], #16
	stp	x26, x27, [x2], #16
	stp	x28, x29, [x2], #16
	stp	lr, x3, [x2], #16	// LR, SP_EL0

	mrs	x4, elr_el2		// PC
	mrs	x5, spsr_el2		// CPSR
	stp	x4, x5, [x2], #16

	pop	x6, x7			// x2, x3
	pop	x4, x5			// x0, x1

	add	x2, x0, #REG_OFFSET(0)
	stp	x4, x5, [x2], #16
	stp	x6, x7, [x2], #16

	// EL1 state
	mrs	x4, sp_el1
	mrs	x5, elr_el1
	mrs	x6, spsr_el1
	str	x4, [x0, #VCPU_SP_EL1]
	str	x5, [x0, #VCPU_ELR_EL1]
	str	x6, [x0, #SPSR_OFFSET(KVM_SPSR_EL1)]
.endm

// [reconstructed] The reverse of save_guest_regs: x0 is the vcpu address, x2 the cursor; the
// guest's x0-x3 are loaded last, from a cursor in x3.
.macro restore_guest_regs
	// EL1 state
	ldr	x4, [x0, #VCPU_SP_EL1]
	ldr	x5, [x0, #VCPU_ELR_EL1]
	ldr	x6, [x0, #SPSR_OFFSET(KVM_SPSR_EL1)]
	msr	sp_el1, x4
	msr	elr_el1, x5
	msr	spsr_el1, x6

	add	x2, x0, #REG_OFFSET(30)
	ldp	lr, x3, [x2], #16	// LR, SP_EL0
	ldp	x4, x5, [x2]		// PC, CPSR
	msr	sp_el0, x3
	msr	elr_el2, x4		// where the eret resumes the guest
	msr	spsr_el2, x5		// and its PSTATE

	add	x2, x0, #REG_OFFSET(4)
	// [reconstructed] as in original
	ldp	x4, x5, [x2], #16
	ldp	x6, x7, [x2], #16
	ldp	x8, x9, [x2], #16
	ldp	x10, x11, [x2], #16
	ldp	x12, x13, [x2], #16
	ldp	x14, x15, [x2], #16
	ldp	x16, x17, [x2], #16
	ldp	x18, x19, [x2], #16
	ldp	x20, x21, [x2], #16
	ldp	x22, x23, [x2], #16
	ldp	x24, x25, [x2], #16
	ldp	x26, x27, [x2], #16
	ldp	x28, x29, [x2], #16

	add	x3, x0, #REG_OFFSET(0)
	ldp	x0, x1, [x3], #16
	ldp	x2, x3, [x3]		// no writeback: the base may be a destination
.endm

/*
 * Macros to perform system register save/restore.
 *
 * Ordering here is absolutely critical, and must be kept consistent
 * in dump_sysregs, load_sysregs, {save,restore}_guest_sysregs,
 * {save,restore}_guest_32bit_state, and in kvm_asm.h.
 *
 * In other words, don't touch any of these unless you know what
 * you are doing.
 */
.macro dump_sysregs
	mrs	x4,	mpidr_el1
	mrs	x5,	csselr_el1
	mrs	x6,	sctlr_el1
	mrs	x7,	actlr_el1
	mrs	x8,	cpacr_el1
	mrs	x9,	ttbr0_el1
	mrs	x10,	ttbr1_el1
	mrs	x11,	tcr_el1
	mrs	x12,	esr_el1
	mrs	x13, 	afsr0_el1
	mrs	x14,	afsr1_el1
	mrs	x15,	far_el1
	mrs	x16,	mair_el1
	mrs	x17,	vbar_el1
	mrs	x18,	contextidr_el1
	mrs	x19,	tpidr_el0
	mrs	x20,	tpidrro_el0
	mrs	x21,	tpidr_el1
	mrs	x22, 	amair_el1
	mrs	x23, 	cntkctl_el1
.endm

// [reconstructed] The reverse of dump_sysregs. MPIDR_EL1 is read-only: the MPIDR slot (x4) goes to
// VMPIDR_EL2, which is what EL1 reads as MPIDR_EL1 (Arm ARM: MPIDR_EL1 reads at EL1 return VMPIDR_EL2).
.macro load_sysregs
	msr	vmpidr_el2,	x4
	msr	csselr_el1,	x5
	msr	sctlr_el1,	x6
	msr	actlr_el1,	x7
	msr	cpacr_el1,	x8
	msr	ttbr0_el1,	x9
	msr	ttbr1_el1,	x10
	msr	tcr_el1,	x11
	msr	esr_el1,	x12
	msr	afsr0_el1,	x13
	msr	afsr1_el1,	x14
	msr	far_el1,	x15
	msr	mair_el1,	x16
	msr	vbar_el1,	x17
	msr	contextidr_el1,	x18
	msr	tpidr_el0,	x19
	msr	tpidrro_el0,	x20
	msr	tpidr_el1,	x21
	msr	amair_el1,	x22
	msr	cntkctl_el1,	x23
.endm

// [reconstructed] The host's system registers go to the host context's sys_regs[] (slim-host-vcpu:
// the same slots as the guest's, MPIDR_EL1 .. CNTKCTL_EL1; the host has no AArch32 ones).
.macro save_host_sysregs
	dump_sysregs
	// [reconstructed] slim-host-vcpu: into the host context's sys_regs[]
	ldr	x2, [x0, #VCPU_HOST_CONTEXT]
	kern_hyp_va	x2
	add	x2, x2, #HOST_SYSREG_OFFSET(MPIDR_EL1)
	stp	x4, x5, [x2], #16
	stp	x6, x7, [x2], #16
	stp	x8, x9, [x2], #16
	stp	x10, x11, [x2], #16
	stp	x12, x13, [x2], #16
	stp	x14, x15, [x2], #16
	stp	x16, x17, [x2], #16
	stp	x18, x19, [x2], #16
	stp	x20, x21, [x2], #16
	// [reconstructed] slim-host-vcpu: the last pair, CNTKCTL_EL1 at the end
	stp	x22, x23, [x2]
.endm

// [reconstructed] The reverse of save_host_sysregs.
.macro restore_host_sysregs
	ldr	x2, [x0, #VCPU_HOST_CONTEXT]
	kern_hyp_va	x2
	add	x2, x2, #HOST_SYSREG_OFFSET(MPIDR_EL1)
	ldp	x4, x5, [x2], #16
	ldp	x6, x7, [x2], #16
	ldp	x8, x9, [x2], #16
	ldp	x10, x11, [x2], #16
	ldp	x12, x13, [x2], #16
	ldp	x14, x15, [x2], #16
	ldp	x16, x17, [x2], #16
	ldp	x18, x19, [x2], #16
	ldp	x20, x21, [x2], #16
	ldp	x22, x23, [x2]
	load_sysregs
.endm

.macro save_guest_sysregs
	dump_sysregs
	add	x2, x0, #SYSREG_OFFSET(CSSELR_EL1) // MIPDR_EL2 not written back
	// [reconstructed] the rest: CSSELR_EL1 .. CNTKCTL_EL1 (x5-x23) into consecutive slots.
	stp	x5, x6, [x2], #16
	stp	x7, x8, [x2], #16
	stp	x9, x10, [x2], #16
	stp	x11, x12, [x2], #16
	stp	x13, x14, [x2], #16
	stp	x15, x16, [x2], #16
	stp	x17, x18, [x2], #16
	stp	x19, x20, [x2], #16
	stp	x21, x22, [x2], #16
	str	x23, [x2]
.endm

// [reconstructed] The guest's system registers, MPIDR_EL1 slot included (for VMPIDR_EL2).
.macro restore_guest_sysregs
	add	x2, x0, #SYSREG_OFFSET(MPIDR_EL1)
	ldp	x4, x5, [x2], #16
	ldp	x6, x7, [x2], #16
	ldp	x8, x9, [x2], #16
	ldp	x10, x11, [x2], #16
	ldp	x12, x13, [x2], #16
	ldp	x14, x15, [x2], #16
	ldp	x16, x17, [x2], #16
	ldp	x18, x19, [x2], #16
	ldp	x20, x21, [x2], #16
	ldp	x22, x23, [x2], #16
	load_sysregs
.endm

// [reconstructed] AArch32 EL1 state, banked or held at EL2, only for a 32-bit guest (HCR_EL2.RW = 0):
// the SPSRs of abt/und/irq/fiq, then DACR32_EL2 .. DBGVCR32_EL2 in their sysreg slots.
.macro save_guest_32bit_state
	mrs	x2, hcr_el2
	tbnz	x2, #HCR_RW_SHIFT, 1f

	add	x2, x0, #SPSR_OFFSET(KVM_SPSR_ABT)
	mrs	x4, spsr_abt
	mrs	x5, spsr_und
	mrs	x6, spsr_irq
	mrs	x7, spsr_fiq
	stp	x4, x5, [x2], #16
	stp	x6, x7, [x2], #16

	// [reconstructed] as in original
	add	x2, x0, #SYSREG_OFFSET(DACR32_EL2)
	mrs	x4, dacr32_el2
	mrs	x5, ifsr32_el2
	mrs	x6, fpexc32_el2
	mrs	x7, dbgvcr32_el2
	stp	x4, x5, [x2], #16
	stp	x6, x7, [x2], #16
1:
.endm

// [reconstructed] The reverse of save_guest_32bit_state; HCR_EL2 already holds the guest's value.
.macro restore_guest_32bit_state
	mrs	x2, hcr_el2
	tbnz	x2, #HCR_RW_SHIFT, 1f

	add	x2, x0, #SPSR_OFFSET(KVM_SPSR_ABT)
	ldp	x4, x5, [x2], #16
	ldp	x6, x7, [x2], #16
	msr	spsr_abt, x4
	msr	spsr_und, x5
	msr	spsr_irq, x6
	msr	spsr_fiq, x7

	add	x2, x0, #SYSREG_OFFSET(DACR32_EL2)
	ldp	x4, x5, [x2], #16
	ldp	x6, x7, [x2], #16
	msr	dacr32_el2, x4
	msr	ifsr32_el2, x5
	msr	fpexc32_el2, x6
	msr	dbgvcr32_el2, x7
1:
.endm

// [reconstructed] Traps for the guest: HCR_EL2 from the vcpu, trace registers (CPTR_EL2.TTA), CP15 c15
// (HSTR_EL2.T15) and the performance monitors (MDCR_EL2.TPM/TPMCR, HPMN kept). FP/SIMD is switched
// eagerly, so CPTR_EL2.TFP stays clear.
.macro activate_traps
	ldr	x2, [x0, #VCPU_HCR_EL2]
	msr	hcr_el2, x2
	mov	x2, #CPTR_EL2_TTA
	msr	cptr_el2, x2

	mov	x2, #HSTR_EL2_T15
	msr	hstr_el2, x2

	mrs	x2, mdcr_el2
	and	x2, x2, #MDCR_EL2_HPMN_MASK
	orr	x2, x2, #MDCR_EL2_TPM
	orr	x2, x2, #MDCR_EL2_TPMCR
	msr	mdcr_el2, x2
.endm

// [reconstructed] The host's controls: AArch64 EL1 and no traps.
.macro deactivate_traps
	mov	x2, #HCR_RW
	msr	hcr_el2, x2
	msr	cptr_el2, xzr
	msr	hstr_el2, xzr

	mrs	x2, mdcr_el2
	and	x2, x2, #MDCR_EL2_HPMN_MASK
	msr	mdcr_el2, x2
.endm

// [reconstructed] Stage 2 on: the VM's VTTBR_EL2 (VMID and stage 2 table base) from struct kvm.
.macro activate_vm
	ldr	x2, [x0, #VCPU_KVM]
	kern_hyp_va	x2
	ldr	x2, [x2, #KVM_VTTBR]
	msr	vttbr_el2, x2
.endm

// [reconstructed] Stage 2 off; VTTBR_EL2 == 0 is also how el1_sync recognises the host.
.macro deactivate_vm
	msr	vttbr_el2, xzr
.endm

// [reconstructed] The GICv2 virtual interface control block (GICH, MMIO at kvm->arch.vgic.vctrl_base;
// no in-kernel vgic when 0): HCR, VMCR, APR and the first nr_lr list registers.
.macro restore_vgic_state
	ldr	x2, [x0, #VCPU_KVM]
	kern_hyp_va	x2
	ldr	x2, [x2, #KVM_VGIC_VCTRL]
	kern_hyp_va	x2
	cbz	x2, 2f

	ldr	w3, [x0, #VCPU_VGIC_HCR]
	ldr	w4, [x0, #VCPU_VGIC_VMCR]
	ldr	w5, [x0, #VCPU_VGIC_APR]
	str	w3, [x2, #GICH_HCR]
	str	w4, [x2, #GICH_VMCR]
	str	w5, [x2, #GICH_APR]

	ldr	w4, [x0, #VCPU_VGIC_NR_LR]
	cbz	w4, 2f
	add	x2, x2, #GICH_LR0
	add	x3, x0, #VCPU_VGIC_LR
1:	ldr	w5, [x3], #4
	str	w5, [x2], #4
	subs	w4, w4, #1
	b.ne	1b
2:
.endm

// [reconstructed] The reverse, plus the status registers (MISR, EISR, ELRSR); GICH_HCR is then
// cleared so that the virtual interface raises no maintenance interrupt while the host runs.
.macro save_vgic_state
	ldr	x2, [x0, #VCPU_KVM]
	kern_hyp_va	x2
	ldr	x2, [x2, #KVM_VGIC_VCTRL]
	kern_hyp_va	x2
	cbz	x2, 2f

	ldr	w3, [x2, #GICH_HCR]
	ldr	w4, [x2, #GICH_VMCR]
	ldr	w5, [x2, #GICH_MISR]
	ldr	w6, [x2, #GICH_EISR0]
	ldr	w7, [x2, #GICH_EISR1]
	ldr	w8, [x2, #GICH_ELRSR0]
	ldr	w9, [x2, #GICH_ELRSR1]
	ldr	w10, [x2, #GICH_APR]

	str	w3, [x0, #VCPU_VGIC_HCR]
	str	w4, [x0, #VCPU_VGIC_VMCR]
	str	w5, [x0, #VCPU_VGIC_MISR]
	str	w6, [x0, #VCPU_VGIC_EISR]
	str	w7, [x0, #VCPU_VGIC_EISR + 4]
	str	w8, [x0, #VCPU_VGIC_ELRSR]
	str	w9, [x0, #VCPU_VGIC_ELRSR + 4]
	str	w10, [x0, #VCPU_VGIC_APR]

	str	wzr, [x2, #GICH_HCR]

	ldr	w4, [x0, #VCPU_VGIC_NR_LR]
	cbz	w4, 2f
	add	x2, x2, #GICH_LR0
	add	x3, x0, #VCPU_VGIC_LR
1:	ldr	w5, [x2], #4
	str	w5, [x3], #4
	subs	w4, w4, #1
	b.ne	1b
2:
.endm

// [reconstructed] The guest's virtual timer: EL1 loses the physical timer (CNTHCTL_EL2.EL1PCEN = 0)
// but keeps the physical counter; CNTVOFF_EL2 and the virtual timer only when the VM has a timer.
.macro restore_timer_state
	mrs	x2, cnthctl_el2
	and	x2, x2, #~CNTHCTL_EL1PCEN
	orr	x2, x2, #CNTHCTL_EL1PCTEN
	msr	cnthctl_el2, x2

	ldr	x2, [x0, #VCPU_KVM]
	kern_hyp_va	x2
	ldr	w3, [x2, #KVM_TIMER_ENABLED]
	cbz	w3, 1f

	ldr	x3, [x2, #KVM_TIMER_CNTVOFF]
	msr	cntvoff_el2, x3
	ldr	x2, [x0, #VCPU_TIMER_CNTV_CVAL]
	msr	cntv_cval_el0, x2
	isb				// the compare value before the enable

	ldr	w2, [x0, #VCPU_TIMER_CNTV_CTL]
	and	x2, x2, #CNTV_CTL_WRITABLE
	msr	cntv_ctl_el0, x2
1:
.endm

// [reconstructed] The reverse: the guest's timer is saved and disabled (it must not fire into the
// host), then the host gets the physical timer and counter back and a zero virtual offset.
.macro save_timer_state
	ldr	x2, [x0, #VCPU_KVM]
	kern_hyp_va	x2
	ldr	w3, [x2, #KVM_TIMER_ENABLED]
	cbz	w3, 1f

	mrs	x3, cntv_ctl_el0
	and	x3, x3, #CNTV_CTL_WRITABLE
	str	w3, [x0, #VCPU_TIMER_CNTV_CTL]
	and	x3, x3, #~CNTV_CTL_ENABLE
	msr	cntv_ctl_el0, x3
	isb

	mrs	x3, cntv_cval_el0
	str	x3, [x0, #VCPU_TIMER_CNTV_CVAL]
1:
	mrs	x2, cnthctl_el2
	orr	x2, x2, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x2

	msr	cntvoff_el2, xzr
.endm

// [reconstructed] One vector: each of the 16 entries is 0x80 bytes (.align 7).
.macro ventry	label
	.align	7
	b	\label
.endm

// [reconstructed] A vector HYP never expects: it ends in __kvm_hyp_panic.
.macro invalid_vector	label
\label:
	b	__kvm_hyp_panic
.endm

/*
 * [reconstructed] u64 __kvm_vcpu_run(struct kvm_vcpu *vcpu): x0 = vcpu (a kernel VA), called by the
 * host's hvc through el1_sync. Saves the host in its host context (slim-host-vcpu), enters the guest; every exit comes
 * back at __kvm_vcpu_return with x0 = vcpu, x1 = exit code, and the guest's x0-x3 pushed.
 */
ENTRY(__kvm_vcpu_run)
	kern_hyp_va	x0
	msr	tpidr_el2, x0		// the exit vectors find the vcpu here

	// Host context: all of it in struct kvm_host_context (slim-host-vcpu)
	save_host_regs
	ldr	x2, [x0, #VCPU_HOST_CONTEXT]
	kern_hyp_va	x2
	add	x2, x2, #HOST_FPSIMD
	fpsimd_save x2, 3
	save_host_sysregs

	activate_traps
	activate_vm

	restore_vgic_state
	restore_timer_state

	// Guest context
	restore_guest_sysregs
	add	x2, x0, #VCPU_FPSIMD
	fpsimd_restore x2, 3
	restore_guest_32bit_state
	restore_guest_regs

	.globl	__kvm_vcpu_guest_entry
__kvm_vcpu_guest_entry:
	eret

	.globl	__kvm_vcpu_return
__kvm_vcpu_return:
	// x0: vcpu, x1: exit code; the guest's x0-x3 are on the stack
	save_guest_regs
	add	x2, x0, #VCPU_FPSIMD
	fpsimd_save x2, 3
	save_guest_sysregs
	save_guest_32bit_state
	save_timer_state
	save_vgic_state

	deactivate_traps
	deactivate_vm

	// Host context
	restore_host_sysregs
	ldr	x2, [x0, #VCPU_HOST_CONTEXT]
	kern_hyp_va	x2
	add	x2, x2, #HOST_FPSIMD
	fpsimd_restore x2, 3
	restore_host_regs

	mov	x0, x1
	ret
ENDPROC(__kvm_vcpu_run)

// [reconstructed] Unexpected exceptions end here: the scenario stops on this address.
ENTRY(__kvm_hyp_panic)
	b	__kvm_hyp_panic
ENDPROC(__kvm_hyp_panic)

// [reconstructed] The exception vectors' targets that do nothing but panic.
	invalid_vector	el2t_sync_invalid
	invalid_vector	el2t_irq_invalid
	invalid_vector	el2t_fiq_invalid
	invalid_vector	el2t_error_invalid
	invalid_vector	el2h_sync_invalid
	invalid_vector	el2h_irq_invalid
	invalid_vector	el2h_fiq_invalid
	invalid_vector	el2h_error_invalid
	invalid_vector	el1_fiq_invalid
	invalid_vector	el1_error_invalid

/*
 * [reconstructed] Synchronous exception from EL1 (either width). ESR_EL2.EC tells what it is; an HVC
 * from AArch64 with VTTBR_EL2 == 0 comes from the host (no VM is running): kvm_call_hyp's x0 is the
 * HYP function, x1-x3 its arguments. Anything else is a guest trap.
 */
el1_sync:
	push	x0, x1
	push	x2, x3

	mrs	x1, esr_el2
	ubfx	x2, x1, #ESR_EL2_EC_SHIFT, #ESR_EL2_EC_WIDTH

	cmp	x2, #ESR_EL2_EC_HVC64
	b.ne	el1_trap
	mrs	x3, vttbr_el2
	cbnz	x3, el1_trap

	// The host's call: shuffle the arguments down and call the function
	pop	x2, x3
	pop	x0, x1
	push	lr, xzr
	kern_hyp_va	x0
	mov	lr, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	blr	lr
	pop	lr, xzr
	.globl	__kvm_hyp_host_return
__kvm_hyp_host_return:
	eret

/*
 * [reconstructed] A guest trap. x1 = ESR_EL2, x2 = its EC, the guest's x0-x3 on the stack.
 * For an abort, FAR_EL2 holds the faulting VA and HPFAR_EL2 the IPA's page, except for a stage 2
 * permission fault that is not on a stage 1 walk (ISS.S1PTW = 0): there HPFAR_EL2 is UNKNOWN, so the
 * IPA comes from a stage 1 walk of FAR_EL2 (at s1e1r: the guest's EL1 tables are still live). If that
 * walk aborts (PAR_EL1.F = 1) the guest's mappings changed under us: return to the guest, which
 * faults again.
 */
el1_trap:
	cmp	x2, #ESR_EL2_EC_DABT_LOW
	b.eq	1f
	cmp	x2, #ESR_EL2_EC_IABT_LOW
	b.ne	4f			// not an abort: no fault address to record

1:	mrs	x2, far_el2
	and	x3, x1, #ESR_EL2_FSC_TYPE
	cmp	x3, #ESR_EL2_FSC_PERM
	b.ne	2f
	tbnz	x1, #ESR_EL2_S1PTW_SHIFT, 2f

	at	s1e1r, x2
	isb
	mrs	x3, par_el1
	tbnz	x3, #PAR_F_SHIFT, 5f
	ubfx	x3, x3, #PAR_PA_SHIFT, #PAR_PA_WIDTH
	lsl	x3, x3, #HPFAR_FIPA_SHIFT
	b	3f

2:	mrs	x3, hpfar_el2
3:	mrs	x0, tpidr_el2
	str	x2, [x0, #VCPU_FAR_EL2]
	str	x3, [x0, #VCPU_HPFAR_EL2]

4:	mrs	x0, tpidr_el2
	str	w1, [x0, #VCPU_ESR_EL2]
	mov	x1, #ARM_EXCEPTION_TRAP
	b	__kvm_vcpu_return

5:	pop	x2, x3
	pop	x0, x1
	eret

// [reconstructed] An IRQ while the guest runs (HCR_EL2.IMO routes it here): exit to the host.
el1_irq:
	push	x0, x1
	push	x2, x3
	mrs	x0, tpidr_el2
	mov	x1, #ARM_EXCEPTION_IRQ
	b	__kvm_vcpu_return

/*
 * [reconstructed] The EL2 vector table (VBAR_EL2 bits [10:0] are RES0: 2 KiB aligned), entries in the
 * Arm ARM's order: current EL with SP_EL0, current EL with SP_ELx, lower EL in AArch64, lower EL in
 * AArch32; in each, synchronous, IRQ, FIQ, SError.
 */
	.align	11
ENTRY(__kvm_hyp_vector)
	ventry	el2t_sync_invalid		// Synchronous EL2t
	ventry	el2t_irq_invalid		// IRQ EL2t
	ventry	el2t_fiq_invalid		// FIQ EL2t
	ventry	el2t_error_invalid		// Error EL2t

	ventry	el2h_sync_invalid		// Synchronous EL2h
	ventry	el2h_irq_invalid		// IRQ EL2h
	ventry	el2h_fiq_invalid		// FIQ EL2h
	ventry	el2h_error_invalid		// Error EL2h

	ventry	el1_sync			// Synchronous 64-bit EL1
	ventry	el1_irq				// IRQ 64-bit EL1
	ventry	el1_fiq_invalid			// FIQ 64-bit EL1
	ventry	el1_error_invalid		// Error 64-bit EL1

	ventry	el1_sync			// Synchronous 32-bit EL1
	ventry	el1_irq				// IRQ 32-bit EL1
	ventry	el1_fiq_invalid			// FIQ 32-bit EL1
	ventry	el1_error_invalid		// Error 32-bit EL1
ENDPROC(__kvm_hyp_vector)
