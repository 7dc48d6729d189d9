// The one table of what the QEMU differential oracle does not compare, and why. Two kinds of entry:
//  - `value`: bits of an observed value that are left out of the comparison, because QEMU 7.2 does not
//    model them as the Arm ARM defines, or the architecture leaves them UNKNOWN / IMPLEMENTATION DEFINED;
//  - `not-generated`: instructions or register values the random cases never produce, because one of
//    the two sides cannot run them as the architecture says (or the runner would not survive them).
// The report prints this table; scripts/oracles reads it when it generates and compares cases.

export type ExclusionSource =
  /** QEMU departs from the architecture. */
  | 'qemu'
  /** The architecture leaves the value UNKNOWN or IMPLEMENTATION DEFINED: either answer is right. */
  | 'architecture'
  /** The lab's core does not model it (yet); the generator stays clear of it. */
  | 'core'
  /** The oracle's runner needs it. */
  | 'runner';

/**
 * When a value exclusion applies: always, or only when the case ended with an exception (`exception`),
 * or only when it ended through an exception taken to EL1 first (`el1-exception`: the runner's EL1
 * vectors forward it to EL2 with hvc).
 */
export type ExclusionCondition = 'always' | 'exception' | 'el1-exception';

/** How a case ended, as far as conditions need to know. */
export interface CaseEnding {
  exception: boolean;
  el1Exception: boolean;
}

export interface ValueExclusion {
  kind: 'value';
  /** Observed value, as the oracle names it: a register (`sctlr_el2`, `x3`, `nzcv`). */
  value: string;
  /** Bits left out of the comparison. */
  mask: bigint;
  when: ExclusionCondition;
  source: ExclusionSource;
  reason: string;
}

export interface GenerationExclusion {
  kind: 'not-generated';
  what: string;
  /** Instruction table ids never generated for the oracle. */
  ids?: readonly string[];
  source: ExclusionSource;
  reason: string;
}

export type QemuExclusion = ValueExclusion | GenerationExclusion;

const ALL = (1n << 64n) - 1n;
const NZCV = 0xf000_0000n;

