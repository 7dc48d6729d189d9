// GNU as's view of one line of source on AArch64: `//` starts a comment, `#` as the first non-blank
// character makes the whole line a comment (elsewhere `#` prefixes an immediate), `;` separates
// statements, strings keep everything. Also the parts of GNU as's input scrubber (app.c) that decide
// what a macro argument or an `.ifc` operand is.

import type { Origin } from './diagnostics.ts';

/** One statement as written: comment removed, trimmed; `origin` points at its first character. */
export interface SourceStatement {
  text: string;
  origin: Origin;
}

/** Symbol name characters by char code: 1 may start a name, 2 may only continue one (digits). */
const NAME_CLASS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.$') NAME_CLASS[c.charCodeAt(0)] = 1;
for (const c of '0123456789') NAME_CLASS[c.charCodeAt(0)] = 2;

/** GNU as takes every byte above 0x7f as a name character (so UTF-8 names work); so does every
 *  UTF-16 unit above 0x7f here. */
function nameClass(code: number): number {
  if (code < 128) return NAME_CLASS[code]!;
  return code >= 128 ? 1 : 0; // NaN: past the end of the text
}

export function isNameChar(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && nameClass(c.charCodeAt(0)) > 0;
}

export function isNameStart(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && nameClass(c.charCodeAt(0)) === 1;
}

/** The same classes for regular expressions: the characters that may start a name, and continue one. */
export const NAME_START_CLASS = 'A-Za-z_.$\\u0080-\\uffff';
export const NAME_CHAR_CLASS = `0-9${NAME_START_CLASS}`;

/** A whole symbol name as GNU as reads one: a name start, then name characters. */
export function isSymbolName(text: string): boolean {
  if (text.length === 0 || nameClass(text.charCodeAt(0)) !== 1) return false;
  for (let i = 1; i < text.length; i++) if (nameClass(text.charCodeAt(i)) === 0) return false;
  return true;
}

/** Index just past a `"..."` string starting at `start` (the text's end if unterminated). */
export function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

/** Index just past a character constant `'c` or `'\c` starting at `start`. */
function skipCharConstant(text: string, start: number): number {
  return Math.min(text.length, start + (text[start + 1] === '\\' ? 3 : 2));
}

const isBlank = (code: number): boolean => code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;

/** Index of the first non-blank character of `text[from, to)`, or -1. */
function firstNonBlank(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isBlank(text.charCodeAt(i))) return i;
  return -1;
}

/** Appends the statement `line[start, end)` (trimmed) unless it is blank. */
function pushStatement(out: SourceStatement[], line: string, start: number, end: number, origin: Origin): void {
  const lead = firstNonBlank(line, start, end);
  if (lead < 0) return;
  let stop = end;
  while (stop > lead && isBlank(line.charCodeAt(stop - 1))) stop--;
  const location = { file: origin.location.file, line: origin.location.line, col: origin.location.col + lead };
  out.push({ text: line.slice(lead, stop), origin: { location, stack: origin.stack } });
}

/**
 * Splits one logical line into statements: drops the comment, splits at `;`, and gives each piece
 * the column (1-based) of its first non-blank character. Empty statements are dropped.
 */
export function lexLine(line: string, origin: Origin): SourceStatement[] {
  const out: SourceStatement[] = [];
  const firstCode = firstNonBlank(line, 0, line.length);
  if (firstCode < 0 || line.charCodeAt(firstCode) === 35 /* # */) return out;
  let start = 0;
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) i = skipString(line, i);
    else if (c === 39 /* ' */) i = skipCharConstant(line, i);
    else if (c === 47 /* / */ && line.charCodeAt(i + 1) === 47) break;
    else if (c === 47 && line.charCodeAt(i + 1) === 42 /* * */) {
      const close = line.indexOf('*/', i + 2);
      if (close < 0) break;
      line = line.slice(0, i) + ' '.repeat(close + 2 - i) + line.slice(close + 2);
    } else if (c === 59 /* ; */) {
      pushStatement(out, line, start, i, origin);
      start = i + 1;
      i++;
    } else i++;
  }
  pushStatement(out, line, start, Math.min(i, line.length), origin);
  return out;
}

/** A character constant's value: `'a` is 97, `'\n` is 10 (escapes as in strings). */
export function charConstantValue(text: string, start: number): { value: number; end: number } {
  if (text[start + 1] === '\\') {
    const escaped = text[start + 2] ?? '\\';
    return { value: STRING_ESCAPES[escaped] ?? escaped.charCodeAt(0), end: start + 3 };
  }
  const c = text[start + 1];
  return { value: c === undefined ? 0 : c.charCodeAt(0), end: Math.min(text.length, start + 2) };
}

/** Single-character string escapes GNU as knows; any other `\c` is `c` itself. */
const STRING_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, '\\': 92, '"': 34 };

/**
 * The bytes of a string literal's body (between the quotes), decoded as GNU as does: `\ooo` takes up
 * to three digits as octal (even 8 and 9, as GNU as does), `\x` takes every following hex digit and
 * keeps the low byte, an unknown escape is the character itself.
 */
