// Macro expansion as gcc's cpplib does it: a stack of token contexts, one per macro being expanded;
// a macro is disabled while its context is on the stack, and a name of a disabled macro met then is
// painted (never expanded again). Arguments are collected unexpanded, pre-expanded on their own
// (unless next to # or ##), substituted, and the result rescanned together with the rest of the
// source. Padding tokens mark expansion boundaries so that printing can put a space exactly where
// gcc does (`\label` with label a macro prints as `\ foo`).

import { AsmError, fail, type Origin, type SourceLocation } from './diagnostics.ts';
import { lexSingleToken, paddingToken, Token } from './cpp-lexer.ts';

export type Builtin = '__LINE__' | '__FILE__' | '__COUNTER__' | '__INCLUDE_LEVEL__' | '__BASE_FILE__';

export interface Macro {
  name: string;
  funcLike: boolean;
  params: string[];
  /** The last parameter takes the rest of the arguments (`...` or GNU `name...`). */
  variadic: boolean;
  body: Token[];
  hasPaste: boolean;
  builtin: Builtin | null;
  /** Where it was defined (for redefinition warnings). */
  where: SourceLocation;
  /** Number of contexts of this macro on the stack: non-zero means disabled. */
  disabled: number;
}

/** What the expander needs from the preprocessor around it. */
export interface ExpanderHost {
  readonly macros: Map<string, Macro>;
  /** The token a builtin macro expands to; `at` is the token whose line and file it reports. */
  builtin(kind: Builtin, at: Token): Token;
  /** Origin for diagnostics about a token lexed from a file. */
  originOf(t: Token): Origin;
}

/** Where the expander's raw tokens come from: the file stack, or one directive's line. */
export interface TokenSource {
  /** parsingArgs: 1 while looking for a macro's `(`, 2 while collecting its arguments. */
  next(parsingArgs: 0 | 1 | 2): Token;
  pushBack(t: Token): void;
}

interface Context {
  tokens: Token[];
  pos: number;
  macro: Macro | null;
}

/** Tokens one logical line may expand to, and how deep arguments may nest (each level recurses). */
export const EXPANSION_TOKEN_LIMIT = 1_000_000;
export const ARGUMENT_NESTING_LIMIT = 200;

const AVOID_PASTE = paddingToken(null);
const ARG_END = new Token('eof', '', '');

export class Expander {
  private readonly contexts: Context[] = [];
  preventExpansion = 0;
  private parsingArgs: 0 | 1 | 2 = 0;
  private lastFromBase = false;
  /** The name of the outermost macro being expanded (its line is __LINE__ inside bodies). */
  private expansionPoint: Token | null = null;
  private produced = 0;
  private argDepth = 0;

  constructor(
    private readonly host: ExpanderHost,
    private readonly base: TokenSource,
    private readonly inDirective: boolean,
  ) {}

  /** Starts a new budget of expanded tokens (once per output line). */
  resetBudget(): void {
    this.produced = 0;
  }

  /** The next token after macro expansion (cpp_get_token). */
  get(): Token {
    for (;;) {
      const tok = this.read();
      if (tok.kind !== 'name' || tok.noExpand) return tok;
      const m = this.host.macros.get(tok.text);
      if (m === undefined) return tok;
      if (m.disabled > 0) {
        const painted = tok.copy();
        painted.noExpand = true;
        return painted;
      }
      if (this.preventExpansion > 0) return tok;
      if (this.contexts.length === 0) this.expansionPoint = tok;
      if (this.enter(m, tok)) {
        if (this.inDirective) continue;
        return paddingToken(tok);
      }
      return tok;
    }
  }

  /** Origin for a diagnostic about a token: its own place, or the expansion point for body tokens. */
  originAt(t: Token): Origin {
    if (t.frame !== null && !t.fromBody) return this.host.originOf(t);
    if (this.expansionPoint !== null && this.expansionPoint.frame !== null) return this.host.originOf(this.expansionPoint);
    return this.host.originOf(t);
  }

  /** The token whose line __LINE__ reports: itself if lexed from a file, else the expansion point. */
  lineToken(t: Token): Token {
    if (t.frame !== null && !t.fromBody) return t;
    return this.expansionPoint ?? t;
  }