export const QEMU_EXCLUSIONS: readonly QemuExclusion[] = [
  {
    kind: 'not-generated',
    what: 'unaligned data accesses',
    source: 'qemu',
    reason:
      "With the MMU off, data accesses are Device-nGnRnE and an unaligned one must take an alignment fault; QEMU 7.2 performs the access. Every generated access (literal loads included: they read the case's aligned pool) is aligned to its element size.",
  },
  {
    kind: 'not-generated',
    what: 'wfi, wfe',
    ids: ['WFI', 'WFE'],
    source: 'runner',
    reason: 'With no interrupt or event pending, QEMU waits forever; the batch would hang.',
  },
  {
    kind: 'not-generated',
    what: 'at s1e1r and the other address translation instructions',
    ids: ['AT_SYS_reg'],
    source: 'core',
    reason: "PAR_EL1 depends on the translation regime: QEMU translates (flat, MMU off: PAR_EL1.F = 0); the core's default translation faults (PAR_EL1.F = 1).",
  },
  {
    kind: 'not-generated',
    what: 'udf, hlt, smc, and undefined system register accesses',
    ids: ['UDF', 'HLT', 'SMC'],
    source: 'core',
    reason:
      'The core ends the run with an UNDEFINED diagnostic where the architecture takes an Undefined Instruction exception; hlt #0xf000 is the semihosting call the runner itself uses.',
  },
  {
    kind: 'not-generated',
    what: 'HCR_EL2 trap and virtual interrupt bits (VM, VF, VI, VSE, TWI, TWE, TID*, TACR, TSW, TPC, TPU, TTLB, TVM, TGE, TDZ, HCD, TRVM), RW = 0',
    source: 'core',
    reason:
      'The core does not model stage 2 translation, virtual interrupts or the TID*/TACR/TSW/TPC/TPU/TTLB traps; its TVM/TRVM/TWI/TWE/TSC traps are tested by known answers (test/machine/exceptions.test.ts) but not yet generated here. Cases run with these bits clear and EL1 in AArch64.',
  },
  {
    kind: 'not-generated',
    what: 'MDCR_EL2.TDE, CPTR_EL2.TFP/TCPAC, CPACR_EL1.FPEN != 0b11, SCTLR_EL1.{M, A, SA, SA0, EE, E0E}',
    source: 'core',
    reason: 'Debug exception routing, FP traps, the EL1 MMU, alignment checks and big-endian data are not modelled by the core; cases keep them off.',
  },
  {
    kind: 'not-generated',
    what: 'writes to VBAR_EL2, VBAR_EL1, SCTLR_EL2, TPIDR_EL2, SP_EL0/SP_EL1 through mrs/msr',
    source: 'runner',
    reason:
      "The runner's vector tables catch the end of every case; SCTLR_EL2 keeps the MMU off; TPIDR_EL2 is the runner's scratch register; the stack pointers are compared in every dump anyway (and mrs sp_el0 with SPSel = 0 is UNDEFINED).",
  },
  {
    kind: 'not-generated',
    what: 'AFSR0_EL1, AFSR1_EL1, AFSR0_EL2, AFSR1_EL2, AMAIR_EL1, AMAIR_EL2, ACTLR_EL1/EL2, HACR_EL2 values',
    source: 'architecture',
    reason:
      'Their contents are IMPLEMENTATION DEFINED: QEMU makes them RAZ/WI (a read after any write gives 0), the core stores what is written. Both are permitted; cases leave them alone.',
  },
  {
    kind: 'not-generated',
    what: 'FPCR.{IDE, IXE, UFE, OFE, DZE, IOE} set',
    source: 'architecture',
    reason:
      'The floating-point trap enables are RAZ/WI on a PE that does not trap floating-point exceptions (the Cortex-A57, and QEMU: reads give 0); the core stores them. Cases write FPCR with these bits clear.',
  },
  {
    kind: 'not-generated',
    what: 'HCR_EL2.DC',
    source: 'core',
    reason: 'DC = 1 makes the PE behave as if HCR_EL2.VM = 1 (stage 2 translation on), which the core does not model; QEMU then takes stage 2 faults.',
  },
  {
    kind: 'not-generated',
    what: 'ID registers other than MIDR_EL1/MPIDR_EL1; counters and timers',
    source: 'architecture',
    reason: 'ID register values are IMPLEMENTATION DEFINED (the core has no values for most); counters change with time.',
  },
  {
    kind: 'value',
    value: 'nzcv',
    mask: NZCV,
    when: 'exception',
    source: 'qemu',
    reason:
      'QEMU 7.2 clears PSTATE.{N,Z,C,V} when it takes an exception to AArch64 (arm_cpu_do_interrupt_aarch64 writes PSTATE = DAIF | mode); AArch64.TakeException leaves them unchanged. The flags before the exception are still compared through SPSR_EL2.',
  },
  {
    kind: 'value',
    value: 'spsr_el2',
    mask: NZCV,
    when: 'el1-exception',
    source: 'qemu',
    reason:
      "The same QEMU behaviour seen one exception later: after an exception to EL1 the runner's EL1 vector forwards with hvc, and SPSR_EL2 saves the flags QEMU cleared (SPSR_EL1 keeps the case's flags and is compared).",
  },
  {
    kind: 'value',
    value: 'tpidr_el2',
    mask: ALL,
    when: 'always',
    source: 'runner',
    reason: "The runner's scratch register (holds X0 while the dump starts); not dumped.",
  },
];

export const NOT_GENERATED_INSTRUCTIONS: readonly { ids: readonly string[]; reason: string }[] = QEMU_EXCLUSIONS.flatMap((e) =>
  e.kind === 'not-generated' && e.ids !== undefined ? [{ ids: e.ids, reason: e.reason }] : [],
);

function applies(when: ExclusionCondition, ending: CaseEnding): boolean {
  return when === 'always' || (when === 'exception' && ending.exception) || (when === 'el1-exception' && ending.el1Exception);
}

/** Bits of observed value `name` left out of the comparison for a case that ended as `ending` says. */
export function excludedBits(name: string, ending: CaseEnding): bigint {
  let mask = 0n;
  for (const e of QEMU_EXCLUSIONS) if (e.kind === 'value' && e.value === name && applies(e.when, ending)) mask |= e.mask;
  return mask;
}

/** The table as text lines, for reports. */
export function formatExclusions(): string[] {
  return QEMU_EXCLUSIONS.map((e) =>
    e.kind === 'value'
      ? `- ${e.value} bits 0x${e.mask.toString(16)} not compared${e.when === 'always' ? '' : ` after an ${e.when === 'exception' ? 'exception' : 'exception to EL1'}`} (${e.source}): ${e.reason}`
      : `- not generated: ${e.what} (${e.source}): ${e.reason}`,
  );
}
