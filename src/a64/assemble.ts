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

/** How far a form got before it failed: more operands taken, then a specific code, wins. */
interface Attempt {
  progress: number;
  code: DiagnosticCode;
  message: string;
  diagnostic?: Diagnostic;
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

/** Encodes `tokens` with one form; throws OperandError (or AsmError from expressions) and records
 *  in `progress` how many operands were taken. */
export function encodeWith(entry: InsnEntry, tokens: readonly string[], env: OperandEnv, progress: { n: number }): number {
  const specs = entry.operands;
  if (tokens.length > specs.length) {
    progress.n = specs.length;
    throw new OperandError('HL0502', `too many operands (${entry.mnemonic} takes at most ${specs.length})`);
  }
  const f: Fields = fixedFields(entry.compiled);
  specs.forEach((spec, i) => {
    const token = tokens[i];
    if (token === undefined && !spec.optional) throw new OperandError('HL0502', `missing operand ${i + 1}`);
    if (token === '') throw new OperandError('HL0502', `empty operand ${i + 1}`);
    const value: OperandValue = spec.parse(token, env);
    spec.encode(value, f, env);
    progress.n = i + 1;
  });
  if (entry.when && !entry.when(f)) throw new OperandError('HL0502', `operands do not fit the ${entry.mnemonic} form`);
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
  return undefined;
}

export function assembleInstruction(mnemonic: string, operands: string, ctx: AsmContext): EncodedInstruction {
  const name = mnemonic.trim().toLowerCase();
  const found = formsFor(name, splitOperands(operands));
  if (!found) fail('HL0501', `unknown mnemonic '${mnemonic}'`, ctx.origin);
  let best: Attempt | undefined;
  for (const entry of found.forms) {
    const env = makeEnv(ctx);
    const progress = { n: 0 };
    try {
      const word = encodeWith(entry, found.tokens, env, progress);
      return env.relocation ? { word, relocation: env.relocation } : { word };
    } catch (e) {
      let attempt: Attempt;
      if (e instanceof OperandError) attempt = { progress: progress.n, code: e.code, message: e.message };
      else if (e instanceof AsmError && e.diagnostics[0]) {
        const d = e.diagnostics[0];
        attempt = { progress: progress.n, code: d.code, message: d.message, diagnostic: d };
      } else throw e;
      if (best === undefined || better(attempt, best)) best = attempt;
    }
  }
  const text = `${name} ${operands.trim()}`.trim();
  if (best?.diagnostic) throw new AsmError(best.diagnostic);
  fail(best?.code ?? 'HL0502', `${best?.message ?? 'no form matches'} in '${text}'`, ctx.origin);
}

function better(a: Attempt, b: Attempt): boolean {
  if (a.progress !== b.progress) return a.progress > b.progress;
  return a.code !== 'HL0502' && b.code === 'HL0502';
}