  private read(): Token {
    for (;;) {
      const ctx = this.contexts[this.contexts.length - 1];
      if (ctx === undefined) {
        this.lastFromBase = true;
        return this.base.next(this.parsingArgs);
      }
      if (ctx.pos < ctx.tokens.length) {
        this.lastFromBase = false;
        return ctx.tokens[ctx.pos++]!;
      }
      this.pop();
      if (!this.inDirective) return AVOID_PASTE;
    }
  }

  private push(tokens: Token[], macro: Macro | null): void {
    this.produced += tokens.length;
    if (this.produced > EXPANSION_TOKEN_LIMIT) {
      fail('HL0112', `macro expansion exceeds ${EXPANSION_TOKEN_LIMIT} tokens on one line`, this.originAt(tokens[0] ?? AVOID_PASTE));
    }
    if (macro !== null) macro.disabled++;
    this.contexts.push({ tokens, pos: 0, macro });
  }

  private pop(): void {
    const ctx = this.contexts.pop();
    if (ctx !== undefined && ctx.macro !== null) ctx.macro.disabled--;
  }

  /** Pushes the expansion of `m` (named by `name`); false if a function-like macro has no `(`. */
  private enter(m: Macro, name: Token): boolean {
    if (m.builtin !== null) {
      const t = this.host.builtin(m.builtin, this.lineToken(name));
      t.ws = '';
      this.push([t], null);
      return true;
    }
    if (!m.funcLike) {
      this.push(m.hasPaste ? pasteAll(m.body.map((t) => t.copy())) : m.body, m);
      return true;
    }
    const args = this.collectArgs(m, name);
    if (args === null) return false;
    this.push(this.substitute(m, args), m);
    return true;
  }

  /** Reads `( args )` after a function-like macro name; null (nothing consumed) if no `(` follows. */
  private collectArgs(m: Macro, name: Token): Token[][] | null {
    const savedParsing = this.parsingArgs;
    this.preventExpansion++;
    this.parsingArgs = 1;
    try {
      let padding: Token | null = null;
      const newlines: Token[] = [];
      let tok: Token;
      for (;;) {
        tok = this.get();
        if (tok.kind === 'padding') {
          if (padding === null || (padding.padSource !== null && padding.padSource.ws === '' && tok.padSource === null)) padding = tok;
          continue;
        }
        if (tok.kind === 'newline' && this.lastFromBase) {
          newlines.push(tok);
          continue;
        }
        break;
      }
      if (tok.kind !== 'punct' || tok.text !== '(') {
        if (this.lastFromBase) {
          if (tok.kind !== 'eof') this.base.pushBack(tok);
          for (let i = newlines.length - 1; i >= 0; i--) this.base.pushBack(newlines[i]!);
        } else {
          this.contexts[this.contexts.length - 1]!.pos--;
        }
        if (padding !== null) this.push([padding], null);
        return null;
      }
      this.parsingArgs = 2;
      const args: Token[][] = [[]];
      let depth = 0;
      let newLine = false;
      for (;;) {
        let t = this.get();
        const current = args[args.length - 1]!;
        if (t.kind === 'padding') {
          if (current.length > 0) current.push(t);
          continue;
        }
        if (t.kind === 'newline') {
          newLine = true;
          continue;
        }
        if (t.kind === 'eof') {
          fail('HL0110', `unterminated argument list invoking macro "${m.name}"`, this.originAt(name));
        }
        if (newLine) {
          if (t.ws === '') t = t.withWs(' ');
          newLine = false;
        }
        if (t.kind === 'punct') {
          if (t.text === '(') depth++;
          else if (t.text === ')') {
            if (depth === 0) break;
            depth--;
          } else if (t.text === ',' && depth === 0 && !(m.variadic && args.length === m.params.length)) {
            args.push([]);
            continue;
          }
        }
        current.push(t);
      }
      this.checkArgumentCount(m, args, name);
      return args;
    } finally {
      this.preventExpansion--;
      this.parsingArgs = savedParsing;
    }
  }

