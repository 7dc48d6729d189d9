// The C preprocessor the kernel runs over `.S` files before GNU as, in gcc's assembler-with-cpp
// mode: #include with -I dirs, #define/#undef (object-like, function-like, variadic, # and ##),
// conditionals with C integer expressions, and the assembler-mode leniency (a `#` line that is not
// a directive passes through, since GNU as reads it as a comment). Output is one line per logical
// source line, with the origin of that line in the original file and the #include chain.

import { readFileSync, statSync } from 'node:fs';
import {
  diagnostic,
  fail,
  originOf,
  type Diagnostic,
  type ExpansionFrame,
  type Origin,
} from './diagnostics.ts';
import { Lexer, SourceText, Token, locationOf, spell, type FileFrame } from './cpp-lexer.ts';
import { Expander, printTokens, type Builtin, type ExpanderHost, type Macro, type TokenSource } from './cpp-macros.ts';
import { evaluateIf } from './cpp-expr.ts';

export interface PreprocessOptions {
  /** -I: searched in order (for "..." after the including file's directory). */
  includeDirs: string[];
  /** -D NAME=VALUE ("1" for -D NAME); NAME may be `F(x)` for a function-like macro. */
  defines: Record<string, string>;
  /** Virtual file system for tests; default: node fs. undefined = no such file. */
  readFile?: (path: string) => string | undefined;
  /** Default 200, as gcc. */
  maxIncludeDepth?: number;
  /** Receives warnings (#warning, macro redefinitions); errors are thrown as AsmError. */
  onWarning?: (warning: Diagnostic) => void;
}

export interface PreprocessedLine {
  text: string;
  origin: Origin;
}

/**
 * Macros that `aarch64-linux-gnu-cpp -x assembler-with-cpp` (gcc 12, default -march) predefines and
 * that assembly may test. Host gcc would define __x86_64__ instead: we must not.
 */
export const PREDEFINED_MACROS: Record<string, string> = {
  __ASSEMBLER__: '1',
  __STDC__: '1',
  __STDC_HOSTED__: '1',
  __GNUC__: '12',
  __GNUC_MINOR__: '2',
  __GNUC_PATCHLEVEL__: '0',
  __VERSION__: '"12.2.0"',
  __aarch64__: '1',
  __AARCH64EL__: '1',
  __AARCH64_CMODEL_SMALL__: '1',
  __ARM_64BIT_STATE: '1',
  __ARM_ARCH: '8',
  __ARM_ARCH_8A: '1',
  __ARM_ARCH_ISA_A64: '1',
  __ARM_ARCH_PROFILE: '65',
  __ARM_FEATURE_CLZ: '1',
  __ARM_FEATURE_FMA: '1',
  __ARM_FEATURE_IDIV: '1',
  __ARM_FEATURE_NUMERIC_MAXMIN: '1',
  __ARM_FEATURE_UNALIGNED: '1',
  __ARM_FP: '14',
  __ARM_NEON: '1',
  __ARM_PCS_AAPCS64: '1',
  __ARM_SIZEOF_MINIMAL_ENUM: '4',
  __ARM_SIZEOF_WCHAR_T: '4',
  __CHAR_UNSIGNED__: '1',
  __CHAR_BIT__: '8',
  __SIZEOF_SHORT__: '2',
  __SIZEOF_INT__: '4',
  __SIZEOF_LONG__: '8',
  __SIZEOF_LONG_LONG__: '8',
  __SIZEOF_POINTER__: '8',
  __SIZEOF_SIZE_T__: '8',
  __SIZEOF_WCHAR_T__: '4',
  __LP64__: '1',
  _LP64: '1',
  __ORDER_LITTLE_ENDIAN__: '1234',
  __ORDER_BIG_ENDIAN__: '4321',
  __ORDER_PDP_ENDIAN__: '3412',
  __BYTE_ORDER__: '__ORDER_LITTLE_ENDIAN__',
  __FLOAT_WORD_ORDER__: '__ORDER_LITTLE_ENDIAN__',
  __ELF__: '1',
  __REGISTER_PREFIX__: '',
  __USER_LABEL_PREFIX__: '',
  // gnu mode (the default for assembler-with-cpp) also defines the unreserved names.
  __linux__: '1',
  __linux: '1',
  __gnu_linux__: '1',
  linux: '1',
  __unix__: '1',
  __unix: '1',
  unix: '1',
};

