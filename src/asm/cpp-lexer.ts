// Tokens of the C preprocessor in assembler-with-cpp mode, and the lexer that makes them from one
// source file. Translation phases 1-3 as gcc does them for `-x assembler-with-cpp`: lines are spliced
// at backslash-newline first (a backslash followed only by blanks counts too), then comments become
// whitespace. Differences from C mode that gcc makes for assembly: `$` is not an identifier
// character, there are no digraphs, and an unmatched quote takes the rest of the line as one token.

import { fail, type ExpansionFrame, type SourceLocation } from './diagnostics.ts';

export type TokenKind =
  | 'name'
  | 'number'
  | 'string'
  | 'char'
  | 'punct'
  | 'other'
  | 'newline'
  | 'eof'
  | 'padding'
  | 'placemarker';

/** One included copy of a file: its text, and the #include chain that brought it in. */
export interface FileFrame {
  path: string;
  source: SourceText;
  /** The include chain, innermost first (empty for the main file). */
  stack: ExpansionFrame[];
}

/**
 * A preprocessing token. `ws` is the whitespace printed before it: the original blanks for tokens
 * lexed from a file (a comment or line break counts as one space), ' ' or '' for macro body tokens.
 */
export class Token {
  /** First token of a logical line of its file. */
  bol = false;
  /** gcc's NO_EXPAND: a macro name met inside its own expansion; never expanded again. */
  noExpand = false;
  /** Left operand of `##` in a macro body. */
  pasteLeft = false;
  /** `#param` in a function-like macro body. */
  stringify = false;
  /** Index of the macro parameter this body token names, or -1. */
  param = -1;
  /** Copied from a macro body (for __LINE__ and error positions, which use the expansion point). */
  fromBody = false;
  /** For padding tokens: the token whose whitespace decides the spacing (gcc's `val.source`). */
  padSource: Token | null = null;
  constructor(
    readonly kind: TokenKind,
    readonly text: string,
    public ws: string,
    /** File the token was lexed from (null for tokens the preprocessor made). */
    readonly frame: FileFrame | null = null,
    readonly offset = 0,
    /** Offset of the start of the logical line the token belongs to. */
    readonly lineStart = 0,
  ) {}

  /** A copy with other whitespace (for arguments that started on a new line). */
  withWs(ws: string): Token {
    const t = this.copy();
    t.ws = ws;
    return t;
  }

  copy(): Token {
    const t = new Token(this.kind, this.text, this.ws, this.frame, this.offset, this.lineStart);
    t.bol = this.bol;
    t.noExpand = this.noExpand;
    t.pasteLeft = this.pasteLeft;
    t.stringify = this.stringify;
    t.param = this.param;
    t.fromBody = this.fromBody;
    t.padSource = this.padSource;
    return t;
  }
}

export function paddingToken(source: Token | null): Token {
  const t = new Token('padding', '', '');
  t.padSource = source;
  return t;
}

/**
 * A file after line splicing: `text` has one '\n' per logical line, and `lineStarts[i]` is the offset
 * in `text` where physical line i+1 begins, so every offset maps back to its original line and column.
 */
export class SourceText {
  readonly text: string;
  private readonly lineStarts: number[];
  /** Offsets just after each backslash-newline splice that had blanks between the two (gcc warns). */
  readonly blankSplices: number[] = [];

  constructor(readonly path: string, raw: string) {
    const physical = raw.includes('\r') ? raw.split(/\r\n|\r|\n/) : raw.split('\n');
    if (physical.length > 1 && physical[physical.length - 1] === '') physical.pop();
    const parts: string[] = [];
    const starts: number[] = [];
    let offset = 0;
    for (let i = 0; i < physical.length; i++) {
      const line = physical[i]!;
      starts.push(offset);
      const splice = spliceColumn(line);
      const content = splice < 0 ? line : line.slice(0, splice);
      parts.push(content);
      offset += content.length;
      if (splice >= 0 && i + 1 < physical.length) {
        if (splice + 1 < line.length) this.blankSplices.push(offset);
        continue;
      }
      parts.push('\n');
      offset += 1;
    }
    this.text = parts.join('');
    this.lineStarts = starts;
  }

  /** Physical line and column (1-based) of an offset into `text`. */
  position(offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] ?? 0) + 1 };
  }
}

/** Index of a line-ending backslash (followed only by blanks), or -1. */
function spliceColumn(line: string): number {
  let i = line.length - 1;
  while (i >= 0 && isBlank(line.charCodeAt(i))) i--;
  return i >= 0 && line.charCodeAt(i) === 0x5c ? i : -1;
}

