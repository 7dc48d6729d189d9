// When an exception is TAKEN and when it ENDS the run: the lab's one rule, in one place.
//
// The architecture always takes an exception: it writes ESR/ELR/SPSR (and FAR, HPFAR) of the target
// EL and jumps to VBAR_ELx + offset. A kernel developer running a bare program wants that when the
// program has vectors (a hypervisor's hvc/trap/IRQ handlers, a test of its own fault handling), and a
// diagnostic, not a jump into nowhere, when it has none (VBAR_EL2 is 0 after reset here, as in QEMU).
// So, under the default policy 'vectored':
//
//   An exception is taken when the vector it enters lies inside the loaded program (the program, or
//   the scenario's reset values, pointed VBAR_ELx at a table of its own). Otherwise nothing changes
//   and the run ends with a coded diagnostic at the instruction that raised it: the fault's own code
//   for a fault (HL0701 data abort, HL0702 UNDEFINED, HL0703 SP alignment, HL0707 illegal state), and
//   HL0710 for an exception that is no fault (hvc, svc, brk, a trap, an interrupt).
//
// 'take' takes every exception wherever its vector is (a vector outside the program then ends the
// run at the fetch, HL0705); 'stop' ends the run at every fault and exception, vectors or not.
//
// Which EL an exception goes to is the architecture's routing, never the policy's: UNDEFINED, SP
// alignment and stage-1 data aborts from EL1 go to EL1 (VBAR_EL1); hvc, HCR_EL2/CPTR_EL2 traps,
// stage-2 data aborts (HCR_EL2.VM set) and interrupts routed by HCR_EL2.{IMO,FMO,AMO,TGE} go to EL2.
// Faults with no architectural exception in the lab (a PC outside the program, a symbolic address,
// AArch32 execution, an instruction without semantics) always end the run.

import type { Image } from './image.ts';
import type { Machine } from './machine.ts';
import { ARCHITECTURAL_FAULTS, MachineFault } from './faults.ts';
import type { ExceptionLevel } from '../a64/sysregs.ts';
import { EC, HCR, TakeException, hcrBit, syncTargetEL } from '../a64/semantics/exceptions.ts';
import type { Syndrome } from '../a64/semantics/exceptions.ts';

export type ExceptionPolicy = 'vectored' | 'take' | 'stop';

/** The rule RunOptions.exceptions installs as Machine.exceptionRefusal: why a vector is refused. */
export function vectorRefusal<V>(image: Image<V>, policy: ExceptionPolicy): (vector: bigint) => string | undefined {
  if (policy === 'take') return () => undefined;
  if (policy === 'stop') return () => 'is refused: the exception policy "stop" ends the run at every exception';
  const start = BigInt(image.base);
  const end = start + BigInt(image.bytes.length);
  return (vector) => (vector >= start && vector + 4n <= end ? undefined : 'is not in the program');
}

// ------------------------------------------------------------------------------------------------
// Data aborts: routing and the instruction syndrome (ISS) of the access

/** DFSC values (ESR_ELx.ISS[5:0]) the lab reports. */
export const DFSC = {
  /** Synchronous external abort, not on a translation table walk: a physical address nothing answers. */
  externalAbort: 0b010000,
  /** Translation fault, level 1: a stage-1 walk (`at`) that finds no table. */
  translationLevel1: 0b000101,
  /** Translation fault, level 3: an IPA outside the stage-2 map (the lab's stage 2 maps exactly its regions). */
  translationLevel3: 0b000111,
  /** Permission fault, level 3: a write to a read-only region under stage 2. */
  permissionLevel3: 0b001111,
} as const;

/** ISS[24:14] of a data abort: ISV, SAS, SSE, SRT, SF, AR, packed; 0 when no instruction syndrome. */
interface AccessSyndrome {
  sas: number;
  sse: 0 | 1;
  srt: number;
  sf: 0 | 1;
  ar: 0 | 1;
}

const bitsOf = (word: number, hi: number, lo: number): number => (word >>> lo) & ((1 << (hi - lo + 1)) - 1);

/**
 * The instruction syndrome of a load/store word, or undefined where the architecture gives none: only a
 * single general-purpose register load or store without writeback (ldr/str in offset, register, unscaled
 * and literal forms, ldar/stlr) has one; pairs, writeback forms and SIMD&FP registers do not.
 */
