// System operations: the named operations of TLBI, IC, DC and AT (aliases of SYS), the barrier options
// of DSB/DMB/ISB, and the PSTATE fields of `msr <field>, #imm`. Each is a fact of the architecture,
// spelled as GNU as 2.40 spells it with the default -march; test/a64/sysops.test.ts checks every row
// against GNU as and objdump.

export type SysOpMnemonic = 'tlbi' | 'ic' | 'dc' | 'at';

/** A named operation of the SYS instruction (`sys #op1, Cn, Cm, #op2{, Xt}`). */
export interface SystemOperation {
  mnemonic: SysOpMnemonic;
  /** Lower-case, as objdump prints it. */
  name: string;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
  /** The operation takes Xt (an address, a set/way, or a TLBI argument); GNU as insists either way. */
  takesRegister: boolean;
  /** Lowest EL that may execute it (from op1, as for system registers: 0 -> EL1, 3 -> EL0, 4 -> EL2, 6 -> EL3). */
  el: 0 | 1 | 2 | 3;
  /** Set when the operation is not ARMv8.0 (GNU as accepts it by default; the core may treat it as UNDEFINED). */
  extension?: string;
  description: string;
}

function op(
  mnemonic: SysOpMnemonic,
  name: string,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
  takesRegister: boolean,
  description: string,
  extension?: string,
): SystemOperation {
  const el = op1 === 3 ? 0 : op1 === 4 || op1 === 5 ? 2 : op1 === 6 ? 3 : 1;
  return { mnemonic, name, op1, crn, crm, op2, takesRegister, el, ...(extension === undefined ? {} : { extension }), description };
}

const REG = true;
const NOREG = false;

