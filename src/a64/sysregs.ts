// The system register catalog: one table read by the assembler (name -> encoding), the disassembler
// (encoding -> the name objdump prints) and the execution core (who may access a register, which bits
// are RES0/RES1, what a reset leaves in it).
//
// Sources: encodings and names as GNU as 2.40 / objdump accept and print them with the default -march
// (checked by test/a64/sysregs.test.ts); access rules, masks and reset values from the Arm ARM. Masks
// describe ARMv8.0-A, the architecture of the Cortex-A57 that the QEMU oracle models: a bit that a later
// extension gives a meaning (PAN, VHE, RAS, SVE, ...) is RES0 here.
//
// Left out because GNU as 2.40 rejects them without a -march flag ("selected processor does not support
// system register name"): the VHE `*_el12`/`*_el02` accessors and `contextidr_el2`/`ttbr1_el2` (armv8.1-a),
// `pan`/`uao`/`dit`/`ssbs`/`tco` (armv8.1-a and later), `zcr_el1/el2` (+sve), pointer-auth keys (armv8.3-a).

export type ExceptionLevel = 0 | 1 | 2 | 3;
export type SystemRegisterAccess = 'rw' | 'ro' | 'wo';

/** The five fields of a system register's encoding, as the Arm ARM writes them (S<op0>_<op1>_C<n>_C<m>_<op2>). */
export interface SysregEncoding {
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
}

/** Bits an architectural reset defines: `value` holds them where `known` is set; other bits are UNKNOWN. */
export interface ResetValue {
  value: bigint;
  known: bigint;
}

export interface SystemRegister extends SysregEncoding {
  /** Lower-case, as objdump prints it. */
  name: string;
  /** 32 for the AArch32 registers whose upper half does not exist; accesses see [63:32] as RES0. */
  width: 32 | 64;
  /** Lowest exception level at which any access is possible at all (further traps/enables aside). */
  el: ExceptionLevel;
  /** Lowest exception level that may write it, when higher than `el` (TPIDRRO_EL0 is read-only at EL0). */
  writeEL: ExceptionLevel;
  access: SystemRegisterAccess;
  /** Bits that read as zero and ignore writes in ARMv8.0 (0n where the catalog does not say). */
  res0: bigint;
  /** Bits that read as one (0n where the catalog does not say). */
  res1: bigint;
  /** Architecturally defined reset, for a PE that resets into EL2; undefined means UNKNOWN. */
  reset: ResetValue | undefined;
  description: string;
}

const MASK64 = (1n << 64n) - 1n;

/** Bits hi..lo set (inclusive), as the Arm ARM writes a field [hi:lo]. */
export function bits(hi: number, lo: number): bigint {
  return ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);
}

/** One bit. */
export function bit(n: number): bigint {
  return 1n << BigInt(n);
}

/** Every bit not in `defined`: for registers whose RES0 bits are "everything else". */
function allBut(defined: bigint): bigint {
  return MASK64 & ~defined;
}

/**
 * The lowest EL that may access a register, as encoded by op1 (Arm ARM, "System instruction class
 * encoding overview"): op1 0-2 and 7 are EL1, 3 is EL0, 4 and 5 are EL2, 6 is EL3.
 */
export function lowestELForOp1(op1: number): ExceptionLevel {
  if (op1 === 3) return 0;
  if (op1 === 4 || op1 === 5) return 2;
  if (op1 === 6) return 3;
  return 1;
}

interface RegisterOptions {
  access?: SystemRegisterAccess;
  width?: 32 | 64;
  el?: ExceptionLevel;
  writeEL?: ExceptionLevel;
  res0?: bigint;
  res1?: bigint;
  reset?: ResetValue;
}

function reg(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, description: string, options: RegisterOptions = {}): SystemRegister {
  const width = options.width ?? 64;
  const el = options.el ?? lowestELForOp1(op1);
  const upper = width === 32 ? bits(63, 32) : 0n;
  return {
    name,
    op0,
    op1,
    crn,
    crm,
    op2,
    width,
    el,
    writeEL: options.writeEL ?? el,
    access: options.access ?? 'rw',
    res0: (options.res0 ?? 0n) | upper,
    res1: options.res1 ?? 0n,
    reset: options.reset,
    description,
  };
}

const RO: RegisterOptions = { access: 'ro' };
const WO: RegisterOptions = { access: 'wo' };
const AARCH32: RegisterOptions = { width: 32 };

// Masks shared by several registers (ARMv8.0).

/** SPSR_ELx, either format (AArch64 or AArch32 saved state): [63:32] and [24:22] (DIT/SSBS/PAN, UAO later). */
const SPSR_RES0 = bits(63, 32) | bits(24, 22);
/** ESR_ELx: EC [31:26], IL [25], ISS [24:0]. */
const ESR_RES0 = bits(63, 32);
/** VBAR_ELx: the vector table is 2 KiB aligned. */
const VBAR_RES0 = bits(10, 0);
/** CNTx_CTL: ENABLE [0], IMASK [1], ISTATUS [2] (ISTATUS is read-only). */
const TIMER_CTL_RES0 = allBut(bits(2, 0));
/** MPIDR format: Aff0-2 [23:0], MT [24], U [30], RES1 [31], Aff3 [39:32]. */
const MPIDR_RES0 = bits(63, 40) | bits(29, 25);
const MPIDR_RES1 = bit(31);