export function accessSyndrome(word: number): AccessSyndrome | undefined {
  const rt = bitsOf(word, 4, 0);
  const vector = bitsOf(word, 26, 26) === 1;
  if (bitsOf(word, 29, 27) === 0b011 && !vector) {
    // Load register (literal): opc 00 = ldr w, 01 = ldr x, 10 = ldrsw, 11 = prfm.
    const opc = bitsOf(word, 31, 30);
    if (opc === 3) return undefined;
    return { sas: opc === 1 ? 3 : 2, sse: opc === 2 ? 1 : 0, srt: rt, sf: opc === 0 ? 0 : 1, ar: 0 };
  }
  if (bitsOf(word, 29, 24) === 0b001000 && bitsOf(word, 23, 23) === 1 && bitsOf(word, 21, 21) === 0) {
    // Load-acquire / store-release register (ldar/stlr and byte/halfword forms).
    const size = bitsOf(word, 31, 30);
    return { sas: size, sse: 0, srt: rt, sf: size === 3 ? 1 : 0, ar: 1 };
  }
  if (bitsOf(word, 29, 27) !== 0b111 || vector) return undefined;
  const unsignedOffset = bitsOf(word, 25, 24) === 0b01;
  if (!unsignedOffset) {
    if (bitsOf(word, 25, 24) !== 0b00) return undefined;
    const indexed = bitsOf(word, 21, 21) === 0 && (bitsOf(word, 11, 10) & 1) === 1; // pre/post-index: writeback
    if (indexed) return undefined;
  }
  const size = bitsOf(word, 31, 30);
  const opc = bitsOf(word, 23, 22);
  if (opc >= 2 && size === 3) return undefined; // prfm
  if (opc === 0) return { sas: size, sse: 0, srt: rt, sf: size === 3 ? 1 : 0, ar: 0 }; // store
  if (opc === 1) return { sas: size, sse: 0, srt: rt, sf: size === 3 ? 1 : 0, ar: 0 }; // zero-extending load
  return { sas: size, sse: 1, srt: rt, sf: opc === 2 ? 1 : 0, ar: 0 }; // sign-extending load to X (opc 10) or W (11)
}

function packAccessSyndrome(a: AccessSyndrome): number {
  return (1 << 24) | (a.sas << 22) | (a.sse << 21) | (a.srt << 16) | (a.sf << 15) | (a.ar << 14);
}

/**
 * The data abort a faulting access raises, routed as the architecture says: at EL2, to EL2 (EC 0x25);
 * at EL1/EL0 with HCR_EL2.VM set, a stage-2 fault to EL2 (EC 0x24, HPFAR_EL2 = the IPA, which is the VA
 * with stage 1 off); otherwise a stage-1 external abort to EL1 (or to EL2 from EL0 under HCR_EL2.TGE).
 * ISV and the access syndrome are given for aborts taken to EL2, as QEMU does (the Arm ARM requires
 * them for stage-2 aborts).
 */
export function dataAbort<V>(m: Machine<V>, access: NonNullable<MachineFault['access']>, readOnly: boolean, word: number): { targetEL: ExceptionLevel; syndrome: Syndrome } {
  const s = m.state;
  const el = s.pstate.EL;
  const stage2 = el < 2 && hcrBit(s, HCR.VM);
  const targetEL: ExceptionLevel = stage2 ? 2 : syncTargetEL(s);
  const dfsc = stage2 ? (readOnly ? DFSC.permissionLevel3 : DFSC.translationLevel3) : DFSC.externalAbort;
  const instruction = targetEL === 2 ? accessSyndrome(word) : undefined;
  const iss = (instruction === undefined ? 0 : packAccessSyndrome(instruction)) | ((access.write ? 1 : 0) << 6) | dfsc;
  const ec = targetEL === el ? EC.dataAbortSame : EC.dataAbortLower;
  return {
    targetEL,
    syndrome: { ec, il: 1, iss, far: access.address, ...(stage2 ? { hpfar: ((access.address >> 12n) << 4n) & 0xfffffffff0n } : {}) },
  };
}

/**
 * Offers a fault to the architecture: takes the synchronous exception it raises (at the faulting
 * instruction, `address`, whose encoding is `word`) when the policy allows. Returns why it was not
 * taken, or undefined when it was.
 */
export function takeFault<V>(m: Machine<V>, fault: MachineFault, address: bigint, word: number): string | undefined {
  if (!ARCHITECTURAL_FAULTS.has(fault.kind)) return 'no architectural exception';
  let targetEL: ExceptionLevel;
  let syndrome: Syndrome;
  if ((fault.kind === 'unmapped' || fault.kind === 'read-only') && fault.access !== undefined) {
    ({ targetEL, syndrome } = dataAbort(m, fault.access, fault.kind === 'read-only', word));
  } else {
    targetEL = syncTargetEL(m.state);
    const ec = fault.kind === 'sp-alignment' ? EC.spAlignment : fault.kind === 'illegal-state' ? EC.illegalState : EC.unknown;
    syndrome = { ec, il: 1, iss: 0 };
  }
  try {
    TakeException(m, targetEL, 'sync', address, syndrome);
    return undefined;
  } catch (e) {
    if (e instanceof MachineFault && e.kind === 'no-vector') return e.message;
    throw e;
  }
}