  private checkArgumentCount(m: Macro, args: Token[][], name: Token): void {
    const n = m.params.length;
    const given = args.length;
    if (n === 0) {
      if (given > 1 || args[0]!.some((t) => t.kind !== 'padding')) {
        fail('HL0106', `macro "${m.name}" passed ${given} arguments, but takes just 0`, this.originAt(name));
      }
      return;
    }
    if (given < n) {
      if (m.variadic && given === n - 1) {
        args.push([]);
        return;
      }
      fail('HL0106', `macro "${m.name}" requires ${n} arguments, but only ${given} given`, this.originAt(name));
    }
    if (given > n) fail('HL0106', `macro "${m.name}" passed ${given} arguments, but takes just ${n}`, this.originAt(name));
  }

  /** The replacement list with arguments substituted, `#` and `##` applied (gcc's replace_args). */
  private substitute(m: Macro, args: Token[][]): Token[] {
    const expanded: (Token[] | undefined)[] = [];
    const out: Token[] = [];
    const body = m.body;
    for (let i = 0; i < body.length; i++) {
      const t = body[i]!;
      if (t.param < 0) {
        out.push(t);
        continue;
      }
      const arg = args[t.param]!;
      if (t.stringify) {
        const s = stringifyArg(arg);
        s.ws = t.ws;
        s.fromBody = true;
        s.pasteLeft = t.pasteLeft;
        out.push(s);
        continue;
      }
      const pasteRight = i > 0 && body[i - 1]!.pasteLeft;
      if (t.pasteLeft || pasteRight) {
        const raw = arg.filter((a) => a.kind !== 'padding');
        if (pasteRight && m.variadic && t.param === m.params.length - 1 && isComma(body[i - 1]!)) {
          // GNU `, ## __VA_ARGS__`: no variable arguments drop the comma; otherwise nothing is pasted.
          const comma = out.pop()!;
          if (raw.length > 0) {
            const kept = comma.copy();
            kept.pasteLeft = false;
            out.push(kept, AVOID_PASTE, ...raw.map((a) => a.copy()));
          }
          if (t.pasteLeft) out.push(placemarker(true));
          continue;
        }
        if (!pasteRight && i > 0) out.push(paddingToken(t));
        if (raw.length === 0) {
          out.push(placemarker(t.pasteLeft));
        } else {
          const copies = raw.map((a) => a.copy());
          copies[copies.length - 1]!.pasteLeft = t.pasteLeft;
          out.push(...copies);
        }
        if (!t.pasteLeft) out.push(AVOID_PASTE);
        continue;
      }
      const exp = (expanded[t.param] ??= this.expandArg(arg, t));
      if (i > 0) out.push(paddingToken(t));
      for (const e of exp) out.push(e);
      out.push(AVOID_PASTE);
    }
    return m.hasPaste ? pasteAll(out) : out;
  }

  /** Fully macro-expands one argument on its own (gcc's expand_arg). */
  private expandArg(arg: Token[], at: Token): Token[] {
    if (++this.argDepth > ARGUMENT_NESTING_LIMIT) {
      fail('HL0112', `macro arguments nested more than ${ARGUMENT_NESTING_LIMIT} deep`, this.originAt(at));
    }
    const ctx: Context = { tokens: [...arg, ARG_END], pos: 0, macro: null };
    this.contexts.push(ctx);
    const result: Token[] = [];
    for (;;) {
      const t = this.get();
      if (t === ARG_END) break;
      result.push(t);
    }
    if (this.contexts[this.contexts.length - 1] !== ctx) {
      throw new AsmError({ code: 'HL0112', severity: 'error', message: 'internal: argument context out of order', origin: this.originAt(at) });
    }
    this.contexts.pop();
    this.argDepth--;
    return result;
  }
}

function isComma(t: Token): boolean {
  return t.kind === 'punct' && t.text === ',';
}

function placemarker(pasteLeft: boolean): Token {
  const t = new Token('placemarker', '', '');
  t.pasteLeft = pasteLeft;
  return t;
}

