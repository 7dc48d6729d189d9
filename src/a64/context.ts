// The contract between the assembler (src/asm) and the instruction set (src/a64): the assembler hands
// one instruction statement, already macro-expanded, plus a context that evaluates expressions; the
// instruction set parses the operands against its table and returns the encoding.

import type { DiagnosticCode, Origin } from '../asm/diagnostics.ts';
import type { RelocationType } from '../asm/program.ts';

/** The value of an assembler expression. */
export type ExprValue =
  | { kind: 'absolute'; value: bigint }
  /** A symbol plus an addend. `section` is undefined while the symbol is undefined (external). */
  | { kind: 'relative'; symbol: string; section: string | undefined; offset: bigint; global: boolean };

export interface AsmContext {
  /** Evaluates an expression in GNU as syntax (`REG_OFFSET(4)` has become `(0 + 8*(4))` after cpp). */
  evaluate(text: string): ExprValue;
  /** The instruction's own address. */
  readonly section: string;
  readonly offset: number;
  /** The register a `.req` alias names, lower-case (`lr` is not an alias: it is a register name). */
  registerAlias(name: string): string | undefined;
  /** For diagnostics: where the statement came from. */
  readonly origin: Origin;
  /** Reports a warning about the statement (GNU as assembles it, but hyplab has something to say). */
  warn?(code: DiagnosticCode, message: string): void;
}

export interface EncodedInstruction {
  word: number;
  relocation?: { type: RelocationType; symbol: string; addend: bigint };
}
