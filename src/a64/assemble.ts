// Assembly of one instruction statement: split the operand text, find the forms of the mnemonic whose
// operand shapes fit what is written (a register where a register goes...), and return the first of
// them, in table order, that takes the operands. Only when none does is every form tried in full, to
// report the most helpful diagnostic among them.

import type { AsmContext, EncodedInstruction } from './context.ts';
import { AsmError, fail } from '../asm/diagnostics.ts';
import type { Diagnostic, DiagnosticCode } from '../asm/diagnostics.ts';
import { OperandError } from './entry.ts';
import type { InsnEntry, OperandEnv, OperandShape } from './entry.ts';
import { ENTRIES_BY_MNEMONIC } from './table/index.ts';
import { fixedFields, insertFields } from './pattern.ts';
import type { Fields } from './pattern.ts';
import { gprByName } from './registers.ts';
import { immediateBody } from './operands.ts';
/**
 * Splits operand text at top-level commas: `[x1, #16]!` and `(1 << 3)` stay whole, and so does a
 * shift or extend such as `lsl #12`. An empty operand text gives no operands.
 */
export function splitOperands(text: string): string[] {
  return [...operandTexts(text)];
}

/** splitOperands, remembered: a source repeats the same operand text many times (macros). */
const SPLIT = new Map<string, readonly string[]>();
const MAX_SPLIT = 4096;

function operandTexts(text: string): readonly string[] {
  let parts = SPLIT.get(text);
  if (parts === undefined) {
    if (SPLIT.size >= MAX_SPLIT) SPLIT.clear();
    parts = split(text);
    SPLIT.set(text, parts);
  }
  return parts;
}

function split(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) {
      quote = c; // " or '
    } else if (c === 0x5b || c === 0x28 || c === 0x7b) {
      depth++; // [ ( {
    } else if (c === 0x5d || c === 0x29 || c === 0x7d) {
      depth--; // ] ) }
    } else if (c === 0x2c && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}

/** How well a failed form fits: operands of the right shape (a register where a register goes, even
 *  if the wrong one), then fewer complaints, then a specific code over HL0502, wins. */
interface Attempt {
  progress: number;
  /** Complaints about a register's width or class: a form that takes the registers as written is
   *  what the writer meant (`tst w0, #0xffffffff` is a bad W immediate, not a bad X register). */
  registerComplaints: number;
  complaints: number;
  code: DiagnosticCode;
  message: string;
  diagnostic?: Diagnostic;
}

/** Any register name the instruction set knows, before `.req` aliases: `x0`, `wzr`, `q7`, `v3`... */
const SIMD_NAME = /^[qdsbhv]\d+$/;
/** The SIMD&FP transfer registers the loads and stores take (b0..q31). */
const SIMD_VIEW = /^([bhsdq])([0-9]|[12][0-9]|3[01])$/;

/**
 * The operand environment of one statement: made once per statement, reset before each form. It
 * remembers register names (every form asks again about the same few operands) and holds the
 * relocation and warnings of the form being tried, so that only the chosen form's reach the context.
 */
export class StatementOperands implements OperandEnv {
  readonly pc: bigint;
  relocation: OperandEnv['relocation'];
  warnings: [DiagnosticCode, string][] | undefined;
  private readonly names = new Map<string, string | undefined>();

  constructor(readonly ctx: AsmContext) {
    this.pc = BigInt(ctx.offset);
  }

  evaluate(text: string): ReturnType<AsmContext['evaluate']> {
    return this.ctx.evaluate(text.trim());
  }

  registerName(text: string): string | undefined {
    if (this.names.has(text)) return this.names.get(text);
    const name = this.lookUpRegister(text.trim().toLowerCase());
    this.names.set(text, name);
    return name;
  }

  private lookUpRegister(name: string): string | undefined {
    if (gprByName(name) !== undefined || SIMD_NAME.test(name)) return name;
    const alias = this.ctx.registerAlias(name);
    return alias === undefined ? undefined : alias.toLowerCase();
  }

  warn(code: DiagnosticCode, message: string): void {
    (this.warnings ??= []).push([code, message]);
  }

  /** Before a form is tried: nothing of the previous form's attempt carries over. */
  reset(): void {
    this.relocation = undefined;
    this.warnings = undefined;
  }

