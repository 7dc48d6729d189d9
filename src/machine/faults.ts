// Faults. The semantics throw a MachineFault where the architecture raises a fault (an UNDEFINED
// access, a data abort on unmapped memory, a misaligned SP, an illegal execution state) or where the
// lab cannot go on (a PC outside the program, a symbolic address, AArch32). The runner first offers a
// fault with an architectural exception to the exception policy (src/machine/exception-policy.ts):
// taken through the vectors when the program has them, else a coded Diagnostic with the instruction's
// origin. The rest always end the run.

import type { DiagnosticCode } from '../asm/diagnostics.ts';

export type FaultKind =
  | 'unmapped' // data abort: no region at the address
  | 'read-only' // data abort: a write to a read-only region
  | 'undefined' // UNDEFINED instruction or system register access
  | 'sp-alignment' // SP alignment fault
  | 'out-of-program' // the PC left the loaded program (or is misaligned)
  | 'symbolic' // a value the machine needs concrete (an address) is symbolic
  | 'illegal-state' // an instruction executed with PSTATE.IL set (after an illegal exception return)
  | 'no-vector' // an exception (hvc, a trap, an interrupt) whose vector is not in the program
  | 'aarch32' // execution entered AArch32 state, which the core does not execute
  | 'unsupported'; // an instruction the core has no semantics for

export const FAULT_CODES: Readonly<Record<FaultKind, DiagnosticCode>> = {
  unmapped: 'HL0701',
  'read-only': 'HL0701',
  undefined: 'HL0702',
  'sp-alignment': 'HL0703',
  'out-of-program': 'HL0705',
  symbolic: 'HL0706',
  'illegal-state': 'HL0707',
  'no-vector': 'HL0710',
  aarch32: 'HL0708',
  unsupported: 'HL0709',
};

/** Faults the architecture turns into a synchronous exception (the others always end the run). */
export const ARCHITECTURAL_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['unmapped', 'read-only', 'undefined', 'sp-alignment', 'illegal-state']);

/** Details of a data abort: where, how wide, which direction. */
export interface AccessDetails {
  address: bigint;
  bytes: number;
  write: boolean;
}

export class MachineFault extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
    readonly access?: AccessDetails,
  ) {
    super(message);
    this.name = 'MachineFault';
  }
  get code(): DiagnosticCode {
    return FAULT_CODES[this.kind];
  }
}

export function undefinedInstruction(why: string): MachineFault {
  return new MachineFault('undefined', `UNDEFINED: ${why}`);
}

export const hex64 = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;