export function decodeStringBody(body: string): number[] {
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      i++;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    if (e === undefined) break;
    if (/[0-9]/.test(e)) {
      let n = Number(e);
      for (let k = 0; k < 2 && /[0-9]/.test(body[i] ?? ''); k++) n = n * 8 + Number(body[i++]);
      bytes.push(n & 0xff);
    } else if (e === 'x' || e === 'X') {
      let n = 0;
      while (/[0-9a-fA-F]/.test(body[i] ?? '')) n = (n * 16 + parseInt(body[i++]!, 16)) & 0xff;
      bytes.push(n);
    } else bytes.push(STRING_ESCAPES[e] ?? e.charCodeAt(0));
  }
  return bytes;
}

/** The text of a string literal without quotes and escapes processed only for `\"` and `\\`. */
export function unquote(literal: string): string {
  return literal.slice(1, literal.endsWith('"') && literal.length > 1 ? -1 : undefined).replace(/\\(["\\])/g, '$1');
}

/**
 * What GNU as's scrubber makes of operand text: whitespace survives (as one space) only between two
 * name characters (or string quotes, or a `\` that starts a macro parameter); `'c` becomes its
 * decimal value. `m a + b` passes one argument `a+b`; `m a b` passes two.
 */
export function scrub(text: string): string {
  // Most operand texts have nothing to scrub: no blanks, no strings or character constants.
  if (!/[ \t"']/.test(text)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === "'") {
      const { value, end } = charConstantValue(text, i);
      out += String(value);
      i = end;
      if (text[i] === "'") i++;
    } else if (c === ' ' || c === '\t') {
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (out !== '' && i < text.length && keepsSpace(out[out.length - 1]) && keepsSpace(text[i])) out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Whether a blank next to `c` survives scrubbing (see scrub). */
function keepsSpace(c: string | undefined): boolean {
  return c !== undefined && (isNameChar(c) || c === '"' || c === '\\' || c === "'");
}

/** A statement's labels, its first word and the rest. */
export interface StatementParts {
  labels: { name: string; col: number }[];
  /** Mnemonic, directive (with its dot) or macro name; '' for a statement that is only labels. */
  word: string;
  operands: string;
  /** `name = expr` */
  assignment?: { symbol: string; expression: string };
  /** `name .req register` */
  alias?: { name: string; register: string };
}

function skipBlanks(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/** Splits a statement into labels (`a: b: 1:`), the first word and the operand text. */
export function parseStatement(text: string): StatementParts {
  const labels: { name: string; col: number }[] = [];
  // Sticky regular expressions: native scanning is fast even before the JIT has warmed up.
  LEADING_BLANKS.lastIndex = 0;
  LEADING_BLANKS.test(text);
  let i = LEADING_BLANKS.lastIndex;
  for (;;) {
    LABEL.lastIndex = i;
    const m = LABEL.exec(text);
    if (m === null) break;
    labels.push({ name: m[1]!, col: i });
    i = LABEL.lastIndex;
  }
  NAME.lastIndex = i;
  NAME.test(text);
  const wordEnd = NAME.lastIndex;
  const word = text.slice(i, wordEnd);
  const afterWord = skipBlanks(text, wordEnd);
  if (word !== '' && nameClass(word.charCodeAt(0)) === 1 && text[afterWord] === '=' && text[afterWord + 1] !== '=') {
    return { labels, word: '', operands: '', assignment: { symbol: word, expression: text.slice(afterWord + 1).trim() } };
  }
  if (word !== '' && afterWord > wordEnd && text.charCodeAt(afterWord) === 46 /* . */ && /^\.req\b/i.test(text.slice(afterWord, afterWord + 5))) {
    return { labels, word: '', operands: '', alias: { name: word, register: text.slice(afterWord + 4).trim() } };
  }
  // A mnemonic runs to the first blank (`b.eq`, `.section`); an unexpected character stays in it
  // so that the caller reports the whole thing.
  NON_BLANKS.lastIndex = wordEnd;
  NON_BLANKS.test(text);
  const end = NON_BLANKS.lastIndex;
  return { labels, word: end === wordEnd ? word : text.slice(i, end), operands: end >= text.length ? '' : text.slice(end).trim() };
}

const LEADING_BLANKS = /[ \t]*/y;
/** `name:` and the blanks after it (no blank before the colon). */
const LABEL = new RegExp(`([${NAME_CHAR_CLASS}]+):[ \\t]*`, 'y');
const NAME = new RegExp(`[${NAME_CHAR_CLASS}]*`, 'y');
const NON_BLANKS = /[^ \t]*/y;

/**
 * Splits directive operands at top-level commas; strings, character constants and brackets stay
 * whole. An empty text gives no operands.
 */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i = skipString(text, i);
      continue;
    }
    if (c === "'") {
      i = skipCharConstant(text, i);
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  const last = text.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}