const BUILTINS: Builtin[] = ['__LINE__', '__FILE__', '__COUNTER__', '__INCLUDE_LEVEL__', '__BASE_FILE__'];

const DIRECTIVES = new Set([
  'define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef',
  'elifndef', 'else', 'endif', 'line', 'error', 'warning', 'pragma', 'ident', 'sccs', 'assert', 'unassert',
]);

const CONDITIONAL_OPENERS = new Set(['if', 'ifdef', 'ifndef']);

/** Preprocesses `path` (or `text`, named `path`) as `cpp -x assembler-with-cpp` would. */
export function preprocess(path: string, options: PreprocessOptions, text?: string): PreprocessedLine[] {
  return new Preprocessor(path, options).run(text);
}

interface Conditional {
  /** Some group of this #if chain has been taken. */
  taken: boolean;
  sawElse: boolean;
  at: Origin;
}

/** A file being read: a FileFrame plus its lexer and per-file preprocessing state. */
class OpenFile implements FileFrame {
  readonly lexer: Lexer;
  readonly conditionals: Conditional[] = [];
  /** #line: added to physical line numbers for __LINE__. */
  lineDelta = 0;
  /** #line "name": what __FILE__ says. */
  presumedPath: string;
  constructor(
    readonly path: string,
    readonly source: SourceText,
    readonly stack: ExpansionFrame[],
    /** Index of the -I directory it was found in, or -1 (for #include_next). */
    readonly dirIndex: number,
  ) {
    this.presumedPath = path;
    this.lexer = new Lexer(this);
  }
}

/** The tokens of one directive line, then its end. */
class LineSource implements TokenSource {
  private i = 0;
  private readonly back: Token[] = [];
  constructor(private readonly tokens: Token[], private readonly end: Token) {}
  next(): Token {
    return this.back.pop() ?? this.tokens[this.i++] ?? this.end;
  }
  pushBack(t: Token): void {
    this.back.push(t);
  }
}

function defaultReadFile(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : dir + '/' + name;
}