  /** The chosen form's result: its warnings go to the context. */
  result(word: number): EncodedInstruction {
    if (this.warnings !== undefined) for (const [code, message] of this.warnings) this.ctx.warn?.(code, message);
    return this.relocation ? { word, relocation: this.relocation } : { word };
  }
}

/** What one written operand looks like, in the terms of OperandShape ('other' fits no shape). */
export type WrittenShape = Exclude<OperandShape, 'R'> | 'other';

export function writtenShape(token: string, env: OperandEnv): WrittenShape {
  if (token.startsWith('[')) return 'address';
  const name = env.registerName(token);
  if (name !== undefined) {
    const gpr = gprByName(name);
    if (gpr !== undefined) return gpr.width === 64 ? 'X' : 'W';
    const view = SIMD_VIEW.exec(name);
    return view === null ? 'other' : (view[1]!.toUpperCase() as WrittenShape);
  }
  return immediateBody(token, env) === undefined ? 'other' : 'immediate';
}

export function shapeFits(shape: OperandShape | undefined, written: WrittenShape): boolean {
  if (shape === undefined) return true;
  if (shape === 'R') return written === 'W' || written === 'X';
  return shape === written;
}

/** Whether `entry` could take operands written like this (count, optional operands, shapes). */
function couldFit(entry: InsnEntry, tokens: readonly string[], shapes: readonly WrittenShape[]): boolean {
  const specs = entry.operands;
  if (tokens.length > specs.length) return false;
  for (let i = 0; i < specs.length; i++) {
    const token = tokens[i];
    if (token === undefined) {
      if (!specs[i]!.optional) return false;
    } else if (token === '' || !shapeFits(specs[i]!.shape, shapes[i]!)) {
      return false;
    }
  }
  return true;
}

/** Fixed fields per entry, made once (encode starts from a copy). */
const FIXED_FIELDS = new WeakMap<InsnEntry, Fields>();

function startFields(entry: InsnEntry): Fields {
  let fixed = FIXED_FIELDS.get(entry);
  if (fixed === undefined) {
    fixed = fixedFields(entry.compiled);
    FIXED_FIELDS.set(entry, fixed);
  }
  return { ...fixed };
}

/** The word `entry` makes of the operands, or undefined at the first thing it does not take. */
function encodeExactly(entry: InsnEntry, tokens: readonly string[], env: StatementOperands): number | undefined {
  const specs = entry.operands;
  const f = startFields(entry);
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    try {
      spec.encode(spec.parse(tokens[i], env), f, env);
    } catch (e) {
      if (e instanceof OperandError || e instanceof AsmError) return undefined;
      throw e;
    }
  }
  if (entry.when && !entry.when(f)) return undefined;
  return insertFields(f, entry.compiled);
}

function isRegisterComplaint(e: OperandError | AsmError): boolean {
  return e instanceof OperandError && (e.code === 'HL0513' || e.code === 'HL0508');
}

function attemptOf(first: OperandError | AsmError, progress: number, all: readonly (OperandError | AsmError)[]): Attempt {
  let registerComplaints = 0;
  for (const c of all) if (isRegisterComplaint(c)) registerComplaints++;
  const base = { progress, registerComplaints, complaints: all.length };
  return first instanceof OperandError
    ? { ...base, code: first.code, message: first.message }
    : { ...base, code: first.diagnostics[0]!.code, message: first.message, diagnostic: first.diagnostics[0]! };
}

/**
 * Encodes the operands with one form, or says how well they fit it. An operand of the right shape but
 * a bad value (out of range, wrong width, xzr for sp) is a complaint, and the remaining operands are
 * still checked for shape, so that the form the writer meant is the one whose complaint is reported.
 */
function encodeOrRank(entry: InsnEntry, tokens: readonly string[], env: StatementOperands): number | Attempt {
  const specs = entry.operands;
  const complaints: (OperandError | AsmError)[] = [];
  const abandon = (e: OperandError, progress: number): Attempt => attemptOf(complaints[0] ?? e, progress, [...complaints, e]);
  if (tokens.length > specs.length) {
    return abandon(new OperandError('HL0502', `too many operands (${entry.mnemonic} takes at most ${specs.length})`), specs.length);
  }
  const f = startFields(entry);
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const token = tokens[i];
    if (token === undefined && !spec.optional) return abandon(new OperandError('HL0502', `missing operand ${i + 1}`), i);
    if (token === '') return abandon(new OperandError('HL0502', `empty operand ${i + 1}`), i);
    try {
      spec.encode(spec.parse(token, env), f, env);
    } catch (e) {
      if (e instanceof OperandError && e.code === 'HL0502') return abandon(e, i);
      if (!(e instanceof OperandError) && !(e instanceof AsmError)) throw e;
      complaints.push(e);
    }
  }
  if (complaints.length > 0) return attemptOf(complaints[0]!, specs.length, complaints);
  if (entry.when && !entry.when(f)) return abandon(new OperandError('HL0502', `operands do not fit the ${entry.mnemonic} form`), specs.length);
  return insertFields(f, entry.compiled);
}

