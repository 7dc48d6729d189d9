/*
 * variants/combined/hyp.S: all of the reviewer's proposals together, as a v2 of the patch would be
 * (proposals/combined.md), built from variants/consistent-reorder (its orders: SysReg and KVM_SPSR
 * indices, dump_sysregs' registers, the GPR pairs, the vectors' x0-x3) with:
 *  - shared-gpr-macro: one save_gprs/restore_gprs pair (base register, signed increment) for every
 *    GPR walk; push/pop are its one-pair case on sp;
 *  - slim-host-vcpu: the host's state in struct kvm_host_context (layout.ts), not on the hyp stack;
 *  - shared-sysreg-dump: one path for x19-x29, lr and the exception state (save_callee_regs) and one
 *    for the EL1 system registers (save_sysregs), taken by host and guest alike with x2 as the base;
 *    the guest saves x4-x18 first; MPIDR_EL1 is host-only on the save side (see the sysreg comment).
 *
 * Seed lines the proposals do not touch are kept byte for byte; every line written by us is under a
 * "[reconstructed]" comment. Struct offsets and kvm_asm.h constants come from layout.ts (as #defines);
 * the contract with the world-switch scenario is variants/README.md.
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

/*
 * [reconstructed] shared-gpr-macro: one walk over register pairs for every context.
 *
 * save_gprs base, inc, regs...  stores the registers two by two, in the order given; each pair fills
 *                               the 16 bytes the cursor \base moves over. With an odd count the last
 *                               register goes alone: 8 bytes for a cursor, 16 on sp (SP stays 16-aligned).
 * restore_gprs base, inc, regs... undoes it: given the same list, it loads in the reverse order,
 *                               walking \base back to where save_gprs started.
 *
 * inc = 16 for a cursor into a context (x2: the vcpu or the host context; a post-indexed store, a
 * pre-indexed load), -16 for the hyp stack (sp, full descending: a pre-indexed store, a post-indexed
 * load). push/pop below are the walk's one-pair case on sp. With the host's registers in its own
 * context (slim-host-vcpu), both worlds walk up with x2; only the vectors still use sp.
 */
.macro gpr_walk_check base, inc, first, second
	.if	(\inc != 16) && (\inc != -16)
	.error	"gpr walk: the increment is the signed size of one register pair, 16 or -16"
	.endif
	.ifc	\base, sp
	.if	\inc > 0
	.error	"gpr walk: the stack grows down, so sp takes -16"
	.endif
	.endif
	// A transfer with writeback whose base is also transferred is UNPREDICTABLE (Arm ARM C6.2.130 ldp)
	.ifc	\base, \first
	.error	"gpr walk: the base register cannot be one of the registers it moves"
	.endif
	.ifc	\base, \second
	.error	"gpr walk: the base register cannot be one of the registers it moves"
	.endif
.endm

