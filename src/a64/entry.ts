// The shape of the instruction table: an entry is one encoding (or one alias of an encoding) written
// as a bit pattern plus a list of typed operands bound to the pattern's fields. Assembly, decoding,
// disassembly and random generation all walk these entries; nothing else knows encodings.

import type { Arbitrary } from 'fast-check';
import type { AsmContext, ExprValue } from './context.ts';
import type { DiagnosticCode } from '../asm/diagnostics.ts';
import type { RelocationType } from '../asm/program.ts';
import type { CompiledPattern, Fields } from './pattern.ts';

/** A typed operand value, as parse produces, decode returns and print shows. */
export type OperandValue =
  | { kind: 'reg'; n: number; width: 32 | 64 | 128; sp: boolean }
  /** A SIMD&FP register viewed as B/H/S/D/Q (`bytes` 1/2/4/8/16), e.g. the Rt of `ldr q0, [x1]`. */
  | { kind: 'vreg'; n: number; bytes: 1 | 2 | 4 | 8 | 16 }
  | { kind: 'imm'; value: bigint }
  | { kind: 'shift'; type: ShiftType; amount: number }
  | { kind: 'extend'; type: ExtendType; amount: number }
  | { kind: 'cond'; cond: number }
  | { kind: 'label'; offset: bigint }
  | { kind: 'name'; value: number; name: string }
  | { kind: 'mem'; [key: string]: unknown };

export type ShiftType = 'lsl' | 'lsr' | 'asr' | 'ror';
export type ExtendType = 'uxtb' | 'uxth' | 'uxtw' | 'uxtx' | 'sxtb' | 'sxth' | 'sxtw' | 'sxtx' | 'lsl';

/**
 * Why one form of a mnemonic did not take the operands; assemble picks the most helpful one. Not an
 * Error subclass on purpose: forms fail all the time while a mnemonic is matched, and capturing a
 * stack trace for each made assembly several times slower. It never escapes assembleInstruction.
 */
export class OperandError {
  constructor(
    readonly code: DiagnosticCode,
    readonly message: string,
  ) {}
}

/** What an operand kind may use while parsing and encoding one statement. */
export interface OperandEnv {
  readonly ctx: AsmContext;
  /** ctx.evaluate, for expression text. */
  evaluate(text: string): ExprValue;
  /** The canonical lower-case register name for `text` after `.req` aliases, or undefined. */
  registerName(text: string): string | undefined;
  /** The instruction's own section offset (the PC, for PC-relative operands). */
  readonly pc: bigint;
  /** Set by an operand that cannot be resolved now; the word then holds zero bits in that field. */
  relocation?: { type: RelocationType; symbol: string; addend: bigint };
  /** A warning about this operand; assembly passes it on (ctx.warn) only if the form is the one chosen. */
  warn?(code: DiagnosticCode, message: string): void;
}

/**
 * What a written operand must look like for a kind to take it: a GPR of one width (`W`, `X`) or either
 * (`R`), a SIMD&FP register view (`B`..`Q`), a bracketed `address`, or an `immediate` (`#expr` or `expr`
 * that is not a register name). It is a necessary condition only, so that assembly can pass over forms
 * that cannot fit the operands without running their parsers; parse still decides.
 */
export type OperandShape = 'W' | 'X' | 'R' | 'B' | 'H' | 'S' | 'D' | 'Q' | 'address' | 'immediate';

export interface PrintEnv {
  /** Address of the instruction: PC-relative targets are printed as absolute addresses. */
  address: bigint;
  fields: Fields;
  /** `objdump`: targets as bare hex (`b\t1c`); `source`: as `.+0x1c`, text GNU as reassembles. */
  style: 'objdump' | 'source';
}

/**
 * One operand kind bound to fields of a pattern. The kind owns every direction:
 * parse (text -> value), encode (value -> fields), decode (fields -> value, or undefined when the
 * fields are not a valid instance, which makes the entry not match), print (value -> text, or
 * undefined to omit an optional operand), and arbitrary (random valid values).
 */
export interface OperandSpec<T extends OperandValue = OperandValue> {
  /** Name of the kind, for the README and for diagnostics (`<Xd|SP>`, `#<imm12>`...). */
  readonly kind: string;
  /** May be left out of the source (a trailing `, lsl #0`, the register of `ret`). */
  readonly optional?: boolean;
  /** Printed inside the mnemonic (`b.<cond>`), not in the operand list. */
  readonly inMnemonic?: boolean;
  /** What the written operand must look like for parse to take it (see OperandShape); undefined: anything. */
  readonly shape?: OperandShape;
  /** `text` is undefined when an optional operand was left out: return its default value. */
  parse(text: string | undefined, env: OperandEnv): T;
  encode(value: T, f: Fields, env: OperandEnv): void;
  decode(f: Fields): T | undefined;
  print(value: T, env: PrintEnv): string | undefined;
  /** objdump's `// ...` comment for this operand, if it prints one. */
  comment?(value: T, env: PrintEnv): string | undefined;
  arbitrary(): Arbitrary<T>;
}

/** An entry as written in a table file. */
export interface EntrySpec {
  /** Unique, after the Arm ARM encoding name (`ADD_64_addsub_imm`); aliases get their own id. */
  id: string;
  /** Lower-case mnemonic; `b.<cond>` marks a mnemonic that carries its first operand. */
  mnemonic: string;
  /** The 32 bits, see pattern.ts. */
  pattern: string;
  operands: OperandSpec<any>[];
  /** For an alias: the id of the encoding it spells; decode reports the base, disassembly the alias. */
  aliasOf?: string;
  /** Constraints on fields beyond the pattern (reserved values, alias conditions such as Rn == 31). */
  when?: (f: Fields) => boolean;
  /** For an alias: whether objdump prints this alias for these fields (default: whenever it matches). */
  prefer?: (f: Fields) => boolean;
  /** objdump's trailing comment, with its separator (`\t// ...` or `  // ...`). */
  comment?: (f: Fields, env: PrintEnv) => string | undefined;
  /** Leave out of random generation, and say why (e.g. a form GNU as never prints). */
  noGenerate?: string;
  /**
   * Operand combinations the architecture makes CONSTRAINED UNPREDICTABLE (a load pair into one
   * register, writeback to a base that is also transferred): says why, else undefined. GNU as only
   * warns; random generation leaves them out, since no two implementations need agree on them.
   */
  unpredictable?: (f: Fields) => string | undefined;
}

/** An entry ready to use: the spec plus its compiled pattern and family. */
export interface InsnEntry extends EntrySpec {
  family: string;
  compiled: CompiledPattern;
}

/** A decoded instruction: the base encoding (never an alias), its raw fields and its typed operands. */
export interface Decoded {
  entry: InsnEntry;
  fields: Fields;
  operands: OperandValue[];
}