const SYSTEM_OPERATION_LIST: SystemOperation[] = [
  // Instruction cache maintenance (CRn = 7)
  op('ic', 'ialluis', 0, 7, 1, 0, NOREG, 'Invalidate all instruction caches to PoU, Inner Shareable'),
  op('ic', 'iallu', 0, 7, 5, 0, NOREG, 'Invalidate all instruction caches to PoU'),
  op('ic', 'ivau', 3, 7, 5, 1, REG, 'Invalidate instruction cache line by VA to PoU'),

  // Data cache maintenance (CRn = 7)
  op('dc', 'zva', 3, 7, 4, 1, REG, 'Zero a block of memory by VA (size from DCZID_EL0)'),
  op('dc', 'ivac', 0, 7, 6, 1, REG, 'Invalidate data cache line by VA to PoC'),
  op('dc', 'isw', 0, 7, 6, 2, REG, 'Invalidate data cache line by set/way'),
  op('dc', 'cvac', 3, 7, 10, 1, REG, 'Clean data cache line by VA to PoC'),
  op('dc', 'csw', 0, 7, 10, 2, REG, 'Clean data cache line by set/way'),
  op('dc', 'cvau', 3, 7, 11, 1, REG, 'Clean data cache line by VA to PoU'),
  op('dc', 'civac', 3, 7, 14, 1, REG, 'Clean and invalidate data cache line by VA to PoC'),
  op('dc', 'cisw', 0, 7, 14, 2, REG, 'Clean and invalidate data cache line by set/way'),
  op('dc', 'cipapa', 6, 7, 14, 1, REG, 'Clean and invalidate data cache line by PA to PoPA', 'RME'),
  op('dc', 'cigdpapa', 6, 7, 14, 5, REG, 'Clean and invalidate data and tags by PA to PoPA', 'RME'),

  // Address translation (CRn = 7, CRm = 8); the result goes to PAR_EL1
  op('at', 's1e1r', 0, 7, 8, 0, REG, 'Stage 1 translation as EL1 read'),
  op('at', 's1e1w', 0, 7, 8, 1, REG, 'Stage 1 translation as EL1 write'),
  op('at', 's1e0r', 0, 7, 8, 2, REG, 'Stage 1 translation as EL0 read'),
  op('at', 's1e0w', 0, 7, 8, 3, REG, 'Stage 1 translation as EL0 write'),
  op('at', 's1e2r', 4, 7, 8, 0, REG, 'Stage 1 translation as EL2 read'),
  op('at', 's1e2w', 4, 7, 8, 1, REG, 'Stage 1 translation as EL2 write'),
  op('at', 's12e1r', 4, 7, 8, 4, REG, 'Stage 1 and 2 translation as EL1 read'),
  op('at', 's12e1w', 4, 7, 8, 5, REG, 'Stage 1 and 2 translation as EL1 write'),
  op('at', 's12e0r', 4, 7, 8, 6, REG, 'Stage 1 and 2 translation as EL0 read'),
  op('at', 's12e0w', 4, 7, 8, 7, REG, 'Stage 1 and 2 translation as EL0 write'),
  op('at', 's1e3r', 6, 7, 8, 0, REG, 'Stage 1 translation as EL3 read'),
  op('at', 's1e3w', 6, 7, 8, 1, REG, 'Stage 1 translation as EL3 write'),

  // TLB maintenance (CRn = 8): CRm 3 is Inner Shareable, 7 is local, 0/4 are by IPA
  op('tlbi', 'ipas2e1is', 4, 8, 0, 1, REG, 'Invalidate stage 2 entries by IPA, EL1, Inner Shareable'),
  op('tlbi', 'ipas2le1is', 4, 8, 0, 5, REG, 'Invalidate stage 2 last-level entries by IPA, EL1, Inner Shareable'),
  op('tlbi', 'vmalle1is', 0, 8, 3, 0, NOREG, 'Invalidate stage 1 entries of the current VMID, EL1, Inner Shareable'),
  op('tlbi', 'vae1is', 0, 8, 3, 1, REG, 'Invalidate by VA and ASID, EL1, Inner Shareable'),
  op('tlbi', 'aside1is', 0, 8, 3, 2, REG, 'Invalidate by ASID, EL1, Inner Shareable'),
  op('tlbi', 'vaae1is', 0, 8, 3, 3, REG, 'Invalidate by VA, all ASIDs, EL1, Inner Shareable'),
  op('tlbi', 'vale1is', 0, 8, 3, 5, REG, 'Invalidate last-level entries by VA and ASID, EL1, Inner Shareable'),
  op('tlbi', 'vaale1is', 0, 8, 3, 7, REG, 'Invalidate last-level entries by VA, all ASIDs, EL1, Inner Shareable'),
  op('tlbi', 'alle2is', 4, 8, 3, 0, NOREG, 'Invalidate all EL2 entries, Inner Shareable'),
  op('tlbi', 'vae2is', 4, 8, 3, 1, REG, 'Invalidate by VA, EL2, Inner Shareable'),
  op('tlbi', 'alle1is', 4, 8, 3, 4, NOREG, 'Invalidate all EL1 entries (all VMIDs), Inner Shareable'),
  op('tlbi', 'vale2is', 4, 8, 3, 5, REG, 'Invalidate last-level entries by VA, EL2, Inner Shareable'),
  op('tlbi', 'vmalls12e1is', 4, 8, 3, 6, NOREG, 'Invalidate stage 1 and 2 entries of the current VMID, Inner Shareable'),
  op('tlbi', 'alle3is', 6, 8, 3, 0, NOREG, 'Invalidate all EL3 entries, Inner Shareable'),
  op('tlbi', 'vae3is', 6, 8, 3, 1, REG, 'Invalidate by VA, EL3, Inner Shareable'),
  op('tlbi', 'vale3is', 6, 8, 3, 5, REG, 'Invalidate last-level entries by VA, EL3, Inner Shareable'),
  op('tlbi', 'ipas2e1', 4, 8, 4, 1, REG, 'Invalidate stage 2 entries by IPA, EL1'),
  op('tlbi', 'ipas2le1', 4, 8, 4, 5, REG, 'Invalidate stage 2 last-level entries by IPA, EL1'),
  op('tlbi', 'vmalle1', 0, 8, 7, 0, NOREG, 'Invalidate stage 1 entries of the current VMID, EL1'),
  op('tlbi', 'vae1', 0, 8, 7, 1, REG, 'Invalidate by VA and ASID, EL1'),
  op('tlbi', 'aside1', 0, 8, 7, 2, REG, 'Invalidate by ASID, EL1'),
  op('tlbi', 'vaae1', 0, 8, 7, 3, REG, 'Invalidate by VA, all ASIDs, EL1'),
  op('tlbi', 'vale1', 0, 8, 7, 5, REG, 'Invalidate last-level entries by VA and ASID, EL1'),
  op('tlbi', 'vaale1', 0, 8, 7, 7, REG, 'Invalidate last-level entries by VA, all ASIDs, EL1'),
  op('tlbi', 'alle2', 4, 8, 7, 0, NOREG, 'Invalidate all EL2 entries'),
  op('tlbi', 'vae2', 4, 8, 7, 1, REG, 'Invalidate by VA, EL2'),
  op('tlbi', 'alle1', 4, 8, 7, 4, NOREG, 'Invalidate all EL1 entries (all VMIDs)'),
  op('tlbi', 'vale2', 4, 8, 7, 5, REG, 'Invalidate last-level entries by VA, EL2'),
  op('tlbi', 'vmalls12e1', 4, 8, 7, 6, NOREG, 'Invalidate stage 1 and 2 entries of the current VMID'),
  op('tlbi', 'alle3', 6, 8, 7, 0, NOREG, 'Invalidate all EL3 entries'),
  op('tlbi', 'vae3', 6, 8, 7, 1, REG, 'Invalidate by VA, EL3'),
  op('tlbi', 'vale3', 6, 8, 7, 5, REG, 'Invalidate last-level entries by VA, EL3'),
  op('tlbi', 'paallos', 6, 8, 1, 4, NOREG, 'Invalidate all GPT entries, Outer Shareable', 'RME'),
  op('tlbi', 'rpaos', 6, 8, 4, 3, REG, 'Invalidate GPT entries by PA range, Outer Shareable', 'RME'),
  op('tlbi', 'rpalos', 6, 8, 4, 7, REG, 'Invalidate last-level GPT entries by PA range, Outer Shareable', 'RME'),
  op('tlbi', 'paall', 6, 8, 7, 4, NOREG, 'Invalidate all GPT entries', 'RME'),
];

