// Assembly of one instruction statement: split the operand text, try every form of the mnemonic in
// table order, and either return the first encoding that takes the operands or the most helpful
// diagnostic among the forms that did not.

import type { AsmContext, EncodedInstruction } from './context.ts';
import { AsmError, fail } from '../asm/diagnostics.ts';
import type { Diagnostic, DiagnosticCode } from '../asm/diagnostics.ts';
import { OperandError } from './entry.ts';
import type { InsnEntry, OperandEnv, OperandValue } from './entry.ts';
import { ENTRIES_BY_MNEMONIC } from './table/index.ts';
import { fixedFields, insertFields } from './pattern.ts';
import type { Fields } from './pattern.ts';
import { gprByName } from './registers.ts';

/**
 * Splits operand text at top-level commas: `[x1, #16]!` and `(1 << 3)` stay whole, and so does a
 * shift or extend such as `lsl #12`. An empty operand text gives no operands.
 */
export function splitOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  let quote: string | undefined;
  for (const ch of text) {
    if (quote !== undefined) {
      current += ch;
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(' || ch === '{') depth++;
    else if (ch === ']' || ch === ')' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '' || out.length > 0) out.push(current.trim());
  return out;
}

/** How well a form fits: operands of the right shape (a register where a register goes, even if the
 *  wrong one), then fewer complaints, then a specific code over HL0502, wins. */
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

/** A form's failure: the first complaint, and how well the operands fit it (no stack: see OperandError). */
export class FormMismatch {
  readonly registerComplaints: number;
  constructor(
    readonly first: OperandError | AsmError,
    readonly progress: number,
    readonly all: readonly (OperandError | AsmError)[],
  ) {
    this.registerComplaints = all.filter((c) => c instanceof OperandError && (c.code === 'HL0513' || c.code === 'HL0508')).length;
  }
  get complaints(): number {
    return this.all.length;
  }
}

function makeEnv(ctx: AsmContext): OperandEnv {
  return {
    ctx,
    evaluate: (t) => ctx.evaluate(t.trim()),
    registerName(t) {
      const name = t.trim().toLowerCase();
      if (gprByName(name) !== undefined || /^[qdsbhv]\d+$/.test(name)) return name;
      const alias = ctx.registerAlias(name);
      return alias === undefined ? undefined : alias.toLowerCase();
    },
    pc: BigInt(ctx.offset),
  };
}

/**
 * Encodes `tokens` with one form, or throws a FormMismatch. An operand of the right shape but a bad
 * value (out of range, wrong width, xzr for sp) is a complaint, and the remaining operands are still
 * checked for shape, so that the form the writer meant is the one whose complaint is reported.
 */
export function encodeWith(entry: InsnEntry, tokens: readonly string[], env: OperandEnv): number {
  const specs = entry.operands;
  const complaints: (OperandError | AsmError)[] = [];
  let progress = 0;
  const mismatch = (e: OperandError | AsmError): never => {
    throw new FormMismatch(complaints[0] ?? e, progress, [...complaints, e]);
  };
  if (tokens.length > specs.length) {
    progress = specs.length;
    mismatch(new OperandError('HL0502', `too many operands (${entry.mnemonic} takes at most ${specs.length})`));
  }
  const f: Fields = fixedFields(entry.compiled);
  specs.forEach((spec, i) => {
    const token = tokens[i];
    if (token === undefined && !spec.optional) mismatch(new OperandError('HL0502', `missing operand ${i + 1}`));
    if (token === '') mismatch(new OperandError('HL0502', `empty operand ${i + 1}`));
    try {
      const value: OperandValue = spec.parse(token, env);
      spec.encode(value, f, env);
    } catch (e) {
      if (e instanceof OperandError && e.code === 'HL0502') mismatch(e);
      if (!(e instanceof OperandError) && !(e instanceof AsmError)) throw e;
      complaints.push(e);
    }
    progress = i + 1;
  });
  if (complaints.length > 0) throw new FormMismatch(complaints[0]!, progress, complaints);
  if (entry.when && !entry.when(f)) mismatch(new OperandError('HL0502', `operands do not fit the ${entry.mnemonic} form`));
  return insertFields(f, entry.compiled);
}

function formsFor(mnemonic: string, tokens: string[]): { forms: readonly InsnEntry[]; tokens: string[] } | undefined {
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

export function assembleInstruction(mnemonic: string, operands: string, ctx: AsmContext): EncodedInstruction {
  const name = mnemonic.trim().toLowerCase();
  const found = formsFor(name, splitOperands(operands));
  if (!found) fail('HL0501', `unknown mnemonic '${mnemonic}'`, ctx.origin);
  let best: Attempt | undefined;
  for (const entry of found.forms) {
    const env = makeEnv(ctx);
    try {
      const word = encodeWith(entry, found.tokens, env);
      return env.relocation ? { word, relocation: env.relocation } : { word };
    } catch (e) {
      if (!(e instanceof FormMismatch)) throw e;
      const first = e.first;
      const base = { progress: e.progress, registerComplaints: e.registerComplaints, complaints: e.complaints };
      const attempt: Attempt =
        first instanceof OperandError
          ? { ...base, code: first.code, message: first.message }
          : { ...base, code: first.diagnostics[0]!.code, message: first.message, diagnostic: first.diagnostics[0]! };
      if (best === undefined || better(attempt, best)) best = attempt;
    }
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