function quoteString(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

class Preprocessor implements ExpanderHost, TokenSource {
  readonly macros = new Map<string, Macro>();
  private readonly files: OpenFile[] = [];
  private readonly lookahead: Token[] = [];
  private readonly sources = new Map<string, SourceText | null>();
  private readonly onceOnly = new Set<string>();
  private readonly readFile: (path: string) => string | undefined;
  private readonly maxDepth: number;
  private readonly expander: Expander;
  private lineOrigin: Origin | null = null;
  private counter = 0;

  constructor(private readonly mainPath: string, private readonly options: PreprocessOptions) {
    this.readFile = options.readFile ?? defaultReadFile;
    this.maxDepth = options.maxIncludeDepth ?? 200;
    this.expander = new Expander(this, this, false);
    for (const name of BUILTINS) {
      this.macros.set(name, {
        name, funcLike: false, params: [], variadic: false, body: [], hasPaste: false, builtin: name,
        where: { file: '<built-in>', line: 0, col: 0 }, disabled: 0,
      });
    }
    for (const [name, value] of Object.entries(PREDEFINED_MACROS)) this.defineFromText('<built-in>', `${name} ${value}`);
    for (const [name, value] of Object.entries(options.defines)) this.defineFromText('<command-line>', `${name} ${value}`);
  }

  run(text: string | undefined): PreprocessedLine[] {
    const raw = text ?? this.readFile(this.mainPath);
    if (raw === undefined) fail('HL0902', `cannot read file ${this.mainPath}`, originOf(this.mainPath));
    const source = new SourceText(this.mainPath, raw);
    this.sources.set(this.mainPath, source);
    this.files.push(new OpenFile(this.mainPath, source, [], -1));
    const out: PreprocessedLine[] = [];
    for (;;) {
      this.lineOrigin = null;
      this.expander.resetBudget();
      const parts: Token[] = [];
      let t = this.expander.get();
      while (t.kind !== 'newline' && t.kind !== 'eof') {
        parts.push(t);
        t = this.expander.get();
      }
      if (this.lineOrigin !== null) out.push({ text: printTokens(parts), origin: this.lineOrigin });
      if (t.kind === 'eof') return out;
    }
  }

  // ---- TokenSource: the file stack, with directives handled as they come ----

  next(parsingArgs: 0 | 1 | 2): Token {
    for (;;) {
      const t = this.lookahead.pop() ?? this.top().lexer.next();
      if (t.kind === 'eof') {
        if (parsingArgs !== 0) return t;
        const file = this.top();
        const open = file.conditionals[file.conditionals.length - 1];
        if (open !== undefined) fail('HL0103', 'unterminated conditional directive (#if without #endif)', open.at);
        if (this.files.length === 1) return t;
        this.files.pop();
        continue;
      }
      if (t.bol && t.kind === 'punct' && t.text === '#' && parsingArgs !== 1) {
        if (this.directive(t, parsingArgs)) continue;
      }
      if (t.bol && this.lineOrigin === null) this.lineOrigin = this.lineOriginOf(t);
      return t;
    }
  }

  pushBack(t: Token): void {
    this.lookahead.push(t);
  }

  // ---- ExpanderHost ----

  originOf(t: Token): Origin {
    if (t.frame === null) return { location: { file: this.top().path, line: 0, col: 0 }, stack: this.top().stack };
    return { location: locationOf(t.frame, t.offset), stack: t.frame.stack };
  }

  builtin(kind: Builtin, at: Token): Token {
    const own = at.frame instanceof OpenFile ? at.frame : null;
    const file = own ?? this.top();
    switch (kind) {
      case '__LINE__': {
        const offset = own !== null ? at.offset : file.lexer.offset;
        return new Token('number', String(file.source.position(offset).line + file.lineDelta), '');
      }
      case '__FILE__': return new Token('string', quoteString(file.presumedPath), '');
      case '__BASE_FILE__': return new Token('string', quoteString(this.mainPath), '');
      case '__COUNTER__': return new Token('number', String(this.counter++), '');
      case '__INCLUDE_LEVEL__': return new Token('number', String(this.files.length - 1), '');
    }
  }

  // ---- helpers ----

  private top(): OpenFile {
    return this.files[this.files.length - 1]!;
  }

  private lineOriginOf(t: Token): Origin {
    const frame = t.frame!;
    return { location: locationOf(frame, t.lineStart), stack: frame.stack };
  }

  private warn(code: 'HL0111' | 'HL0113', message: string, origin: Origin): void {
    this.options.onWarning?.(diagnostic(code, message, origin, 'warning'));
  }

  /** The rest of the current directive line, with an end token placed at its newline. */
  private directiveLine(file: OpenFile): { tokens: Token[]; end: Token; text: string } {
    const tokens: Token[] = [];
    for (;;) {
      const t = file.lexer.next();
      if (t.kind === 'newline' || t.kind === 'eof') {
        const end = new Token('eof', '', '', file, t.offset, t.lineStart);
        return { tokens, end, text: spell(tokens) };
      }
      tokens.push(t);
    }
  }

  /** Handles a directive at `hash`; false if it is none (the line then passes through, as for gas). */
  private directive(hash: Token, parsingArgs: 0 | 1 | 2): boolean {
    const file = this.top();
    const saved = file.lexer.save();
    const nameTok = file.lexer.next();
    if (nameTok.kind === 'newline' || nameTok.kind === 'eof') return true; // the null directive
    if (nameTok.kind !== 'name' || !DIRECTIVES.has(nameTok.text)) {
      file.lexer.restore(saved);
      return false;
    }
    const name = nameTok.text;
    const here = this.originOf(nameTok);
    switch (name) {
      case 'define': this.define(file, this.directiveLine(file).tokens, here); break;
      case 'undef': {
        const { tokens } = this.directiveLine(file);
        const id = tokens[0];
        if (id === undefined || id.kind !== 'name') fail('HL0109', 'no macro name given in #undef directive', here);
        if (id.text === 'defined') fail('HL0109', '"defined" cannot be used as a macro name', this.originOf(id));
        this.macros.delete(id.text);
        break;
      }
      case 'include':
      case 'include_next':
      case 'import':
        if (parsingArgs !== 0) fail('HL0109', `#${name} inside the arguments of a macro`, here);
        this.include(file, hash, nameTok);
        break;
      case 'if': {
        const value = this.evaluate(file, nameTok);
        file.conditionals.push({ taken: value, sawElse: false, at: this.originOf(hash) });
        if (!value) this.skipGroup(file);
        break;
      }
      case 'ifdef':
      case 'ifndef': {
        const value = this.definedTest(file, nameTok);
        file.conditionals.push({ taken: value, sawElse: false, at: this.originOf(hash) });
        if (!value) this.skipGroup(file);
        break;
      }
      case 'elif':
      case 'elifdef':
      case 'elifndef':
      case 'else': {
        // We were in a taken group, so every later group of this chain is skipped.
        const cond = this.currentConditional(file, name, here);
        this.directiveLine(file);
        cond.sawElse ||= name === 'else';
        cond.taken = true;
        this.skipGroup(file);
        break;
      }
      case 'endif':
        this.currentConditional(file, name, here);
        this.directiveLine(file);
        file.conditionals.pop();
        break;
      case 'line': this.line(file, nameTok); break;
      case 'error': fail('HL0107', `#error ${this.directiveLine(file).text}`, this.originOf(hash));
      case 'warning': this.warn('HL0111', `#warning ${this.directiveLine(file).text}`, this.originOf(hash)); break;
      case 'pragma': {
        const { tokens } = this.directiveLine(file);
        if (tokens[0]?.text === 'once') this.onceOnly.add(file.path);
        break;
      }
      default:
        // #ident, #sccs, #assert, #unassert: accepted and dropped.
        this.directiveLine(file);
    }
    return true;
  }

  private currentConditional(file: OpenFile, name: string, here: Origin): Conditional {
    const cond = file.conditionals[file.conditionals.length - 1];
    if (cond === undefined) fail('HL0104', `#${name} without #if`, here);
    if (cond.sawElse && name !== 'endif') fail('HL0104', `#${name} after #else`, here);
    return cond;
  }

  private definedTest(file: OpenFile, nameTok: Token): boolean {
    const { tokens } = this.directiveLine(file);
    const id = tokens[0];
    if (id === undefined || id.kind !== 'name') {
      fail('HL0109', `no macro name given in #${nameTok.text} directive`, this.originOf(id ?? nameTok));
    }
    const defined = this.macros.has(id.text);
    return nameTok.text.endsWith('ndef') ? !defined : defined;
  }

  private evaluate(file: OpenFile, nameTok: Token): boolean {
    const { tokens, end } = this.directiveLine(file);
    const exp = new Expander(this, new LineSource(tokens, end), true);
    return evaluateIf(
      {
        next: () => exp.get(),
        preventExpansion: (on) => {
          exp.preventExpansion += on ? 1 : -1;
        },
        isDefined: (n) => this.macros.has(n),
        hasInclude: (n, angled) => this.resolveInclude(n, angled, false, file) !== null,
        originAt: (t) => exp.originAt(t),
      },
      nameTok,
    );
  }

  /**
   * Skips a group whose condition is false, up to the #elif/#else that is taken or the matching
   * #endif. Nested conditionals are only counted; other directives are ignored.
   */
  private skipGroup(file: OpenFile): void {
    const lexer = file.lexer;
    const cond = file.conditionals[file.conditionals.length - 1]!;
    let depth = 0;
    for (;;) {
      const t = lexer.next();
      if (t.kind === 'eof') fail('HL0103', 'unterminated conditional directive (#if without #endif)', cond.at);
      if (t.kind === 'newline') continue;
      if (t.bol && t.kind === 'punct' && t.text === '#') {
        const n = lexer.next();
        if (n.kind === 'newline') continue;
        if (n.kind === 'name') {
          if (CONDITIONAL_OPENERS.has(n.text)) {
            depth++;
          } else if (n.text === 'endif') {
            if (depth === 0) {
              this.directiveLine(file);
              file.conditionals.pop();
              return;
            }
            depth--;
          } else if (depth === 0 && (n.text === 'else' || n.text.startsWith('elif'))) {
            const here = this.originOf(n);
            if (cond.sawElse) fail('HL0104', `#${n.text} after #else`, here);
            if (n.text === 'else') {
              cond.sawElse = true;
              this.directiveLine(file);
              if (!cond.taken) {
                cond.taken = true;
                return;
              }
              continue;
            }
            if (n.text === 'elif' || n.text === 'elifdef' || n.text === 'elifndef') {
              if (cond.taken) {
                this.directiveLine(file);
                continue;
              }
              const value = n.text === 'elif' ? this.evaluate(file, n) : this.definedTest(file, n);
              if (value) {
                cond.taken = true;
                return;
              }
              continue;
            }
          }
        }
      }
      this.directiveLine(file);
    }
  }

  private line(file: OpenFile, nameTok: Token): void {
    const { tokens, end } = this.directiveLine(file);
    const exp = new Expander(this, new LineSource(tokens, end), true);
    const expanded: Token[] = [];
    for (let t = exp.get(); t.kind !== 'eof'; t = exp.get()) if (t.kind !== 'padding') expanded.push(t);
    const [num, name] = expanded;
    if (num === undefined || num.kind !== 'number' || !/^[0-9]+$/.test(num.text)) {
      fail('HL0109', `"${num?.text ?? ''}" after #line is not a positive integer`, this.originOf(num ?? nameTok));
    }
    // The line after the directive gets the number.
    const nextLine = file.source.position(end.offset).line + 1;
    file.lineDelta = Number(num.text) - nextLine;
    if (name !== undefined) {
      if (name.kind !== 'string' || !name.text.startsWith('"')) fail('HL0109', `invalid filename "${name.text}" in #line`, this.originOf(name));
      file.presumedPath = name.text.slice(1, -1);
    }
  }

  // ---- #define ----

  private defineFromText(where: string, text: string): void {
    const source = new SourceText(where, text);
    const frame: FileFrame = { path: where, source, stack: [] };
    const lexer = new Lexer(frame);
    const tokens: Token[] = [];
    for (let t = lexer.next(); t.kind !== 'newline' && t.kind !== 'eof'; t = lexer.next()) tokens.push(t);
    this.define(null, tokens, originOf(where, 1, 1));
  }

  private define(_file: OpenFile | null, tokens: Token[], here: Origin): void {
    const nameTok = tokens[0];
    const at = (t: Token | undefined): Origin => (t !== undefined && t.frame !== null ? this.originOf(t) : here);
    if (nameTok === undefined) fail('HL0109', 'no macro name given in #define directive', here);
    if (nameTok.kind !== 'name') fail('HL0109', 'macro names must be identifiers', at(nameTok));
    if (nameTok.text === 'defined') fail('HL0109', '"defined" cannot be used as a macro name', at(nameTok));
    const params: string[] = [];
    let variadic = false;
    let i = 1;
    const open = tokens[1];
    const funcLike = open !== undefined && open.kind === 'punct' && open.text === '(' && open.ws === '';
    if (funcLike) {
      i = 2;
      let closed = false;
      let expectParam = true;
      while (i < tokens.length) {
        const t = tokens[i++]!;
        if (t.kind === 'punct' && t.text === ')' && (!expectParam || params.length === 0) && !variadic) {
          closed = true;
          break;
        }
        if (variadic) {
          if (t.kind === 'punct' && t.text === ')') {
            closed = true;
            break;
          }
          fail('HL0109', "missing ')' after \"...\" in macro parameter list", at(t));
        }
        if (expectParam) {
          if (t.kind === 'punct' && t.text === '...') {
            params.push('__VA_ARGS__');
            variadic = true;
          } else if (t.kind === 'name') {
            if (params.includes(t.text)) fail('HL0109', `duplicate macro parameter "${t.text}"`, at(t));
            params.push(t.text);
            const dots = tokens[i];
            if (dots !== undefined && dots.kind === 'punct' && dots.text === '...') {
              variadic = true;
              i++;
            }
          } else {
            fail('HL0109', `expected parameter name, found "${t.text}"`, at(t));
          }
          expectParam = false;
        } else if (t.kind === 'punct' && t.text === ',') {
          expectParam = true;
        } else {
          fail('HL0109', `expected ',' or ')', found "${t.text}"`, at(t));
        }
      }
      if (!closed) fail('HL0109', "missing ')' in macro parameter list", at(nameTok));
    }
    const body = this.macroBody(tokens.slice(i), funcLike, params, at);
    const macro: Macro = {
      name: nameTok.text, funcLike, params, variadic, body: body.tokens, hasPaste: body.hasPaste, builtin: null,
      where: at(nameTok).location, disabled: 0,
    };
    const old = this.macros.get(macro.name);
    if (old !== undefined && !sameDefinition(old, macro)) {
      const was = old.where;
      this.warn('HL0113', `"${macro.name}" redefined (previous definition at ${was.file}:${was.line}:${was.col})`, at(nameTok));
    }
    this.macros.set(macro.name, macro);
  }

  private macroBody(
    raw: Token[],
    funcLike: boolean,
    params: string[],
    at: (t: Token | undefined) => Origin,
  ): { tokens: Token[]; hasPaste: boolean } {
    const out: Token[] = [];
    let hasPaste = false;
    for (let j = 0; j < raw.length; j++) {
      const t = raw[j]!;
      if (t.kind === 'punct' && t.text === '##') {
        if (out.length === 0 || j === raw.length - 1) fail('HL0109', "'##' cannot appear at either end of a macro expansion", at(t));
        out[out.length - 1]!.pasteLeft = true;
        hasPaste = true;
        continue;
      }
      const b = t.copy();
      b.fromBody = true;
      b.bol = false;
      b.ws = out.length === 0 ? '' : t.ws !== '' ? ' ' : '';
      if (funcLike && t.kind === 'name') b.param = params.indexOf(t.text);
      if (funcLike && t.kind === 'punct' && t.text === '#') {
        // `#param` stringifies; in assembler mode a `#` before anything else stays (an immediate).
        const next = raw[j + 1];
        if (next !== undefined && next.kind === 'name' && params.includes(next.text)) {
          const s = next.copy();
          s.fromBody = true;
          s.bol = false;
          s.param = params.indexOf(next.text);
          s.stringify = true;
          s.ws = b.ws;
          out.push(s);
          j++;
          continue;
        }
      }
      out.push(b);
    }
    return { tokens: out, hasPaste };
  }

  // ---- #include ----

  private include(file: OpenFile, hash: Token, nameTok: Token): void {
    const kind = nameTok.text;
    let header = file.lexer.headerName();
    let name: string;
    let angled: boolean;
    let spelling: string;
    if (header !== null) {
      this.directiveLine(file);
      name = header.text.slice(1, -1);
      angled = true;
      spelling = header.text;
    } else {
      const { tokens, end } = this.directiveLine(file);
      const first = tokens[0];
      if (first !== undefined && first.kind === 'string' && first.text.startsWith('"')) {
        header = first;
      } else {
        // A computed include: expand the line, then take a string or <...> from it.
        const exp = new Expander(this, new LineSource(tokens, end), true);
        const expanded: Token[] = [];
        for (let t = exp.get(); t.kind !== 'eof'; t = exp.get()) if (t.kind !== 'padding') expanded.push(t);
        const e0 = expanded[0];
        if (e0 !== undefined && e0.kind === 'string' && e0.text.startsWith('"')) header = e0;
        else if (e0 !== undefined && e0.kind === 'punct' && e0.text === '<') {
          const close = expanded.findIndex((t) => t.kind === 'punct' && t.text === '>');
          if (close < 0) fail('HL0109', 'missing terminating > character', this.originOf(nameTok));
          const inner = expanded.slice(1, close);
          if (inner[0] !== undefined) inner[0] = inner[0].withWs('');
          header = new Token('string', '<' + spell(inner) + '>', '');
        }
      }
      if (header === null) fail('HL0109', `#${kind} expects "FILENAME" or <FILENAME>`, this.originOf(nameTok));
      name = header.text.slice(1, -1);
      angled = header.text.startsWith('<');
      spelling = header.text;
    }
    const here = this.originOf(hash);
    if (name === '') fail('HL0109', `empty filename in #${kind}`, here);
    const found = this.resolveInclude(name, angled, kind === 'include_next', file);
    if (found === null) {
      const searched = [...(angled ? [] : [dirOf(file.path).replace(/\/$/, '') || '.']), ...this.options.includeDirs];
      fail('HL0101', `${spelling}: no such file (searched ${searched.join(', ') || 'nothing'})`, here);
    }
    if (this.onceOnly.has(found.path)) return;
    if (kind === 'import') this.onceOnly.add(found.path);
    const frame: ExpansionFrame = { macro: `#${kind} ${spelling}`, at: here.location };
    if (this.files.length >= this.maxDepth) fail('HL0102', this.cycleMessage(found.path), here);
    this.files.push(new OpenFile(found.path, this.sources.get(found.path)!, [frame, ...file.stack], found.dirIndex));
  }

  private cycleMessage(path: string): string {
    const chain = [...this.files.map((f) => f.path), path];
    const first = chain.indexOf(path);
    if (first === chain.length - 1) return `#include nested more than ${this.maxDepth} levels deep`;
    const cycle = chain.slice(first, chain.indexOf(path, first + 1) + 1);
    return `cyclic #include: ${cycle.join(' -> ')} (nesting reached ${this.maxDepth} levels; add an include guard)`;
  }

  /** Finds an include file: the includer's directory first for "...", then the -I directories. */
  private resolveInclude(name: string, angled: boolean, next: boolean, from: OpenFile): { path: string; dirIndex: number } | null {
    if (name.startsWith('/')) return this.load(name) ? { path: name, dirIndex: -1 } : null;
    if (!angled && !next) {
      const p = joinPath(dirOf(from.path), name);
      if (this.load(p)) return { path: p, dirIndex: -1 };
    }
    const dirs = this.options.includeDirs;
    for (let i = next && from.dirIndex >= 0 ? from.dirIndex + 1 : 0; i < dirs.length; i++) {
      const p = joinPath(dirs[i]!, name);
      if (this.load(p)) return { path: p, dirIndex: i };
    }
    return null;
  }

  private load(path: string): boolean {
    let s = this.sources.get(path);
    if (s === undefined) {
      const raw = this.readFile(path);
      s = raw === undefined ? null : new SourceText(path, raw);
      this.sources.set(path, s);
    }
    return s !== null;
  }
}

function sameDefinition(a: Macro, b: Macro): boolean {
  if (a.builtin !== null || b.builtin !== null) return false;
  if (a.funcLike !== b.funcLike || a.variadic !== b.variadic || a.params.join(',') !== b.params.join(',')) return false;
  if (a.body.length !== b.body.length) return false;
  return a.body.every((t, i) => {
    const u = b.body[i]!;
    return t.text === u.text && (t.ws === '') === (u.ws === '') && t.pasteLeft === u.pasteLeft && t.stringify === u.stringify;
  });
}