export const SYSTEM_OPERATIONS: readonly SystemOperation[] = SYSTEM_OPERATION_LIST;

/** op1:CRn:CRm:op2 as one 14-bit number, the key of a SYS operation (bits [18:5] of the instruction). */
export function packSysOpFields(o: { op1: number; crn: number; crm: number; op2: number }): number {
  return (o.op1 << 11) | (o.crn << 7) | (o.crm << 3) | o.op2;
}

const BY_NAME = new Map<string, SystemOperation>(SYSTEM_OPERATION_LIST.map((o) => [`${o.mnemonic} ${o.name}`, o]));
const BY_FIELDS = new Map<number, SystemOperation>(SYSTEM_OPERATION_LIST.map((o) => [packSysOpFields(o), o]));
if (BY_NAME.size !== SYSTEM_OPERATION_LIST.length || BY_FIELDS.size !== SYSTEM_OPERATION_LIST.length) {
  throw new Error('system operation table has a duplicate name or encoding');
}

/** The operation `tlbi vae2` etc., by mnemonic and name (case-insensitive). */
export function systemOperation(mnemonic: string, name: string): SystemOperation | undefined {
  return BY_NAME.get(`${mnemonic.toLowerCase()} ${name.trim().toLowerCase()}`);
}

/** The named operation a `sys` encoding spells, if any (objdump then prints the alias). */
export function systemOperationByFields(o: { op1: number; crn: number; crm: number; op2: number }): SystemOperation | undefined {
  return BY_FIELDS.get(packSysOpFields(o));
}

/** All operations of one mnemonic, for generation and for "did you mean". */
export function systemOperationsOf(mnemonic: SysOpMnemonic): SystemOperation[] {
  return SYSTEM_OPERATION_LIST.filter((o) => o.mnemonic === mnemonic);
}