// [reconstructed] shared-gpr-macro: the store walk.
.macro save_gprs base:req, inc:req, first:req, second, rest:vararg
	gpr_walk_check \base, \inc, \first, \second
	.ifb	\second
	.ifc	\base, sp
	str	\first, [sp, #-16]!
	.else
	str	\first, [\base], #(\inc / 2)
	.endif
	.else
	.if	\inc < 0
	stp	\first, \second, [\base, #\inc]!
	.else
	stp	\first, \second, [\base], #\inc
	.endif
	.ifnb	\rest
	save_gprs \base, \inc, \rest
	.endif
	.endif
.endm

// [reconstructed] shared-gpr-macro: the load walk, last register first.
.macro restore_gprs base:req, inc:req, first:req, second, rest:vararg
	gpr_walk_check \base, \inc, \first, \second
	.ifb	\second
	.ifc	\base, sp
	ldr	\first, [sp], #16
	.else
	ldr	\first, [\base, #-(\inc / 2)]!
	.endif
	.else
	.ifnb	\rest
	restore_gprs \base, \inc, \rest
	.endif
	.if	\inc < 0
	ldp	\first, \second, [\base], #-(\inc)
	.else
	ldp	\first, \second, [\base, #-(\inc)]!
	.endif
	.endif
.endm

// [reconstructed] shared-gpr-macro: the stack helpers are the walk's one-pair case on sp.
.macro push, first, second
	save_gprs sp, -16, \first, \second
.endm

// [reconstructed] Its counterpart.
.macro pop, first, second
	restore_gprs sp, -16, \first, \second
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

/*
 * [reconstructed] shared-sysreg-dump: the path host and guest share for the callee-saved GPRs x19-x29
 * and lr, then the exception state, walked up from \base (x2) with save_gprs: regs[19..30] (the host
 * context's regs[0..11]), SP_EL0, PC (ELR_EL2), CPSR (SPSR_EL2), SP_EL1, ELR_EL1 in consecutive u64s
 * in both contexts (struct kvm_regs' order, which kvm_host_context copies), then SPSR_EL1
 * \spsr_gap bytes further on: the vcpu keeps it in spsr[KVM_SPSR_EL1], after the FIQ and IRQ SPSRs
 * (consistent-reorder's KVM_SPSR order); the host context right after ELR_EL1 (gap 0). After the GPRs
 * are stored, x19-x24 are free to carry the exception state.
 */
.macro save_callee_regs base, spsr_gap
	save_gprs \base, 16, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, lr

	mrs	x19, sp_el0
	// [reconstructed] combined: the rest of the exception state, in struct kvm_regs' order
	mrs	x20, elr_el2		// PC
	mrs	x21, spsr_el2		// CPSR
	mrs	x22, sp_el1
	mrs	x23, elr_el1
	mrs	x24, spsr_el1

	save_gprs \base, 16, x19, x20, x21, x22, x23
	str	x24, [\base, #\spsr_gap]
.endm

// [reconstructed] shared-sysreg-dump: the reverse of save_callee_regs, \base where its walk ended (just
// after ELR_EL1).
.macro restore_callee_regs base, spsr_gap
	ldr	x24, [\base, #\spsr_gap]
	restore_gprs \base, 16, x19, x20, x21, x22, x23

	msr	sp_el0, x19
	msr	elr_el2, x20
	msr	spsr_el2, x21
	msr	sp_el1, x22
	msr	elr_el1, x23
	msr	spsr_el1, x24

	restore_gprs \base, 16, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, lr
.endm

// [reconstructed] slim-host-vcpu: the host context (vcpu->arch.host_cpu_context as HYP sees it) in \reg.
.macro host_context reg
	ldr	\reg, [x0, #VCPU_HOST_CONTEXT]
	kern_hyp_va	\reg
.endm

// [reconstructed] combined: the host's GPRs and exception state go to its context (slim-host-vcpu),
// through the shared path.
.macro save_host_regs
	// [reconstructed] combined: the host context's regs[], then the shared path
	host_context x2
	add	x2, x2, #HOST_GPRS
	save_callee_regs x2, HOST_SPSR_EL1_GAP
.endm

// [reconstructed] The reverse of save_host_regs; x1 (the exit code) is kept.
.macro restore_host_regs
	host_context x2
	add	x2, x2, #(HOST_ELR_EL1 + 8)
	restore_callee_regs x2, HOST_SPSR_EL1_GAP
.endm

.macro save_guest_regs
	// x0 is the vcpu address.
	// x1 is the return code, do not corrupt!
	// Guest's x0-x3 are on the stack

	// Compute base to save registers
	add	x2, x0, #REG_OFFSET(4)
	// [reconstructed] combined: x4-x18 first (consistent-reorder's pairs: x4 alone, then (x5, x6) ...
	// (x17, x18)), then x2 is at regs[19], where the shared path starts.
	save_gprs x2, 16, x4
	save_gprs x2, 16, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, x18
	save_callee_regs x2, VCPU_SPSR_EL1_GAP

	// The guest's x0-x3 as el1_sync/el1_irq pushed them: (x1, x3), then (x0, x2) on top
	pop	x4, x6			// x0, x2
	pop	x5, x7			// x1, x3
	add	x2, x0, #REG_OFFSET(0)
	// [reconstructed] combined: the guest's x0-x3 into regs[0..3]
	save_gprs x2, 16, x4, x5, x6, x7
.endm

// [reconstructed] The reverse of save_guest_regs: x0 is the vcpu address, x2 the cursor, walking back
// from where the shared path's stores end; the guest's x0-x3 last, from x0 itself.
.macro restore_guest_regs
	add	x2, x0, #(VCPU_ELR_EL1 + 8)
	restore_callee_regs x2, VCPU_SPSR_EL1_GAP
	restore_gprs x2, 16, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, x18
	restore_gprs x2, 16, x4

	ldp	x2, x3, [x0, #REG_OFFSET(2)]
	ldp	x0, x1, [x0, #REG_OFFSET(0)]	// no writeback: the base is a destination
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
 *
 * [reconstructed] combined: the order is consistent-reorder's: layout.ts's SysReg (grouped by function,
 * each AArch32 register beside the AArch64 ones it goes with, MPIDR_EL1 last, from index 0), with its
 * rotated registers (SCTLR_EL1 in x8 ... TPIDR_EL0 in x23, then TPIDRRO_EL0 in x4 ... CSSELR_EL1 in
 * x6). Host and guest index sys_regs[] alike, so one path (save_sysregs/restore_sysregs) stores both.
 *
 * MPIDR_EL1 is not in dump_sysregs (shared-sysreg-dump). It is read-only, and what a read of it returns
 * depends on the Exception level: at EL2 the physical MPIDR_EL1, at EL1 (with EL2 enabled) the value of
 * VMPIDR_EL2. So each world's "MPIDR" is whatever VMPIDR_EL2 holds while it runs. The host's is saved
 * with mrs mpidr_el1 (read at EL2: its real value) and put back into vmpidr_el2, so that the host at
 * EL1 reads its real MPIDR again; the guest's is never saved (the guest cannot write it, the host sets
 * its slot) and is only loaded, into vmpidr_el2. Hence mpidr_el1 on the save side and vmpidr_el2 on
 * the restore side, in the host-only and guest-only macros below.
 */
.macro dump_sysregs
	// [reconstructed] combined: consistent-reorder's rotated registers, MPIDR_EL1 left out
	mrs	x8,	sctlr_el1
	mrs	x9,	actlr_el1
	mrs	x10,	cpacr_el1
	mrs	x11,	ttbr0_el1
	mrs	x12,	ttbr1_el1
	mrs	x13,	tcr_el1
	mrs	x14,	mair_el1
	mrs	x15,	amair_el1
	mrs	x16,	esr_el1
	mrs	x17,	afsr0_el1
	mrs	x18,	afsr1_el1
	mrs	x19,	far_el1
	mrs	x20,	vbar_el1
	mrs	x21,	contextidr_el1
	mrs	x22,	tpidr_el1
	mrs	x23,	tpidr_el0
	mrs	x4,	tpidrro_el0
	mrs	x5,	cntkctl_el1
	mrs	x6,	csselr_el1
.endm

// [reconstructed] The reverse of dump_sysregs (MPIDR_EL1 aside, see above).
.macro load_sysregs
	msr	sctlr_el1,	x8
	msr	actlr_el1,	x9
	msr	cpacr_el1,	x10
	msr	ttbr0_el1,	x11
	msr	ttbr1_el1,	x12
	msr	tcr_el1,	x13
	msr	mair_el1,	x14
	msr	amair_el1,	x15
	msr	esr_el1,	x16
	msr	afsr0_el1,	x17
	msr	afsr1_el1,	x18
	msr	far_el1,	x19
	msr	vbar_el1,	x20
	msr	contextidr_el1,	x21
	msr	tpidr_el1,	x22
	msr	tpidr_el0,	x23
	msr	tpidrro_el0,	x4
	msr	cntkctl_el1,	x5
	msr	csselr_el1,	x6
.endm

// [reconstructed] shared-sysreg-dump: the path host and guest share for the system registers; \base is
// sys_regs[0] of either context, each register goes to its SysReg slot, in consistent-reorder's runs
// of consecutive slots (the AArch32 slots between them are left alone).
.macro save_sysregs base
	dump_sysregs
	// [reconstructed] combined: each register to its SysReg slot
	stp	x8, x9, [\base, #SYSREG_SLOT(SCTLR_EL1)]		// SCTLR_EL1, ACTLR_EL1
	str	x10, [\base, #SYSREG_SLOT(CPACR_EL1)]
	stp	x11, x12, [\base, #SYSREG_SLOT(TTBR0_EL1)]	// TTBR0_EL1, TTBR1_EL1
	str	x13, [\base, #SYSREG_SLOT(TCR_EL1)]
	stp	x14, x15, [\base, #SYSREG_SLOT(MAIR_EL1)]	// MAIR_EL1, AMAIR_EL1
	str	x16, [\base, #SYSREG_SLOT(ESR_EL1)]
	stp	x17, x18, [\base, #SYSREG_SLOT(AFSR0_EL1)]	// AFSR0_EL1, AFSR1_EL1
	stp	x19, x20, [\base, #SYSREG_SLOT(FAR_EL1)]		// FAR_EL1, VBAR_EL1
	stp	x21, x22, [\base, #SYSREG_SLOT(CONTEXTIDR_EL1)]	// CONTEXTIDR_EL1, TPIDR_EL1
	stp	x23, x4, [\base, #SYSREG_SLOT(TPIDR_EL0)]	// TPIDR_EL0, TPIDRRO_EL0
	stp	x5, x6, [\base, #SYSREG_SLOT(CNTKCTL_EL1)]	// CNTKCTL_EL1, CSSELR_EL1
.endm

// [reconstructed] shared-sysreg-dump: the reverse of save_sysregs.
.macro restore_sysregs base
	ldp	x8, x9, [\base, #SYSREG_SLOT(SCTLR_EL1)]
	ldr	x10, [\base, #SYSREG_SLOT(CPACR_EL1)]
	ldp	x11, x12, [\base, #SYSREG_SLOT(TTBR0_EL1)]
	ldr	x13, [\base, #SYSREG_SLOT(TCR_EL1)]
	ldp	x14, x15, [\base, #SYSREG_SLOT(MAIR_EL1)]
	ldr	x16, [\base, #SYSREG_SLOT(ESR_EL1)]
	ldp	x17, x18, [\base, #SYSREG_SLOT(AFSR0_EL1)]
	ldp	x19, x20, [\base, #SYSREG_SLOT(FAR_EL1)]
	ldp	x21, x22, [\base, #SYSREG_SLOT(CONTEXTIDR_EL1)]
	ldp	x23, x4, [\base, #SYSREG_SLOT(TPIDR_EL0)]
	ldp	x5, x6, [\base, #SYSREG_SLOT(CNTKCTL_EL1)]
	load_sysregs
.endm

// [reconstructed] combined: the host's system registers go to its context's sys_regs[]: the shared
// path, then its physical MPIDR_EL1 (host only, see above).
.macro save_host_sysregs
	host_context x2
	add	x2, x2, #HOST_SYSREGS
	save_sysregs x2
	mrs	x7, mpidr_el1
	str	x7, [x2, #SYSREG_SLOT(MPIDR_EL1)]
.endm

// [reconstructed] The reverse of save_host_sysregs: the host's MPIDR goes back to VMPIDR_EL2.
.macro restore_host_sysregs
	host_context x2
	add	x2, x2, #HOST_SYSREGS
	ldr	x7, [x2, #SYSREG_SLOT(MPIDR_EL1)]
	msr	vmpidr_el2, x7
	restore_sysregs x2
.endm

.macro save_guest_sysregs
	// [reconstructed] combined: the shared path into the vcpu's sys_regs[]; its MPIDR_EL1 slot is not
	// written back (see above).
	add	x2, x0, #VCPU_SYSREGS
	save_sysregs x2
.endm

// [reconstructed] The guest's system registers: its MPIDR slot into VMPIDR_EL2 (guest only, see above),
// then the shared path.
.macro restore_guest_sysregs
	add	x2, x0, #VCPU_SYSREGS
	ldr	x7, [x2, #SYSREG_SLOT(MPIDR_EL1)]
	msr	vmpidr_el2, x7
	restore_sysregs x2
.endm

// [reconstructed] AArch32 EL1 state, banked or held at EL2, only for a 32-bit guest (HCR_EL2.RW = 0).
// consistent-reorder: the SPSRs in layout.ts's KVM_SPSR order (fiq, irq, then und, abt after
// KVM_SPSR_EL1), and the four AArch32 system registers each in its own slot, in SysReg order.
.macro save_guest_32bit_state
	mrs	x2, hcr_el2
	tbnz	x2, #HCR_RW_SHIFT, 1f

	mrs	x4, spsr_fiq
	mrs	x5, spsr_irq
	mrs	x6, spsr_und
	mrs	x7, spsr_abt
	stp	x4, x5, [x0, #SPSR_OFFSET(KVM_SPSR_FIQ)]	// FIQ, IRQ
	stp	x6, x7, [x0, #SPSR_OFFSET(KVM_SPSR_UND)]	// UND, ABT

	mrs	x4, fpexc32_el2
	mrs	x5, dacr32_el2
	mrs	x6, ifsr32_el2
	mrs	x7, dbgvcr32_el2
	str	x4, [x0, #SYSREG_OFFSET(FPEXC32_EL2)]
	str	x5, [x0, #SYSREG_OFFSET(DACR32_EL2)]
	str	x6, [x0, #SYSREG_OFFSET(IFSR32_EL2)]
	str	x7, [x0, #SYSREG_OFFSET(DBGVCR32_EL2)]
1:
.endm

// [reconstructed] The reverse of save_guest_32bit_state; HCR_EL2 already holds the guest's value.
.macro restore_guest_32bit_state
	mrs	x2, hcr_el2
	tbnz	x2, #HCR_RW_SHIFT, 1f

	ldp	x4, x5, [x0, #SPSR_OFFSET(KVM_SPSR_FIQ)]
	ldp	x6, x7, [x0, #SPSR_OFFSET(KVM_SPSR_UND)]
	msr	spsr_fiq, x4
	msr	spsr_irq, x5
	msr	spsr_und, x6
	msr	spsr_abt, x7

	ldr	x4, [x0, #SYSREG_OFFSET(FPEXC32_EL2)]
	ldr	x5, [x0, #SYSREG_OFFSET(DACR32_EL2)]
	ldr	x6, [x0, #SYSREG_OFFSET(IFSR32_EL2)]
	ldr	x7, [x0, #SYSREG_OFFSET(DBGVCR32_EL2)]
	msr	fpexc32_el2, x4
	msr	dacr32_el2, x5
	msr	ifsr32_el2, x6
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
 * host's hvc through el1_sync. Saves the host in its host context, enters the guest; every exit comes
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
 * HYP function, x1-x3 its arguments. Anything else is a guest trap. consistent-reorder: x0-x3 are
 * pushed as (x1, x3), then (x0, x2); every pop of them (here, el1_trap's retry, save_guest_regs) agrees.
 */
el1_sync:
	push	x1, x3
	push	x0, x2

	mrs	x1, esr_el2
	ubfx	x2, x1, #ESR_EL2_EC_SHIFT, #ESR_EL2_EC_WIDTH

	cmp	x2, #ESR_EL2_EC_HVC64
	b.ne	el1_trap
	mrs	x3, vttbr_el2
	cbnz	x3, el1_trap

	// The host's call: shuffle the arguments down and call the function
	pop	x0, x2
	pop	x1, x3
	push	xzr, lr
	kern_hyp_va	x0
	mov	lr, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	blr	lr
	pop	xzr, lr
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

5:	pop	x0, x2
	pop	x1, x3
	eret

// [reconstructed] An IRQ while the guest runs (HCR_EL2.IMO routes it here): exit to the host.
// consistent-reorder: x0-x3 pushed as el1_sync pushes them.
el1_irq:
	push	x1, x3
	push	x0, x2
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