/** Performs every `##` in a replacement list, left to right; drops placemarkers. */
export function pasteAll(list: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < list.length; i++) {
    let lhs = list[i]!;
    while (lhs.pasteLeft) {
      let j = i + 1;
      while (j < list.length && list[j]!.kind === 'padding') j++;
      const rhs = list[j];
      if (rhs === undefined) {
        lhs = lhs.copy();
        lhs.pasteLeft = false;
        break;
      }
      i = j;
      if (lhs.kind === 'placemarker') {
        lhs = rhs;
        continue;
      }
      if (rhs.kind === 'placemarker') {
        lhs = lhs.copy();
        lhs.pasteLeft = rhs.pasteLeft;
        continue;
      }
      const pasted = lexSingleToken(lhs.text + rhs.text);
      if (pasted === null) {
        // Assembler mode: an invalid paste silently leaves two tokens (gcc errors only for C).
        const left = lhs.copy();
        left.pasteLeft = false;
        out.push(left, AVOID_PASTE);
        lhs = rhs;
        continue;
      }
      pasted.ws = lhs.ws;
      pasted.fromBody = true;
      pasted.pasteLeft = rhs.pasteLeft;
      lhs = pasted;
    }
    if (lhs.kind !== 'placemarker') out.push(lhs);
  }
  return out;
}

/** `#arg`: the argument's spelling as a string literal, spaces where it had whitespace (gcc's rules). */
export function stringifyArg(arg: Token[]): Token {
  let s = '';
  let source: Token | null = null;
  let first = true;
  for (const t of arg) {
    if (t.kind === 'padding') {
      if (source === null || (source.ws === '' && t.padSource === null)) source = t.padSource;
      continue;
    }
    if (!first && (source ?? t).ws !== '') s += ' ';
    source = null;
    first = false;
    const quoted = t.kind === 'string' || t.kind === 'char';
    s += quoted ? t.text.replace(/[\\"]/g, (c) => '\\' + c) : t.text;
  }
  let backslashes = 0;
  while (backslashes < s.length && s[s.length - 1 - backslashes] === '\\') backslashes++;
  if (backslashes % 2 === 1) s = s.slice(0, -1);
  return new Token('string', '"' + s + '"', '');
}

/**
 * One output line from expanded tokens, spaced as gcc's scan_translation_unit spaces them: a token
 * keeps its own whitespace, and after an expansion boundary a space goes in if the boundary's source
 * had whitespace or if the two tokens would otherwise lex as one (cpp_avoid_paste).
 */
export function printTokens(tokens: Token[]): string {
  let out = '';
  let avoid = false;
  let source: Token | null = null;
  let prev: Token | null = null;
  for (const t of tokens) {
    if (t.kind === 'padding') {
      if (source === null || (source.ws === '' && t.padSource === null)) source = t.padSource;
      avoid = true;
      continue;
    }
    if (t.kind === 'placemarker') continue;
    if (avoid) {
      const src = source ?? t;
      if (src.ws !== '') out += prev === null || src === t ? src.ws : ' ';
      else if (prev !== null ? avoidPaste(prev, t) : t.kind === 'punct' && t.text === '#') out += ' ';
    } else if (t.ws !== '') {
      out += t.ws;
    }
    out += t.text;
    prev = t;
    source = null;
    avoid = false;
  }
  return out;
}

/** Operators that take a following `=` (gcc's CPP_LAST_EQ group). */
const TAKES_EQUALS = new Set(['=', '!', '>', '<', '+', '-', '*', '/', '%', '&', '|', '^', '>>', '<<']);

/** Would `a` immediately followed by `b` lex differently (gcc's cpp_avoid_paste)? */
export function avoidPaste(a: Token, b: Token): boolean {
  const c = b.kind === 'punct' ? b.text[0]! : '';
  if (a.kind === 'punct') {
    if (TAKES_EQUALS.has(a.text) && c === '=') return true;
    switch (a.text) {
      case '>': return c === '>';
      case '<': return c === '<' || c === '%' || c === ':';
      case '+': return c === '+';
      case '-': return c === '-' || c === '>';
      case '/': return c === '/' || c === '*';
      case '%': return c === ':' || c === '%';
      case '&': return c === '&';
      case '|': return c === '|';
      case ':': return c === ':' || c === '>';
      case '->': return c === '*';
      case '.': return c === '.' || c === '%' || b.kind === 'number';
      case '#': return c === '#' || c === '%';
      default: return false;
    }
  }
  switch (a.kind) {
    case 'name': return b.kind === 'name' || b.kind === 'char' || b.kind === 'string';
    case 'number': return b.kind === 'number' || b.kind === 'name' || b.kind === 'char' || c === '.' || c === '+' || c === '-';
    case 'other': return a.text[0] === '\\' && b.kind === 'name';
    default: return false;
  }
}