const SYSTEM_REGISTER_LIST: SystemRegister[] = [
  // Special-purpose registers (PSTATE views, stack pointers, saved state)
  reg('nzcv', 3, 3, 4, 2, 0, 'Condition flags N, Z, C, V in [31:28]', { res0: allBut(bits(31, 28)) }),
  reg('daif', 3, 3, 4, 2, 1, 'Interrupt mask bits D, A, I, F in [9:6]', { res0: allBut(bits(9, 6)), reset: { value: bits(9, 6), known: bits(9, 6) } }),
  reg('currentel', 3, 0, 4, 2, 2, 'Current exception level in [3:2]', { access: 'ro', res0: allBut(bits(3, 2)) }),
  reg('spsel', 3, 0, 4, 2, 0, 'Stack pointer select: 0 = SP_EL0, 1 = SP_ELx', { res0: allBut(bit(0)), reset: { value: 1n, known: 1n } }),
  reg('fpcr', 3, 3, 4, 4, 0, 'Floating-point Control Register', { res0: bits(63, 27) | bit(19) | bits(14, 13) | bits(7, 0) }),
  reg('fpsr', 3, 3, 4, 4, 1, 'Floating-point Status Register', { res0: bits(63, 32) | bits(26, 8) | bits(6, 5) }),
  reg('sp_el0', 3, 0, 4, 1, 0, 'Stack Pointer (EL0)'),
  reg('sp_el1', 3, 4, 4, 1, 0, 'Stack Pointer (EL1)'),
  reg('sp_el2', 3, 6, 4, 1, 0, 'Stack Pointer (EL2)'),
  reg('elr_el1', 3, 0, 4, 0, 1, 'Exception Link Register (EL1)'),
  reg('elr_el2', 3, 4, 4, 0, 1, 'Exception Link Register (EL2)'),
  reg('elr_el3', 3, 6, 4, 0, 1, 'Exception Link Register (EL3)'),
  reg('spsr_el1', 3, 0, 4, 0, 0, 'Saved Program Status Register (EL1)', { res0: SPSR_RES0 }),
  reg('spsr_el2', 3, 4, 4, 0, 0, 'Saved Program Status Register (EL2)', { res0: SPSR_RES0 }),
  reg('spsr_el3', 3, 6, 4, 0, 0, 'Saved Program Status Register (EL3)', { res0: SPSR_RES0 }),
  reg('spsr_irq', 3, 4, 4, 3, 0, 'Saved Program Status Register, AArch32 IRQ mode', { ...AARCH32, res0: bits(24, 22) }),
  reg('spsr_abt', 3, 4, 4, 3, 1, 'Saved Program Status Register, AArch32 Abort mode', { ...AARCH32, res0: bits(24, 22) }),
  reg('spsr_und', 3, 4, 4, 3, 2, 'Saved Program Status Register, AArch32 Undefined mode', { ...AARCH32, res0: bits(24, 22) }),
  reg('spsr_fiq', 3, 4, 4, 3, 3, 'Saved Program Status Register, AArch32 FIQ mode', { ...AARCH32, res0: bits(24, 22) }),

  // EL1/EL0 context a world switch saves and restores
  reg('mpidr_el1', 3, 0, 0, 0, 5, 'Multiprocessor Affinity Register (reads VMPIDR_EL2 at EL1 when EL2 is enabled)', { ...RO, res0: MPIDR_RES0, res1: MPIDR_RES1 }),
  reg('csselr_el1', 3, 2, 0, 0, 0, 'Cache Size Selection Register: InD [0], Level [3:1]', { res0: allBut(bits(3, 0)) }),
  reg('sctlr_el1', 3, 0, 1, 0, 0, 'System Control Register (EL1)', {
    res0: bits(63, 32) | bit(31) | bit(30) | bit(27) | bit(21) | bit(17) | bit(13) | bit(10) | bit(6),
    res1: bit(29) | bit(28) | bit(23) | bit(22) | bit(20) | bit(11),
  }),
  reg('actlr_el1', 3, 0, 1, 0, 1, 'Auxiliary Control Register (EL1), IMPLEMENTATION DEFINED'),
  reg('cpacr_el1', 3, 0, 1, 0, 2, 'Architectural Feature Access Control Register: FPEN [21:20], TTA [28]', { res0: allBut(bits(21, 20) | bit(28)) }),
  reg('ttbr0_el1', 3, 0, 2, 0, 0, 'Translation Table Base Register 0 (EL1): ASID [63:48], BADDR [47:0]'),
  reg('ttbr1_el1', 3, 0, 2, 0, 1, 'Translation Table Base Register 1 (EL1): ASID [63:48], BADDR [47:0]'),
  reg('tcr_el1', 3, 0, 2, 0, 2, 'Translation Control Register (EL1)', { res0: bits(63, 39) | bit(35) | bit(6) }),
  reg('afsr0_el1', 3, 0, 5, 1, 0, 'Auxiliary Fault Status Register 0 (EL1), IMPLEMENTATION DEFINED'),
  reg('afsr1_el1', 3, 0, 5, 1, 1, 'Auxiliary Fault Status Register 1 (EL1), IMPLEMENTATION DEFINED'),
  reg('esr_el1', 3, 0, 5, 2, 0, 'Exception Syndrome Register (EL1)', { res0: ESR_RES0 }),
  reg('far_el1', 3, 0, 6, 0, 0, 'Fault Address Register (EL1)'),
  reg('par_el1', 3, 0, 7, 4, 0, 'Physical Address Register: result of the last AT instruction'),
  reg('mair_el1', 3, 0, 10, 2, 0, 'Memory Attribute Indirection Register (EL1)'),
  reg('amair_el1', 3, 0, 10, 3, 0, 'Auxiliary Memory Attribute Indirection Register (EL1), IMPLEMENTATION DEFINED'),
  reg('vbar_el1', 3, 0, 12, 0, 0, 'Vector Base Address Register (EL1)', { res0: VBAR_RES0 }),
  reg('contextidr_el1', 3, 0, 13, 0, 1, 'Context ID Register (EL1): PROCID [31:0]', { res0: bits(63, 32) }),
  reg('tpidr_el1', 3, 0, 13, 0, 4, 'Software Thread ID Register (EL1)'),
  reg('tpidr_el0', 3, 3, 13, 0, 2, 'Software Thread ID Register (EL0)'),
  reg('tpidrro_el0', 3, 3, 13, 0, 3, 'Software Thread ID Register, read-only at EL0', { writeEL: 1 }),
  reg('cntkctl_el1', 3, 0, 14, 1, 0, 'Counter-timer Kernel Control Register: EL0 access to the timers, event stream', { res0: allBut(bits(9, 0)) }),
  reg('isr_el1', 3, 0, 12, 1, 0, 'Interrupt Status Register: pending A, I, F', { ...RO, res0: allBut(bits(8, 6)) }),
  reg('disr_el1', 3, 0, 12, 1, 1, 'Deferred Interrupt Status Register (RAS)'),
  reg('rvbar_el1', 3, 0, 12, 0, 1, 'Reset Vector Base Address Register (EL1 is the highest EL)', RO),
  reg('rmr_el1', 3, 0, 12, 0, 2, 'Reset Management Register (EL1 is the highest EL)'),

  // EL2 controls, translation and syndromes
  reg('hcr_el2', 3, 4, 1, 1, 0, 'Hypervisor Configuration Register: VM [0] ... RW [31], CD [32], ID [33]', { res0: bits(63, 34) }),
  reg('mdcr_el2', 3, 4, 1, 1, 1, 'Monitor Debug Configuration Register (EL2): HPMN [4:0], TPMCR, TPM, HPME, TDE, TDA, TDOSA, TDRA', { res0: bits(63, 12) }),
  reg('cptr_el2', 3, 4, 1, 1, 2, 'Architectural Feature Trap Register (EL2): TFP [10], TTA [20], TCPAC [31]', {
    res0: allBut(bit(31) | bit(20) | bit(10) | bits(13, 12) | bits(9, 0)),
    res1: bits(13, 12) | bits(9, 0),
  }),
  reg('hstr_el2', 3, 4, 1, 1, 3, 'Hypervisor System Trap Register: trap AArch32 CP15 accesses to primary CRn T<n>', { res0: bits(63, 16) | bit(14) | bit(4) }),
  reg('hacr_el2', 3, 4, 1, 1, 7, 'Hypervisor Auxiliary Control Register, IMPLEMENTATION DEFINED'),
  reg('vpidr_el2', 3, 4, 0, 0, 0, 'Virtualization Processor ID Register: MIDR_EL1 as EL1 reads it', { res0: bits(63, 32) }),
  reg('vmpidr_el2', 3, 4, 0, 0, 5, 'Virtualization Multiprocessor ID Register: MPIDR_EL1 as EL1 reads it', { res0: MPIDR_RES0, res1: MPIDR_RES1 }),
  reg('sctlr_el2', 3, 4, 1, 0, 0, 'System Control Register (EL2)', {
    res0: bits(63, 30) | bits(27, 26) | bit(24) | bits(21, 20) | bit(17) | bits(15, 13) | bits(10, 6),
    res1: bits(29, 28) | bits(23, 22) | bit(18) | bit(16) | bit(11) | bits(5, 4),
    // M, C, I reset to 0 when the PE resets into EL2.
    reset: { value: 0n, known: bit(12) | bit(2) | bit(0) },
  }),
  reg('actlr_el2', 3, 4, 1, 0, 1, 'Auxiliary Control Register (EL2), IMPLEMENTATION DEFINED'),
  reg('ttbr0_el2', 3, 4, 2, 0, 0, 'Translation Table Base Register 0 (EL2): BADDR [47:0]', { res0: bits(63, 48) }),
  reg('tcr_el2', 3, 4, 2, 0, 2, 'Translation Control Register (EL2)', {
    res0: bits(63, 32) | bits(30, 24) | bits(22, 21) | bit(19) | bits(7, 6),
    res1: bit(31) | bit(23),
  }),
  reg('vttbr_el2', 3, 4, 2, 1, 0, 'Virtualization Translation Table Base Register: VMID [55:48], BADDR [47:0]', { res0: bits(63, 56) }),
  reg('vtcr_el2', 3, 4, 2, 1, 2, 'Virtualization Translation Control Register', { res0: bits(63, 32) | bits(30, 19), res1: bit(31) }),
  reg('dacr32_el2', 3, 4, 3, 0, 0, 'Domain Access Control Register of an AArch32 EL1', AARCH32),
  reg('ifsr32_el2', 3, 4, 5, 0, 1, 'Instruction Fault Status Register of an AArch32 EL1', AARCH32),
  reg('afsr0_el2', 3, 4, 5, 1, 0, 'Auxiliary Fault Status Register 0 (EL2), IMPLEMENTATION DEFINED'),
  reg('afsr1_el2', 3, 4, 5, 1, 1, 'Auxiliary Fault Status Register 1 (EL2), IMPLEMENTATION DEFINED'),
  reg('esr_el2', 3, 4, 5, 2, 0, 'Exception Syndrome Register (EL2)', { res0: ESR_RES0 }),
  reg('vsesr_el2', 3, 4, 5, 2, 3, 'Virtual SError Exception Syndrome Register (RAS)'),
  reg('fpexc32_el2', 3, 4, 5, 3, 0, 'Floating-Point Exception Control register of an AArch32 EL1', AARCH32),
  reg('far_el2', 3, 4, 6, 0, 0, 'Fault Address Register (EL2)'),
  reg('hpfar_el2', 3, 4, 6, 0, 4, 'Hypervisor IPA Fault Address Register: FIPA [39:4] = IPA[47:12]', { res0: bits(63, 40) | bits(3, 0) }),
  reg('mair_el2', 3, 4, 10, 2, 0, 'Memory Attribute Indirection Register (EL2)'),
  reg('amair_el2', 3, 4, 10, 3, 0, 'Auxiliary Memory Attribute Indirection Register (EL2), IMPLEMENTATION DEFINED'),
  reg('vbar_el2', 3, 4, 12, 0, 0, 'Vector Base Address Register (EL2)', { res0: VBAR_RES0 }),
  reg('rvbar_el2', 3, 4, 12, 0, 1, 'Reset Vector Base Address Register (EL2 is the highest EL)', RO),
  reg('rmr_el2', 3, 4, 12, 0, 2, 'Reset Management Register (EL2 is the highest EL)'),
  reg('vdisr_el2', 3, 4, 12, 1, 1, 'Virtual Deferred Interrupt Status Register (RAS)'),
  reg('tpidr_el2', 3, 4, 13, 0, 2, 'Software Thread ID Register (EL2)'),

  // EL3
  reg('sctlr_el3', 3, 6, 1, 0, 0, 'System Control Register (EL3)'),
  reg('actlr_el3', 3, 6, 1, 0, 1, 'Auxiliary Control Register (EL3), IMPLEMENTATION DEFINED'),
  reg('scr_el3', 3, 6, 1, 1, 0, 'Secure Configuration Register'),
  reg('mdcr_el3', 3, 6, 1, 3, 1, 'Monitor Debug Configuration Register (EL3)'),
  reg('cptr_el3', 3, 6, 1, 1, 2, 'Architectural Feature Trap Register (EL3)'),
  reg('ttbr0_el3', 3, 6, 2, 0, 0, 'Translation Table Base Register 0 (EL3)'),
  reg('tcr_el3', 3, 6, 2, 0, 2, 'Translation Control Register (EL3)'),
  reg('afsr0_el3', 3, 6, 5, 1, 0, 'Auxiliary Fault Status Register 0 (EL3), IMPLEMENTATION DEFINED'),
  reg('afsr1_el3', 3, 6, 5, 1, 1, 'Auxiliary Fault Status Register 1 (EL3), IMPLEMENTATION DEFINED'),
  reg('esr_el3', 3, 6, 5, 2, 0, 'Exception Syndrome Register (EL3)', { res0: ESR_RES0 }),
  reg('far_el3', 3, 6, 6, 0, 0, 'Fault Address Register (EL3)'),
  reg('mair_el3', 3, 6, 10, 2, 0, 'Memory Attribute Indirection Register (EL3)'),
  reg('amair_el3', 3, 6, 10, 3, 0, 'Auxiliary Memory Attribute Indirection Register (EL3), IMPLEMENTATION DEFINED'),
  reg('vbar_el3', 3, 6, 12, 0, 0, 'Vector Base Address Register (EL3)', { res0: VBAR_RES0 }),
  reg('rvbar_el3', 3, 6, 12, 0, 1, 'Reset Vector Base Address Register (EL3)', RO),
  reg('rmr_el3', 3, 6, 12, 0, 2, 'Reset Management Register (EL3)'),
  reg('tpidr_el3', 3, 6, 13, 0, 2, 'Software Thread ID Register (EL3)'),

  // Generic timer
  reg('cntfrq_el0', 3, 3, 14, 0, 0, 'Counter-timer Frequency; writable only at the highest implemented EL (EL2 on a machine without EL3)', { res0: bits(63, 32), writeEL: 2 }),
  reg('cntpct_el0', 3, 3, 14, 0, 1, 'Counter-timer Physical Count', RO),
  reg('cntvct_el0', 3, 3, 14, 0, 2, 'Counter-timer Virtual Count (physical count minus CNTVOFF_EL2)', RO),
  reg('cntp_tval_el0', 3, 3, 14, 2, 0, 'Counter-timer Physical Timer TimerValue', { res0: bits(63, 32) }),
  reg('cntp_ctl_el0', 3, 3, 14, 2, 1, 'Counter-timer Physical Timer Control: ENABLE, IMASK, ISTATUS (read-only)', { res0: TIMER_CTL_RES0 }),
  reg('cntp_cval_el0', 3, 3, 14, 2, 2, 'Counter-timer Physical Timer CompareValue'),
  reg('cntv_tval_el0', 3, 3, 14, 3, 0, 'Counter-timer Virtual Timer TimerValue', { res0: bits(63, 32) }),
  reg('cntv_ctl_el0', 3, 3, 14, 3, 1, 'Counter-timer Virtual Timer Control: ENABLE, IMASK, ISTATUS (read-only)', { res0: TIMER_CTL_RES0 }),
  reg('cntv_cval_el0', 3, 3, 14, 3, 2, 'Counter-timer Virtual Timer CompareValue'),
  reg('cntvoff_el2', 3, 4, 14, 0, 3, 'Counter-timer Virtual Offset'),
  reg('cnthctl_el2', 3, 4, 14, 1, 0, 'Counter-timer Hypervisor Control: EL1 access to the physical counter/timer, event stream', { res0: allBut(bits(7, 0)) }),
  reg('cnthp_tval_el2', 3, 4, 14, 2, 0, 'Counter-timer Hypervisor Physical Timer TimerValue', { res0: bits(63, 32) }),
  reg('cnthp_ctl_el2', 3, 4, 14, 2, 1, 'Counter-timer Hypervisor Physical Timer Control', { res0: TIMER_CTL_RES0 }),
  reg('cnthp_cval_el2', 3, 4, 14, 2, 2, 'Counter-timer Hypervisor Physical Timer CompareValue'),
  reg('cntps_tval_el1', 3, 7, 14, 2, 0, 'Counter-timer Secure Physical Timer TimerValue', { res0: bits(63, 32) }),
  reg('cntps_ctl_el1', 3, 7, 14, 2, 1, 'Counter-timer Secure Physical Timer Control', { res0: TIMER_CTL_RES0 }),
  reg('cntps_cval_el1', 3, 7, 14, 2, 2, 'Counter-timer Secure Physical Timer CompareValue'),

  // Identification (read-only)
  reg('midr_el1', 3, 0, 0, 0, 0, 'Main ID Register (reads VPIDR_EL2 at EL1 when EL2 is enabled)', { ...RO, res0: bits(63, 32) }),
  reg('revidr_el1', 3, 0, 0, 0, 6, 'Revision ID Register', RO),
  reg('aidr_el1', 3, 1, 0, 0, 7, 'Auxiliary ID Register', RO),
  reg('ccsidr_el1', 3, 1, 0, 0, 0, 'Current Cache Size ID Register (cache chosen by CSSELR_EL1)', RO),
  reg('clidr_el1', 3, 1, 0, 0, 1, 'Cache Level ID Register', RO),
  reg('ctr_el0', 3, 3, 0, 0, 1, 'Cache Type Register (EL0 access when SCTLR_EL1.UCT)', RO),
  reg('dczid_el0', 3, 3, 0, 0, 7, 'Data Cache Zero ID Register', RO),
  reg('id_pfr0_el1', 3, 0, 0, 1, 0, 'AArch32 Processor Feature Register 0', RO),
  reg('id_pfr1_el1', 3, 0, 0, 1, 1, 'AArch32 Processor Feature Register 1', RO),
  reg('id_dfr0_el1', 3, 0, 0, 1, 2, 'AArch32 Debug Feature Register 0', RO),
  reg('id_afr0_el1', 3, 0, 0, 1, 3, 'AArch32 Auxiliary Feature Register 0', RO),
  reg('id_mmfr0_el1', 3, 0, 0, 1, 4, 'AArch32 Memory Model Feature Register 0', RO),
  reg('id_mmfr1_el1', 3, 0, 0, 1, 5, 'AArch32 Memory Model Feature Register 1', RO),
  reg('id_mmfr2_el1', 3, 0, 0, 1, 6, 'AArch32 Memory Model Feature Register 2', RO),
  reg('id_mmfr3_el1', 3, 0, 0, 1, 7, 'AArch32 Memory Model Feature Register 3', RO),
  reg('id_isar0_el1', 3, 0, 0, 2, 0, 'AArch32 Instruction Set Attribute Register 0', RO),
  reg('id_isar1_el1', 3, 0, 0, 2, 1, 'AArch32 Instruction Set Attribute Register 1', RO),
  reg('id_isar2_el1', 3, 0, 0, 2, 2, 'AArch32 Instruction Set Attribute Register 2', RO),
  reg('id_isar3_el1', 3, 0, 0, 2, 3, 'AArch32 Instruction Set Attribute Register 3', RO),
  reg('id_isar4_el1', 3, 0, 0, 2, 4, 'AArch32 Instruction Set Attribute Register 4', RO),
  reg('id_isar5_el1', 3, 0, 0, 2, 5, 'AArch32 Instruction Set Attribute Register 5', RO),
  reg('mvfr0_el1', 3, 0, 0, 3, 0, 'AArch32 Media and VFP Feature Register 0', RO),
  reg('mvfr1_el1', 3, 0, 0, 3, 1, 'AArch32 Media and VFP Feature Register 1', RO),
  reg('mvfr2_el1', 3, 0, 0, 3, 2, 'AArch32 Media and VFP Feature Register 2', RO),
  reg('id_aa64pfr0_el1', 3, 0, 0, 4, 0, 'AArch64 Processor Feature Register 0', RO),
  reg('id_aa64pfr1_el1', 3, 0, 0, 4, 1, 'AArch64 Processor Feature Register 1', RO),
  reg('id_aa64dfr0_el1', 3, 0, 0, 5, 0, 'AArch64 Debug Feature Register 0', RO),
  reg('id_aa64dfr1_el1', 3, 0, 0, 5, 1, 'AArch64 Debug Feature Register 1', RO),
  reg('id_aa64afr0_el1', 3, 0, 0, 5, 4, 'AArch64 Auxiliary Feature Register 0', RO),
  reg('id_aa64afr1_el1', 3, 0, 0, 5, 5, 'AArch64 Auxiliary Feature Register 1', RO),
  reg('id_aa64isar0_el1', 3, 0, 0, 6, 0, 'AArch64 Instruction Set Attribute Register 0', RO),
  reg('id_aa64isar1_el1', 3, 0, 0, 6, 1, 'AArch64 Instruction Set Attribute Register 1', RO),
  reg('id_aa64mmfr0_el1', 3, 0, 0, 7, 0, 'AArch64 Memory Model Feature Register 0', RO),
  reg('id_aa64mmfr1_el1', 3, 0, 0, 7, 1, 'AArch64 Memory Model Feature Register 1', RO),

  // Debug (op0 = 2)
  reg('mdccint_el1', 2, 0, 0, 2, 0, 'Monitor DCC Interrupt Enable Register'),
  reg('mdscr_el1', 2, 0, 0, 2, 2, 'Monitor Debug System Control Register'),
  reg('dbgvcr32_el2', 2, 4, 0, 7, 0, 'Debug Vector Catch Register of an AArch32 EL1', AARCH32),
  reg('mdccsr_el0', 2, 3, 0, 1, 0, 'Monitor DCC Status Register', RO),
  reg('mdrar_el1', 2, 0, 1, 0, 0, 'Monitor Debug ROM Address Register', RO),
  reg('oslar_el1', 2, 0, 1, 0, 4, 'OS Lock Access Register', WO),
  reg('oslsr_el1', 2, 0, 1, 1, 4, 'OS Lock Status Register', RO),
  reg('osdlr_el1', 2, 0, 1, 3, 4, 'OS Double Lock Register'),
  reg('dbgprcr_el1', 2, 0, 1, 4, 4, 'Debug Power Control Register'),
  reg('dbgclaimset_el1', 2, 0, 7, 8, 6, 'Debug CLAIM Tag Set register'),
  reg('dbgclaimclr_el1', 2, 0, 7, 9, 6, 'Debug CLAIM Tag Clear register'),
  reg('dbgauthstatus_el1', 2, 0, 7, 14, 6, 'Debug Authentication Status register', RO),
  ...numbered(16, (n) => [
    reg(`dbgbvr${n}_el1`, 2, 0, 0, n, 4, `Debug Breakpoint Value Register ${n}`),
    reg(`dbgbcr${n}_el1`, 2, 0, 0, n, 5, `Debug Breakpoint Control Register ${n}`),
    reg(`dbgwvr${n}_el1`, 2, 0, 0, n, 6, `Debug Watchpoint Value Register ${n}`),
    reg(`dbgwcr${n}_el1`, 2, 0, 0, n, 7, `Debug Watchpoint Control Register ${n}`),
  ]),

  // Performance monitors
  reg('pmintenset_el1', 3, 0, 9, 14, 1, 'Performance Monitors Interrupt Enable Set'),
  reg('pmintenclr_el1', 3, 0, 9, 14, 2, 'Performance Monitors Interrupt Enable Clear'),
  reg('pmcr_el0', 3, 3, 9, 12, 0, 'Performance Monitors Control Register'),
  reg('pmcntenset_el0', 3, 3, 9, 12, 1, 'Performance Monitors Count Enable Set'),
  reg('pmcntenclr_el0', 3, 3, 9, 12, 2, 'Performance Monitors Count Enable Clear'),
  reg('pmovsclr_el0', 3, 3, 9, 12, 3, 'Performance Monitors Overflow Flag Status Clear'),
  reg('pmswinc_el0', 3, 3, 9, 12, 4, 'Performance Monitors Software Increment', WO),
  reg('pmselr_el0', 3, 3, 9, 12, 5, 'Performance Monitors Event Counter Selection'),
  reg('pmceid0_el0', 3, 3, 9, 12, 6, 'Performance Monitors Common Event Identification 0', RO),
  reg('pmceid1_el0', 3, 3, 9, 12, 7, 'Performance Monitors Common Event Identification 1', RO),
  reg('pmccntr_el0', 3, 3, 9, 13, 0, 'Performance Monitors Cycle Count Register'),
  reg('pmxevtyper_el0', 3, 3, 9, 13, 1, 'Performance Monitors Selected Event Type Register'),
  reg('pmxevcntr_el0', 3, 3, 9, 13, 2, 'Performance Monitors Selected Event Count Register'),
  reg('pmuserenr_el0', 3, 3, 9, 14, 0, 'Performance Monitors User Enable Register, read-only at EL0', { writeEL: 1 }),
  reg('pmovsset_el0', 3, 3, 9, 14, 3, 'Performance Monitors Overflow Flag Status Set'),
  reg('pmccfiltr_el0', 3, 3, 14, 15, 7, 'Performance Monitors Cycle Count Filter Register'),
  ...numbered(31, (n) => [
    reg(`pmevcntr${n}_el0`, 3, 3, 14, 8 + (n >> 3), n & 7, `Performance Monitors Event Count Register ${n}`),
    reg(`pmevtyper${n}_el0`, 3, 3, 14, 12 + (n >> 3), n & 7, `Performance Monitors Event Type Register ${n}`),
  ]),

  // GICv3 CPU interface (ICC) and virtual interface control (ICH)
  reg('icc_pmr_el1', 3, 0, 4, 6, 0, 'Interrupt Controller Interrupt Priority Mask Register'),
  reg('icc_iar0_el1', 3, 0, 12, 8, 0, 'Interrupt Controller Interrupt Acknowledge Register 0', RO),
  reg('icc_eoir0_el1', 3, 0, 12, 8, 1, 'Interrupt Controller End Of Interrupt Register 0', WO),
  reg('icc_hppir0_el1', 3, 0, 12, 8, 2, 'Interrupt Controller Highest Priority Pending Interrupt Register 0', RO),
  reg('icc_bpr0_el1', 3, 0, 12, 8, 3, 'Interrupt Controller Binary Point Register 0'),
  ...numbered(4, (n) => [reg(`icc_ap0r${n}_el1`, 3, 0, 12, 8, 4 + n, `Interrupt Controller Active Priorities Group 0 Register ${n}`)]),
  ...numbered(4, (n) => [reg(`icc_ap1r${n}_el1`, 3, 0, 12, 9, n, `Interrupt Controller Active Priorities Group 1 Register ${n}`)]),
  reg('icc_dir_el1', 3, 0, 12, 11, 1, 'Interrupt Controller Deactivate Interrupt Register', WO),
  reg('icc_rpr_el1', 3, 0, 12, 11, 3, 'Interrupt Controller Running Priority Register', RO),
  reg('icc_sgi1r_el1', 3, 0, 12, 11, 5, 'Interrupt Controller Software Generated Interrupt Group 1 Register', WO),
  reg('icc_asgi1r_el1', 3, 0, 12, 11, 6, 'Interrupt Controller Alias Software Generated Interrupt Group 1 Register', WO),
  reg('icc_sgi0r_el1', 3, 0, 12, 11, 7, 'Interrupt Controller Software Generated Interrupt Group 0 Register', WO),
  reg('icc_iar1_el1', 3, 0, 12, 12, 0, 'Interrupt Controller Interrupt Acknowledge Register 1', RO),
  reg('icc_eoir1_el1', 3, 0, 12, 12, 1, 'Interrupt Controller End Of Interrupt Register 1', WO),
  reg('icc_hppir1_el1', 3, 0, 12, 12, 2, 'Interrupt Controller Highest Priority Pending Interrupt Register 1', RO),
  reg('icc_bpr1_el1', 3, 0, 12, 12, 3, 'Interrupt Controller Binary Point Register 1'),
  reg('icc_ctlr_el1', 3, 0, 12, 12, 4, 'Interrupt Controller Control Register (EL1)'),
  reg('icc_sre_el1', 3, 0, 12, 12, 5, 'Interrupt Controller System Register Enable register (EL1)'),
  reg('icc_igrpen0_el1', 3, 0, 12, 12, 6, 'Interrupt Controller Interrupt Group 0 Enable register'),
  reg('icc_igrpen1_el1', 3, 0, 12, 12, 7, 'Interrupt Controller Interrupt Group 1 Enable register'),
  reg('icc_sre_el2', 3, 4, 12, 9, 5, 'Interrupt Controller System Register Enable register (EL2)'),
  reg('icc_ctlr_el3', 3, 6, 12, 12, 4, 'Interrupt Controller Control Register (EL3)'),
  reg('icc_sre_el3', 3, 6, 12, 12, 5, 'Interrupt Controller System Register Enable register (EL3)'),
  reg('icc_igrpen1_el3', 3, 6, 12, 12, 7, 'Interrupt Controller Interrupt Group 1 Enable register (EL3)'),
  ...numbered(4, (n) => [reg(`ich_ap0r${n}_el2`, 3, 4, 12, 8, n, `Interrupt Controller Hyp Active Priorities Group 0 Register ${n}`)]),
  ...numbered(4, (n) => [reg(`ich_ap1r${n}_el2`, 3, 4, 12, 9, n, `Interrupt Controller Hyp Active Priorities Group 1 Register ${n}`)]),
  reg('ich_hcr_el2', 3, 4, 12, 11, 0, 'Interrupt Controller Hyp Control Register'),
  reg('ich_vtr_el2', 3, 4, 12, 11, 1, 'Interrupt Controller VGIC Type Register', RO),
  reg('ich_misr_el2', 3, 4, 12, 11, 2, 'Interrupt Controller Maintenance Interrupt State Register', RO),
  reg('ich_eisr_el2', 3, 4, 12, 11, 3, 'Interrupt Controller End of Interrupt Status Register', RO),
  reg('ich_elrsr_el2', 3, 4, 12, 11, 5, 'Interrupt Controller Empty List Register Status Register', RO),
  reg('ich_vmcr_el2', 3, 4, 12, 11, 7, 'Interrupt Controller Virtual Machine Control Register'),
  ...numbered(16, (n) => [reg(`ich_lr${n}_el2`, 3, 4, 12, 12 + (n >> 3), n & 7, `Interrupt Controller List Register ${n}`)]),
];