function formsFor(mnemonic: string, tokens: readonly string[]): { forms: readonly InsnEntry[]; tokens: readonly string[] } | undefined {
  const direct = ENTRIES_BY_MNEMONIC.get(mnemonic);
  if (direct) return { forms: direct, tokens };
  // `b.eq`: the condition is the template's first operand.
  const dotted = /^([a-z]+)\.([a-z]+)$/.exec(mnemonic);
  if (dotted) {
    const forms = ENTRIES_BY_MNEMONIC.get(`${dotted[1]}.<cond>`);
    if (forms) return { forms, tokens: [dotted[2]!, ...tokens] };
  }
  // `beq`: GNU as also takes the condition without the dot, for the sixteen classic names but al/nv.
  const undotted = /^b(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)$/.exec(mnemonic);
  if (undotted) return { forms: ENTRIES_BY_MNEMONIC.get('b.<cond>')!, tokens: [undotted[1]!, ...tokens] };
  return undefined;
}

/** The forms of a mnemonic that could fit each way of writing its operands, in table order. */
const CANDIDATES = new Map<readonly InsnEntry[], Map<string, readonly InsnEntry[]>>();
/** Enough for every shape combination real sources use; fuzzing may write more, then start afresh. */
const MAX_SHAPE_KEYS = 256;

function candidates(forms: readonly InsnEntry[], tokens: readonly string[], env: StatementOperands): readonly InsnEntry[] {
  const shapes: WrittenShape[] = [];
  let key = '';
  for (const token of tokens) {
    const shape = writtenShape(token, env);
    shapes.push(shape);
    key += token === '' ? ',' : `${shape},`;
  }
  let byShape = CANDIDATES.get(forms);
  if (byShape === undefined) CANDIDATES.set(forms, (byShape = new Map()));
  let list = byShape.get(key);
  if (list === undefined) {
    if (byShape.size >= MAX_SHAPE_KEYS) byShape.clear();
    list = forms.filter((entry) => couldFit(entry, tokens, shapes));
    byShape.set(key, list);
  }
  return list;
}

export function assembleInstruction(mnemonic: string, operands: string, ctx: AsmContext): EncodedInstruction {
  const name = mnemonic.trim().toLowerCase();
  const found = formsFor(name, operandTexts(operands));
  if (!found) fail('HL0501', `unknown mnemonic '${mnemonic}'`, ctx.origin);
  const env = new StatementOperands(ctx);
  for (const entry of candidates(found.forms, found.tokens, env)) {
    env.reset();
    const word = encodeExactly(entry, found.tokens, env);
    if (word !== undefined) return env.result(word);
  }
  // No form takes the operands: rank every form's failure (a form that takes them here would mean a
  // shape annotation is wrong; it is still the right answer).
  let best: Attempt | undefined;
  for (const entry of found.forms) {
    env.reset();
    const outcome = encodeOrRank(entry, found.tokens, env);
    if (typeof outcome === 'number') return env.result(outcome);
    if (best === undefined || better(outcome, best)) best = outcome;
  }
  const text = `${name} ${operands.trim()}`.trim();
  if (best?.diagnostic) throw new AsmError(best.diagnostic);
  fail(best?.code ?? 'HL0502', `${best?.message ?? 'no form matches'} in '${text}'`, ctx.origin);
}

function better(a: Attempt, b: Attempt): boolean {
  if (a.progress !== b.progress) return a.progress > b.progress;
  if (a.registerComplaints !== b.registerComplaints) return a.registerComplaints < b.registerComplaints;
  if (a.complaints !== b.complaints) return a.complaints < b.complaints;
  return a.code !== 'HL0502' && b.code === 'HL0502';
}
