// Diagnostics are data: a stable code, a message, and the origin (source span plus macro expansion
// stack). Every bad input ends in one of these, never in a JavaScript stack trace.

/** A place in a source file; line and col are 1-based, col counts characters of the original line. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** One level of macro expansion: which macro (or `.irp`/`.rept`/cpp macro) and where it was invoked. */
export interface ExpansionFrame {
  macro: string;
  at: SourceLocation;
}

/** Where a statement came from: its own location, and the expansion stack, innermost first. */
export interface Origin {
  location: SourceLocation;
  stack: ExpansionFrame[];
}

export type Severity = 'error' | 'warning';

/** Every code the lab emits, with a one-line summary. Codes are stable: never renumber, only add. */
export const DIAGNOSTIC_CODES = {
  // C preprocessor
  HL0101: 'include file not found',
  HL0102: 'cyclic #include',
  HL0103: 'unterminated #if/#ifdef/#ifndef',
  HL0104: '#elif/#else/#endif without #if',
  HL0105: 'invalid #if expression',
  HL0106: 'wrong number of arguments to a function-like macro',
  HL0107: '#error directive',
  HL0108: 'unterminated comment',
  HL0109: 'invalid preprocessing directive',
  HL0110: 'unterminated argument list of a function-like macro',
  HL0111: '#warning directive',
  HL0112: 'C macro expansion too large or nested too deep',
  HL0113: 'C macro redefined differently',
  // GNU as macros and conditionals
  HL0201: '.macro without .endm',
  HL0202: '.endm or .exitm outside a macro',
  HL0203: '.if without .endif',
  HL0204: '.else/.elseif/.endif without .if',
  HL0205: '.rept/.irp/.irpc without .endr',
  HL0206: '.endr without .rept/.irp/.irpc',
  HL0207: 'missing value for a required macro parameter',
  HL0208: 'unknown macro parameter name',
  HL0209: 'too many positional arguments to a macro',
  HL0210: 'macro expansion nested too deep',
  HL0211: 'repeat count too large or negative',
  HL0212: 'macro redefined',
  HL0213: '.purgem of an unknown macro',
  HL0214: 'bad macro definition',
  HL0215: '.err or .error directive',
  // Symbols and expressions
  HL0301: 'undefined symbol',
  HL0302: 'symbol redefined',
  HL0303: 'unresolvable local label reference',
  HL0304: 'malformed expression',
  HL0305: 'expression must be absolute',
  HL0306: 'division by zero',
  HL0307: 'bad register alias (.req/.unreq)',
  // Directives and data
  HL0401: 'unknown directive',
  HL0402: 'bad directive operand',
  HL0403: 'value does not fit the data size',
  HL0404: '.popsection without .pushsection',
  HL0405: 'bad alignment',
  HL0406: 'unterminated string',
  // Instructions
  HL0501: 'unknown mnemonic',
  HL0502: 'operands do not match any form of the instruction',
  HL0503: 'immediate out of range',
  HL0504: 'immediate misaligned',
  HL0505: 'unknown system register',
  HL0506: 'system register cannot be written (msr to a read-only register)',
  HL0507: 'system register cannot be read (mrs from a write-only register)',
  HL0508: 'invalid register',
  HL0509: 'branch or literal target out of range',
  HL0510: 'immediate is not encodable as a logical (bitmask) immediate',
  HL0511: 'literal pool entry out of range',
  HL0512: 'unknown condition code',
  HL0513: 'register width does not match the instruction form',
  HL0514: 'unknown system operation (tlbi/ic/dc/at/barrier option)',
  HL0515: 'target not in the same section and cannot be relocated',
  // Execution (src/machine): a program that faults or runs away
  HL0701: 'data abort: access to an unmapped address (or a write to read-only memory)',
  HL0702: 'UNDEFINED instruction or system register access',
  HL0703: 'SP alignment fault',
  HL0704: 'step limit reached',
  HL0705: 'branch out of the program (or to a misaligned address)',
  HL0706: 'a value the machine needs concrete (an address) is symbolic',
  HL0707: 'illegal exception return',
  HL0708: 'execution entered AArch32 state, which the core does not execute',
  HL0709: 'instruction without semantics in the core',
  HL0710: 'exception with no vector: the vector table entry is not in the program',
  HL0711: 'the world switch reached __kvm_hyp_panic (an exception HYP does not expect)',
  HL0712: 'the world switch left the variant contract (the guest or the host not reached as variants/README.md says)',
  // Layouts (src/layout): C structs declared in TypeScript, read (never run) with ts-morph
  HL0801: 'layout file is not valid TypeScript',
  HL0802: 'layout syntax the reader does not accept (it would need running code)',
  HL0803: 'unknown type in a layout',
  HL0804: 'recursive struct or type (it would contain itself)',
  HL0805: 'array without a constant positive length',
  HL0806: 'field path does not exist',
  HL0807: 'duplicate name in a layout',
  HL0808: 'unknown constant in a layout',
  HL0809: 'invalid constant expression (not an integer, division by zero, out of range, ...)',
  HL0810: 'constant defined in terms of itself',
  HL0811: 'field is not a scalar (reading or writing it needs a u8..u128, s8..s128 or Ptr field)',
  // Limits and the command line
  HL0901: 'input too large',
  HL0902: 'cannot read file',
  HL0903: 'bad command-line argument',
  HL0904: 'assembly exceeds a resource limit (statements executed or section size)',
  HL0905: "a proposal's declared-deltas block is malformed (proposals/README.md)",
  // Last resort: a bug in hyplab itself, reported with the statement's origin
  HL0999: 'internal error',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  origin: Origin;
}

/** Thrown to abandon the current statement or file; carries one or more diagnostics. */
export class AsmError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'AsmError';
    this.diagnostics = list;
  }
}

export function diagnostic(code: DiagnosticCode, message: string, origin: Origin, severity: Severity = 'error'): Diagnostic {
  return { code, severity, message, origin };
}

/** Throws an error diagnostic. Use inside the front end where a statement cannot go on. */
export function fail(code: DiagnosticCode, message: string, origin: Origin): never {
  throw new AsmError(diagnostic(code, message, origin));
}

/** GNU style: `file:line:col: error[HL0501]: message`, then `  in expansion of macro 'm' at file:line:col`. */
export function formatDiagnostic(d: Diagnostic): string {
  const { file, line, col } = d.origin.location;
  const head = `${file}:${line}:${col}: ${d.severity}[${d.code}]: ${d.message}`;
  const frames = d.origin.stack.map((f) => `  in expansion of ${f.macro} at ${f.at.file}:${f.at.line}:${f.at.col}`);
  return [head, ...frames].join('\n');
}

/** An origin for errors that are not tied to a line of source (a missing file on the command line). */
export function originOf(file: string, line = 0, col = 0): Origin {
  return { location: { file, line, col }, stack: [] };
}