function numbered(count: number, make: (n: number) => SystemRegister[]): SystemRegister[] {
  return Array.from({ length: count }, (_, n) => make(n)).flat();
}

/** The catalog, in the order above. */
export const SYSTEM_REGISTERS: readonly SystemRegister[] = SYSTEM_REGISTER_LIST;

/** The 16-bit op0:op1:CRn:CRm:op2 field of MRS/MSR/SYS/SYSL: bits [20:5] of the instruction. */
export function packSysregFields(e: SysregEncoding): number {
  return ((e.op0 & 3) << 14) | (e.op1 << 11) | (e.crn << 7) | (e.crm << 3) | e.op2;
}

/** Inverse of packSysregFields for a 16-bit op0:op1:CRn:CRm:op2 value. */
export function unpackSysregFields(value: number): SysregEncoding {
  return { op0: (value >> 14) & 3, op1: (value >> 11) & 7, crn: (value >> 7) & 15, crm: (value >> 3) & 15, op2: value & 7 };
}

const BY_NAME = new Map<string, SystemRegister>(SYSTEM_REGISTER_LIST.map((r) => [r.name, r]));
const BY_ENCODING = new Map<number, SystemRegister>(SYSTEM_REGISTER_LIST.map((r) => [packSysregFields(r), r]));
if (BY_NAME.size !== SYSTEM_REGISTER_LIST.length || BY_ENCODING.size !== SYSTEM_REGISTER_LIST.length) {
  throw new Error('system register catalog has a duplicate name or encoding');
}