export function locationOf(frame: FileFrame, offset: number): SourceLocation {
  const { line, col } = frame.source.position(offset);
  return { file: frame.path, line, col };
}

const C_TAB = 9, C_NL = 10, C_VT = 11, C_FF = 12, C_SPACE = 32, C_NUL = 0;

function isBlank(c: number): boolean {
  return c === C_SPACE || c === C_TAB || c === C_FF || c === C_VT || c === C_NUL;
}

export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

export function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Punctuators of C without digraphs (gcc's assembler mode has none), longest first per first char. */
const PUNCTUATORS: Record<string, string[]> = {
  '<': ['<<=', '<<', '<=', '<'],
  '>': ['>>=', '>>', '>=', '>'],
  '.': ['...', '.'],
  '-': ['->', '--', '-=', '-'],
  '+': ['++', '+=', '+'],
  '&': ['&&', '&=', '&'],
  '|': ['||', '|=', '|'],
  '*': ['*=', '*'],
  '/': ['/=', '/'],
  '%': ['%=', '%'],
  '^': ['^=', '^'],
  '=': ['==', '='],
  '!': ['!=', '!'],
  '#': ['##', '#'],
  '[': ['['], ']': [']'], '(': ['('], ')': [')'], '{': ['{'], '}': ['}'],
  '~': ['~'], '?': ['?'], ':': [':'], ';': [';'], ',': [','],
};

export interface LexerState {
  pos: number;
  bol: boolean;
  lineStart: number;
}

/** Lexes one file frame into tokens, one 'newline' token per logical line, then 'eof' forever. */
export class Lexer {
  private pos = 0;
  private bol = true;
  private lineStart = 0;
  private readonly text: string;

  constructor(readonly frame: FileFrame) {
    this.text = frame.source.text;
  }

  save(): LexerState {
    return { pos: this.pos, bol: this.bol, lineStart: this.lineStart };
  }

  restore(s: LexerState): void {
    this.pos = s.pos;
    this.bol = s.bol;
    this.lineStart = s.lineStart;
  }

  /** Offset of the next character (used for raw directive text). */
  get offset(): number {
    return this.pos;
  }

  next(): Token {
    const ws = this.skipWhitespace();
    const text = this.text;
    const start = this.pos;
    const bol = this.bol;
    this.bol = false;
    if (start >= text.length) {
      const t = this.make('eof', '', ws, start);
      t.bol = bol;
      this.bol = true;
      return t;
    }
    const c = text.charCodeAt(start);
    let t: Token;
    if (c === C_NL) {
      this.pos++;
      t = this.make('newline', '\n', ws, start);
      this.bol = true;
      t.bol = bol;
      this.lineStart = this.pos;
      return t;
    }
    if (isIdentStart(c)) {
      let p = start + 1;
      while (p < text.length && isIdentChar(text.charCodeAt(p))) p++;
      const q = text.charCodeAt(p);
      if (p === start + 1 && c === 76 /* L */ && (q === 34 || q === 39)) {
        t = this.quoted(start, p, q === 34 ? 'string' : 'char', ws);
      } else {
        this.pos = p;
        t = this.make('name', text.slice(start, p), ws, start);
      }
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(start + 1)))) {
      this.pos = scanPpNumber(text, start);
      t = this.make('number', text.slice(start, this.pos), ws, start);
    } else if (c === 34 || c === 39) {
      t = this.quoted(start, start, c === 34 ? 'string' : 'char', ws);
    } else {
      const ch = text[start]!;
      const options = PUNCTUATORS[ch];
      let spelling = '';
      if (options) {
        for (const p of options) {
          if (text.startsWith(p, start)) {
            spelling = p;
            break;
          }
        }
      }
      if (spelling) {
        this.pos = start + spelling.length;
        t = this.make('punct', spelling, ws, start);
      } else {
        const cp = text.codePointAt(start)!;
        const len = cp > 0xffff ? 2 : 1;
        this.pos = start + len;
        t = this.make('other', text.slice(start, start + len), ws, start);
      }
    }
    t.bol = bol;
    return t;
  }

  /** `<...>` of an #include, if the next token starts with `<`; null otherwise (nothing consumed). */
  headerName(): Token | null {
    const saved = this.save();
    const ws = this.skipWhitespace();
    const start = this.pos;
    if (this.text.charCodeAt(start) !== 60 /* < */) {
      this.restore(saved);
      return null;
    }
    const end = this.text.indexOf('>', start + 1);
    const nl = this.text.indexOf('\n', start + 1);
    if (end < 0 || (nl >= 0 && nl < end)) {
      this.restore(saved);
      return null;
    }
    this.pos = end + 1;
    this.bol = false;
    return this.make('string', this.text.slice(start, end + 1), ws, start);
  }

  /** The raw rest of the line (comments removed, blanks collapsed), consuming its newline. */
  restOfLine(): { text: string; tokens: Token[] } {
    const tokens: Token[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'newline' || t.kind === 'eof') break;
      tokens.push(t);
    }
    return { text: spell(tokens), tokens };
  }

  private make(kind: TokenKind, text: string, ws: string, offset: number): Token {
    return new Token(kind, text, ws, this.frame, offset, this.lineStart);
  }

  /** A string or character literal; unterminated, it runs to the end of the line as an 'other'. */
  private quoted(start: number, quoteAt: number, kind: 'string' | 'char', ws: string): Token {
    const text = this.text;
    const quote = text.charCodeAt(quoteAt);
    let p = quoteAt + 1;
    for (;;) {
      if (p >= text.length) break;
      const c = text.charCodeAt(p);
      if (c === C_NL) break;
      if (c === 92 /* \ */ && p + 1 < text.length && text.charCodeAt(p + 1) !== C_NL) {
        p += 2;
        continue;
      }
      p++;
      if (c === quote) {
        this.pos = p;
        return this.make(kind, text.slice(start, p), ws, start);
      }
    }
    this.pos = p;
    return this.make('other', text.slice(start, p), ws, start);
  }

  /** Skips blanks and comments; returns the whitespace as it should be printed. */
  private skipWhitespace(): string {
    const text = this.text;
    const start = this.pos;
    let p = start;
    let sawComment = false;
    for (;;) {
      const c = text.charCodeAt(p);
      if (isBlank(c)) {
        p++;
      } else if (c === 47 /* / */ && text.charCodeAt(p + 1) === 42 /* * */) {
        const end = text.indexOf('*/', p + 2);
        if (end < 0) {
          fail('HL0108', 'unterminated comment', { location: locationOf(this.frame, p), stack: this.frame.stack });
        }
        p = end + 2;
        sawComment = true;
      } else if (c === 47 && text.charCodeAt(p + 1) === 47) {
        const nl = text.indexOf('\n', p + 2);
        p = nl < 0 ? text.length : nl;
        sawComment = true;
      } else {
        break;
      }
    }
    this.pos = p;
    if (p === start) return '';
    return sawComment ? ' ' : text.slice(start, p);
  }
}

