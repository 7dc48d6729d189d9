// The front end's result: what GNU as would put in the object file, plus the origin of every
// instruction. Section bytes are exactly the object's bytes (relocated fields left as GNU as leaves
// them); relocations say what a loader must patch.

import type { Diagnostic, Origin } from './diagnostics.ts';

export interface Section {
  name: string;
  bytes: Uint8Array;
  /** Alignment in bytes, the largest any `.align` in the section asked for. */
  alignment: number;
}

export interface ProgramSymbol {
  name: string;
  /** Section the symbol is defined in; undefined for an absolute symbol (`.equ`, `.set`, `=`). */
  section: string | undefined;
  value: bigint;
  global: boolean;
  /** From `.type name, %function` / `%object`. */
  type?: 'function' | 'object';
  /** From `.size`. */
  size?: bigint;
}

/** ELF relocation types the front end can emit, named as in the AArch64 ELF ABI (R_AARCH64_*). */
export type RelocationType =
  | 'ABS64'
  | 'ABS32'
  | 'ABS16'
  | 'PREL32'
  | 'CALL26'
  | 'JUMP26'
  | 'CONDBR19'
  | 'TSTBR14'
  | 'LD_PREL_LO19'
  | 'ADR_PREL_LO21'
  | 'ADR_PREL_PG_HI21'
  | 'ADD_ABS_LO12_NC'
  | 'LDST8_ABS_LO12_NC'
  | 'LDST16_ABS_LO12_NC'
  | 'LDST32_ABS_LO12_NC'
  | 'LDST64_ABS_LO12_NC'
  | 'LDST128_ABS_LO12_NC';

export interface Relocation {
  section: string;
  offset: number;
  type: RelocationType;
  /** The symbol the relocation refers to (a section name for references GNU as makes section-relative). */
  symbol: string;
  addend: bigint;
}

export interface Instruction {
  section: string;
  offset: number;
  /** The 32-bit encoding as placed in the section (before relocation). */
  encoding: number;
  /** The statement as written after macro expansion, e.g. `stp x4, x5, [x2], #16`. */
  text: string;
  origin: Origin;
}

export interface Program {
  sections: Map<string, Section>;
  symbols: Map<string, ProgramSymbol>;
  instructions: Instruction[];
  relocations: Relocation[];
  /** Warnings (errors abort assembly with an AsmError). */
  warnings: Diagnostic[];
}