/** `S3_4_C1_C1_0` (any case): the generic name GNU as accepts for any encoding. */
const GENERIC_NAME = /^s([0-3])_([0-7])_c([0-9]|1[0-5])_c([0-9]|1[0-5])_([0-7])$/;

export interface SystemRegisterOperand {
  encoding: SysregEncoding;
  /** The catalog entry, when the encoding has one (also for a generic name of a known register). */
  register: SystemRegister | undefined;
}

/** Catalog entry by name, case-insensitive. */
export function systemRegisterByName(name: string): SystemRegister | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Catalog entry by encoding. */
export function systemRegisterByEncoding(e: SysregEncoding): SystemRegister | undefined {
  return BY_ENCODING.get(packSysregFields(e));
}

/**
 * Parses the system register operand of mrs/msr: a catalog name or the generic S<op0>_<op1>_C<n>_C<m>_<op2>
 * form. Undefined means GNU as would say "unknown or missing system register name".
 */
export function parseSystemRegister(text: string): SystemRegisterOperand | undefined {
  const lower = text.trim().toLowerCase();
  const named = BY_NAME.get(lower);
  if (named !== undefined) return { encoding: encodingOf(named), register: named };
  const m = GENERIC_NAME.exec(lower);
  if (m === null) return undefined;
  const encoding = { op0: Number(m[1]), op1: Number(m[2]), crn: Number(m[3]), crm: Number(m[4]), op2: Number(m[5]) };
  return { encoding, register: systemRegisterByEncoding(encoding) };
}