// ---------------------------------------------------------------------------------------------
// Barriers: DSB/DMB take a 4-bit CRm option, named by domain (OSH, NSH, ISH, full system) and access
// types (LD: reads before reads and writes; ST: writes before writes; none: all). ISB names only SY.

export interface BarrierOption {
  name: string;
  crm: number;
}

export const BARRIER_OPTIONS: readonly BarrierOption[] = [
  { name: 'oshld', crm: 1 },
  { name: 'oshst', crm: 2 },
  { name: 'osh', crm: 3 },
  { name: 'nshld', crm: 5 },
  { name: 'nshst', crm: 6 },
  { name: 'nsh', crm: 7 },
  { name: 'ishld', crm: 9 },
  { name: 'ishst', crm: 10 },
  { name: 'ish', crm: 11 },
  { name: 'ld', crm: 13 },
  { name: 'st', crm: 14 },
  { name: 'sy', crm: 15 },
];

/** The options ISB accepts by name (the rest are `#imm`). */
export const ISB_OPTIONS: readonly BarrierOption[] = [{ name: 'sy', crm: 15 }];

/**
 * DSB encodings with CRm 0 and 4 are the speculation barriers, which objdump prints as their own
 * mnemonics (GNU as accepts both `ssbb` and `dsb #0`).
 */
export const SPECULATION_BARRIERS: readonly BarrierOption[] = [
  { name: 'ssbb', crm: 0 },
  { name: 'pssbb', crm: 4 },
];

export type BarrierMnemonic = 'dsb' | 'dmb' | 'isb';

function optionsOf(mnemonic: BarrierMnemonic): readonly BarrierOption[] {
  return mnemonic === 'isb' ? ISB_OPTIONS : BARRIER_OPTIONS;
}

/** CRm for a named option of `mnemonic`, case-insensitive; undefined when the name is not an option. */
export function barrierOptionByName(mnemonic: BarrierMnemonic, name: string): number | undefined {
  const lower = name.trim().toLowerCase();
  return optionsOf(mnemonic).find((o) => o.name === lower)?.crm;
}

/**
 * The option as objdump prints it: the name when it has one, else `#0x0c` (two hex digits for DSB/DMB)
 * or `#0x3` (ISB). `undefined` for ISB SY, which objdump prints as a bare `isb`.
 */
export function barrierOptionText(mnemonic: BarrierMnemonic, crm: number): string | undefined {
  if (mnemonic === 'isb') return crm === 15 ? undefined : `#0x${crm.toString(16)}`;
  const named = BARRIER_OPTIONS.find((o) => o.crm === crm);
  return named !== undefined ? named.name : `#0x${crm.toString(16).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// PSTATE fields written by `msr <field>, #imm` (MSR immediate: op1, CRm = imm, op2). PAN, UAO, DIT, SSBS
// and TCO need a -march flag in GNU as 2.40 and are left out.

export interface PstateField {
  name: string;
  op1: number;
  op2: number;
  /**
   * Largest immediate GNU as accepts ("immediate value out of range 0 to N"); objdump prints the field
   * only for immediates up to it (`msr spsel, #0x1`), else the generic `msr s0_0_c4_c5_5, xzr`.
   */
  maxImmediate: number;
  description: string;
}

export const PSTATE_FIELDS: readonly PstateField[] = [
  { name: 'spsel', op1: 0, op2: 5, maxImmediate: 1, description: 'Select SP_EL0 (0) or SP_ELx (1)' },
  { name: 'daifset', op1: 3, op2: 6, maxImmediate: 15, description: 'Set the D, A, I, F mask bits given by imm[3:0]' },
  { name: 'daifclr', op1: 3, op2: 7, maxImmediate: 15, description: 'Clear the D, A, I, F mask bits given by imm[3:0]' },
];

export function pstateFieldByName(name: string): PstateField | undefined {
  const lower = name.trim().toLowerCase();
  return PSTATE_FIELDS.find((p) => p.name === lower);
}

export function pstateFieldByEncoding(op1: number, op2: number): PstateField | undefined {
  return PSTATE_FIELDS.find((p) => p.op1 === op1 && p.op2 === op2);
}
