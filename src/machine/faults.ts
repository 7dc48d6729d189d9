// Conditions that stop the machine. The semantics throw a MachineFault where the architecture raises
// a fault the lab does not let a program survive (an UNDEFINED access, a data abort on unmapped
// memory, a misaligned SP); the runner turns it into a coded Diagnostic with the instruction's origin.

import type { DiagnosticCode } from '../asm/diagnostics.ts';

export type FaultKind =
  | 'unmapped' // data abort: no region at the address
  | 'read-only' // data abort: a write to a read-only region
  | 'undefined' // UNDEFINED instruction or system register access
  | 'sp-alignment' // SP alignment fault
  | 'out-of-program' // the PC left the loaded program (or is misaligned)
  | 'symbolic' // a value the machine needs concrete (an address) is symbolic
  | 'illegal-return' // an exception return the core treats as illegal
  | 'aarch32' // execution entered AArch32 state, which the core does not execute
  | 'unsupported'; // an instruction the core has no semantics for

export const FAULT_CODES: Readonly<Record<FaultKind, DiagnosticCode>> = {
  unmapped: 'HL0701',
  'read-only': 'HL0701',
  undefined: 'HL0702',
  'sp-alignment': 'HL0703',
  'out-of-program': 'HL0705',
  symbolic: 'HL0706',
  'illegal-return': 'HL0707',
  aarch32: 'HL0708',
  unsupported: 'HL0709',
};

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