export function encodingOf(r: SystemRegister): SysregEncoding {
  return { op0: r.op0, op1: r.op1, crn: r.crn, crm: r.crm, op2: r.op2 };
}

/** The generic spelling objdump uses for an encoding without a name: `s3_4_c15_c2_0`. */
export function genericSysregName(e: SysregEncoding): string {
  return `s${e.op0}_${e.op1}_c${e.crn}_c${e.crm}_${e.op2}`;
}

/** The name the disassembler prints: the catalog's, else the generic form. */
export function sysregDisplayName(e: SysregEncoding): string {
  return systemRegisterByEncoding(e)?.name ?? genericSysregName(e);
}

/** May code running at `el` perform this access (before any configurable trap)? */
export function systemRegisterAccessible(r: SystemRegister, el: ExceptionLevel, direction: 'read' | 'write'): boolean {
  if (direction === 'read') return r.access !== 'wo' && el >= r.el;
  return r.access !== 'ro' && el >= r.writeEL;
}

/** The value a write leaves: RES0 bits cleared, RES1 bits set, the rest as written. */
export function applyReservedBits(r: SystemRegister, value: bigint): bigint {
  return ((value & MASK64 & ~r.res0) | r.res1) & MASK64;
}

/**
 * ISS of a trapped MSR/MRS/SYS (ESR_ELx.EC = 0x18): Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10],
 * Rt [9:5], CRm [4:1], Direction [0] (1 = read, i.e. MRS).
 */
export function sysregTrapIss(e: SysregEncoding, rt: number, direction: 'read' | 'write'): number {
  return (
    ((e.op0 << 20) | (e.op2 << 17) | (e.op1 << 14) | (e.crn << 10) | ((rt & 31) << 5) | (e.crm << 1) | (direction === 'read' ? 1 : 0)) >>> 0
  );
}