/** pp-number: digits, letters, `_`, `.`, and a sign right after e, E, p or P. */
function scanPpNumber(text: string, start: number): number {
  let p = start + 1;
  for (;;) {
    const c = text.charCodeAt(p);
    if (isIdentChar(c) || c === 46) {
      p++;
      if ((c === 101 || c === 69 || c === 112 || c === 80) && (text.charCodeAt(p) === 43 || text.charCodeAt(p) === 45)) p++;
    } else {
      return p;
    }
  }
}

/** Spelling of a token list with single spaces where there was whitespace. */
export function spell(tokens: Token[]): string {
  let s = '';
  for (const t of tokens) {
    if (t.kind === 'padding') continue;
    if (s !== '' && t.ws !== '') s += ' ';
    s += t.text;
  }
  return s;
}

/**
 * Lexes a string that should be exactly one token (the result of `##`); returns null if it is not.
 * Used only for pasting, so no file position is needed.
 */
export function lexSingleToken(text: string): Token | null {
  if (text === '') return null;
  const frame: FileFrame = { path: '<paste>', source: new SourceText('<paste>', text), stack: [] };
  const lexer = new Lexer(frame);
  let t: Token;
  try {
    t = lexer.next();
  } catch {
    return null; // `/` pasted with `*` opens a comment: not a token
  }
  if (t.ws !== '' || t.kind === 'other' && t.text.length > 1 && (t.text[0] === '"' || t.text[0] === "'")) return null;
  if (t.kind === 'newline' || t.kind === 'eof') return null;
  const rest = lexer.next();
  if (rest.kind !== 'newline' && rest.kind !== 'eof') return null;
  if (rest.ws !== '') return null;
  return new Token(t.kind, t.text, '');
}
