// GNU as statement processing after the C preprocessor: macro and repeat expansion interleaved with
// assembly (an `.if` sees the symbols set so far), directives, symbols, sections and literal pools.
//
// Pass 1 executes every statement once, in order: it expands, defines labels at their final offsets
// (every A64 instruction is 4 bytes and no directive's size depends on a later symbol) and reserves
// the bytes of every instruction and data value. Pass 2 encodes instructions and evaluates data with
// every symbol known. A symbol that `.set` redefines is looked up as it was at the statement that
// uses it (statement numbers), and as first assigned for a forward reference, as GNU as does; an
// assignment over symbols defined further down (`.equ D, LATER * 2`) is evaluated when used.

import { AsmError, diagnostic, type Diagnostic, type DiagnosticCode, type Origin } from './diagnostics.ts';
import type { Instruction, Program, ProgramSymbol, Relocation, RelocationType, Section } from './program.ts';
import type { AsmContext, EncodedInstruction, ExprValue } from '../a64/context.ts';
import { ExprError, ExpressionCache, evaluateNode, describe, shapeOf, type ExprEnv, type Shape, type ShapeEnv, type Value } from './expr.ts';
import { decodeStringBody, isSymbolName, lexLine, NAME_CHAR_CLASS, NAME_START_CLASS, parseStatement, scrub, skipString, splitTopLevel, unquote, type SourceStatement, type StatementParts } from './lexer.ts';
import { MacroError, bindArguments, compileTemplate, expandTemplate, parseMacroHeader, readArgument, type MacroDefinition, type Template } from './macros.ts';
import { SectionBuilder, SectionLimitError, type LiteralEntry } from './sections.ts';

/** `ldr xN, =expr`: the register and the literal's expression. */
const LITERAL_LOAD = new RegExp(`^([${NAME_CHAR_CLASS}]+)\\s*,\\s*=(.*)$`, 's');
/** A section name as GNU as takes one unquoted (names and dashes: .text.hyp-init). */
const SECTION_NAME = new RegExp(`^[${NAME_CHAR_CLASS}-]+$`);
/** `.irp name, values...` / `.irpc name values`: the parameter name and the rest. */
const IRP_PARAMETER = new RegExp(`^([${NAME_START_CLASS}][${NAME_CHAR_CLASS}]*)\\s*(?:,\\s*|\\s+|$)(.*)$`, 's');

/** A line after the C preprocessor, with where it came from. */
export interface LogicalLine {
  text: string;
  origin: Origin;
}

export interface AssemblerLimits {
  maxMacroDepth: number;
  maxRepeat: number;
  maxStatements: number;
  maxSectionBytes: number;
}

export const DEFAULT_LIMITS: AssemblerLimits = {
  maxMacroDepth: 100,
  maxRepeat: 1_000_000,
  maxStatements: 2_000_000,
  maxSectionBytes: 64 * 1024 * 1024,
};

export type InstructionEncoder = (mnemonic: string, operands: string, ctx: AsmContext) => EncodedInstruction;

/** Reads a file for `.include`; undefined when it does not exist. */
export type FileReader = (path: string) => string | undefined;

/** After this many errors the run stops, as a compiler does. */
const MAX_ERRORS = 100;

/** Directives that change no bytes of any section hyplab models; accepted and ignored. */
export const IGNORED_DIRECTIVES = new Set([
  '.file', '.ident', '.loc', '.loc_mark_labels', '.arch', '.arch_extension', '.cpu', '.hidden', '.protected',
  '.internal', '.noaltmacro', '.variant_pcs', '.print', '.eject', '.psize', '.title', '.sbttl', '.list', '.nolist',
]);

/** A register name GNU as knows on AArch64 (also the only thing `.req` may name). */
const REGISTER_NAME = /^(?:[xw](?:[0-9]|[12][0-9]|30)|sp|wsp|xzr|wzr|lr|fp|ip0|ip1|[vqdshbz](?:[0-9]|[12][0-9]|3[01])|p(?:[0-9]|1[0-5]))$/i;

// ---------------------------------------------------------------------------------------------
// Input sources: the file, a macro expansion, a repeat block

interface Source {
  kind: 'file' | 'macro' | 'repeat';
  next(): SourceStatement | undefined;
  /** Depth of the conditional stack when the source began (`.exitm` returns to it). */
  condDepth: number;
  name?: string;
}

/** A file's lines, split into statements as they are reached. */
class FileSource implements Source {
  readonly kind = 'file';
  readonly condDepth = 0;
  private index = 0;
  private queue: SourceStatement[] = [];
  private q = 0;

  constructor(private readonly lines: readonly LogicalLine[]) {}

  next(): SourceStatement | undefined {
    while (this.q >= this.queue.length) {
      const line = this.lines[this.index++];
      if (line === undefined) return undefined;
      this.queue = lexLine(line.text, line.origin);
      this.q = 0;
    }
    return this.queue[this.q++];
  }
}

/** A macro's expansion. */
class ListSource implements Source {
  private i = 0;

  constructor(
    readonly kind: 'macro' | 'repeat',
    private readonly statements: SourceStatement[],
    readonly condDepth: number,
    readonly name?: string,
  ) {}

  next(): SourceStatement | undefined {
    return this.statements[this.i++];
  }
}

/** Re-reads substituted text as GNU as does (it may now hold `;`), appending its statements to `out`. */
function relexInto(out: SourceStatement[], text: string, origin: Origin): void {
  if (!text.includes(';')) {
    const t = text.trim();
    if (t !== '') out.push({ text: t, origin });
    return;
  }
  for (const s of lexLine(text, origin)) out.push({ text: s.text, origin });
}

const NO_VALUES: ReadonlyMap<string, string> = new Map();

function compileBody(macro: MacroDefinition): Template[] {
  const names = new Set(macro.parameters.map((p) => p.name));
  return macro.body.map((line) => compileTemplate(line.text, names, true));
}

// ---------------------------------------------------------------------------------------------

interface Conditional {
  parentActive: boolean;
  active: boolean;
  taken: boolean;
  sawElse: boolean;
  origin: Origin;
}

interface Collector {
  kind: 'macro' | 'repeat';
  depth: number;
  body: SourceStatement[];
  start: SourceStatement;
  /** Called with the body at the matching `.endm`/`.endr`. */
  finish: (body: SourceStatement[]) => void;
}

interface Assignment {
  seq: number;
  /** Known when it was made (absolute, or a place); else evaluated later from `expression`. */
  value: Value | undefined;
  expression: string;
  origin: Origin;
  /** Where `.` was when the assignment was made. */
  section: SectionBuilder;
  offset: number;
}

interface SymbolRecord {
  name: string;
  label?: { section: string; offset: number };
  assignments: Assignment[];
  equiv: boolean;
  global: boolean;
  weak: boolean;
  type?: 'function' | 'object';
  size?: bigint;
  /** Statement of the last `.size`: GNU as keeps only the last one and evaluates it at the end. */
  sizeSeq?: number;
}

interface LocalDefinition {
  seq: number;
  section: string;
  offset: number;
}

type PendingItem =
  | {
      kind: 'insn';
      section: SectionBuilder;
      offset: number;
      mnemonic: string;
      operands: string;
      text: string;
      origin: Origin;
      seq: number;
      aliases: ReadonlyMap<string, string>;
    }
  | {
      kind: 'data';
      section: SectionBuilder;
      offset: number;
      size: number;
      expression: string;
      origin: Origin;
      seq: number;
      inst: boolean;
      /** Where `.` is, when not here (a literal pool entry: at its `ldr`). */
      dot?: number;
    }
  | { kind: 'size'; symbol: SymbolRecord; expression: string; origin: Origin; seq: number; section: SectionBuilder; offset: number };

/** Fatal: stop the whole run (a resource limit). */
class StopAssembly extends Error {}

const DATA_SIZES: Record<string, number> = {
  '.byte': 1,
  '.hword': 2, '.short': 2, '.2byte': 2,
  '.word': 4, '.long': 4, '.int': 4, '.4byte': 4,
  '.quad': 8, '.8byte': 8, '.xword': 8, '.dword': 8,
};

const RELOCATION_BY_SIZE: Record<number, RelocationType | undefined> = { 2: 'ABS16', 4: 'ABS32', 8: 'ABS64' };

export class Assembler {
  private readonly errors: Diagnostic[] = [];
  private readonly warnings: Diagnostic[] = [];
  private readonly warned = new Set<string>();
  private readonly sources: Source[] = [];
  private macroDepth = 0;
  private readonly conditionals: Conditional[] = [];
  private collector: Collector | undefined;
  private readonly macros = new Map<string, MacroDefinition>();
  private macroCounter = 0;
  private readonly symbols = new Map<string, SymbolRecord>();
  private readonly localLabels = new Map<string, LocalDefinition[]>();
  private readonly poolLabels = new Map<string, LiteralEntry & { section: string }>();
  private poolCount = 0;
  private aliases: ReadonlyMap<string, string> = new Map();
  private readonly sections = new Map<string, SectionBuilder>();
  private current: SectionBuilder;
  private previous: SectionBuilder;
  private readonly sectionStack: { current: SectionBuilder; previous: SectionBuilder }[] = [];
  private readonly items: PendingItem[] = [];
  private readonly expressions = new ExpressionCache();
  private seq = 0;
  private executed = 0;
  private readonly includeStack: string[] = [];
  private ended = false;

  constructor(
    private readonly encode: InstructionEncoder,
    private readonly limits: AssemblerLimits = DEFAULT_LIMITS,
    private readonly include: { read: FileReader; dirs: string[] } | undefined = undefined,
  ) {
    this.current = this.section('.text');
    this.section('.data');
    this.section('.bss');
    this.previous = this.current;
  }

  /** Assembles the lines of one file; throws AsmError with every error found. */
  run(lines: readonly LogicalLine[], path: string): Program {
    this.includeStack.push(path);
    this.sources.push(new FileSource(lines));
    try {
      this.pass1();
      for (const section of this.sections.values()) this.guard(undefined, () => this.dumpPools(section));
      this.pass2();
      this.resolveDeferredAssignments();
    } catch (e) {
      if (!(e instanceof StopAssembly)) throw e;
    }
    if (this.errors.length > 0) throw new AsmError(this.errors);
    return this.program();
  }

  // -------------------------------------------------------------------------------------------
  // Diagnostics

  private error(code: DiagnosticCode, message: string, origin: Origin): void {
    this.errors.push(diagnostic(code, message, origin));
    if (this.errors.length >= MAX_ERRORS) throw new StopAssembly();
  }

  private warn(code: DiagnosticCode, message: string, origin: Origin): void {
    const { file, line, col } = origin.location;
    const key = `${file}:${line}:${col}:${code}:${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push(diagnostic(code, message, origin, 'warning'));
  }

  /** Runs `fn`, turning every failure into a diagnostic at `origin`: the statement is skipped. */
  private guard(origin: Origin | undefined, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.failed(e, origin);
    }
  }

  /** A statement failed with `e`: record the diagnostic (or stop the run at a resource limit). */
  private failed(e: unknown, origin: Origin | undefined): void {
    if (e instanceof StopAssembly) throw e;
    const at = origin ?? { location: { file: this.includeStack[0] ?? '<input>', line: 0, col: 0 }, stack: [] };
    if (e instanceof AsmError) {
      for (const d of e.diagnostics) {
        if (d.severity === 'warning') this.warnings.push(d);
        else this.error(d.code, d.message, d.origin);
      }
    } else if (e instanceof ExprError) this.error(e.code, e.message, at);
    else if (e instanceof MacroError) this.error(e.code, e.message, at);
    else if (e instanceof SectionLimitError) {
      this.error('HL0904', `${e.message} (limit maxSectionBytes)`, at);
      throw new StopAssembly();
    } else if (e instanceof RangeError && /Maximum call stack|Invalid array length|allocation failed/i.test(e.message)) {
      this.error('HL0904', `assembly too large or too deep: ${e.message}`, at);
      throw new StopAssembly();
    } else this.error('HL0999', `internal error: ${e instanceof Error ? e.message : String(e)}`, at);
  }

  // -------------------------------------------------------------------------------------------
  // Pass 1

  private get active(): boolean {
    const top = this.conditionals[this.conditionals.length - 1];
    return top === undefined || top.active;
  }

  private nextStatement(): SourceStatement | undefined {
    while (this.sources.length > 0 && !this.ended) {
      const top = this.sources[this.sources.length - 1]!;
      const stmt = top.next();
      if (stmt !== undefined) return stmt;
      this.popSource();
    }
    return undefined;
  }

  private popSource(): void {
    const top = this.sources.pop();
    if (top?.kind === 'macro') this.macroDepth--;
    if (top?.kind === 'file' && this.sources.length > 0) this.includeStack.pop();
  }

  private pass1(): void {
    for (let stmt = this.nextStatement(); stmt !== undefined; stmt = this.nextStatement()) {
      if (++this.executed > this.limits.maxStatements) {
        this.error('HL0904', `more than ${this.limits.maxStatements} statements executed (runaway .rept or macro recursion?)`, stmt.origin);
        throw new StopAssembly();
      }
      try {
        this.execute(stmt);
      } catch (e) {
        this.failed(e, stmt.origin);
      }
    }
    if (this.collector !== undefined) {
      const c = this.collector;
      this.collector = undefined;
      if (c.kind === 'macro') this.error('HL0201', `.macro without .endm`, c.start.origin);
      else this.error('HL0205', `${parseStatement(c.start.text).word} without .endr`, c.start.origin);
    }
    for (const c of this.conditionals) this.error('HL0203', `.if without .endif`, c.origin);
    this.conditionals.length = 0;
  }

  private execute(stmt: SourceStatement): void {
    this.seq++;
    const parts = parseStatement(stmt.text);
    const word = parts.word.toLowerCase();
    if (this.collector !== undefined) return this.collect(stmt, word);
    if (CONDITIONALS.has(word)) {
      if (this.active) this.defineLabels(parts, stmt);
      return this.conditional(word, parts.operands, stmt);
    }
    if (!this.active) return;
    this.defineLabels(parts, stmt);
    if (parts.assignment) return this.assign(parts.assignment.symbol, parts.assignment.expression, stmt, 'set');
    if (parts.alias) return this.defineAlias(parts.alias.name, parts.alias.register, stmt.origin);
    if (word === '') return;
    if (word.startsWith('.')) {
      const handler = DIRECTIVES.get(word);
      if (handler) return handler.call(this, parts.operands, stmt, word);
      if (word.startsWith('.cfi_') || IGNORED_DIRECTIVES.has(word)) return;
      const macro = this.macros.get(word);
      if (macro) return this.invokeMacro(macro, parts.operands, stmt);
      return this.error('HL0401', `unknown directive '${parts.word}'`, stmt.origin);
    }
    const macro = this.macros.get(word);
    if (macro) return this.invokeMacro(macro, parts.operands, stmt);
    this.instruction(parts, stmt);
  }

  private defineLabels(parts: StatementParts, stmt: SourceStatement): void {
    for (const label of parts.labels) {
      const origin = { location: { ...stmt.origin.location, col: stmt.origin.location.col + label.col }, stack: stmt.origin.stack };
      this.guard(origin, () => this.defineLabel(label.name, origin));
    }
  }

  private defineLabel(name: string, origin: Origin): void {
    const section = this.current;
    if (/^[0-9]+$/.test(name)) {
      const key = String(Number(name));
      const defs = this.localLabels.get(key) ?? [];
      defs.push({ seq: this.seq, section: section.name, offset: section.size });
      this.localLabels.set(key, defs);
      return;
    }
    if (/^[0-9]/.test(name)) return this.error('HL0304', `bad label '${name}': a label starting with a digit must be all digits`, origin);
    const rec = this.record(name);
    // GNU as accepts a label defined again at the same place.
    if (rec.label !== undefined && rec.label.section === section.name && rec.label.offset === section.size) return;
    if (rec.label !== undefined || rec.equiv) return this.error('HL0302', `symbol '${name}' is already defined`, origin);
    rec.label = { section: section.name, offset: section.size };
  }

  private record(name: string): SymbolRecord {
    let rec = this.symbols.get(name);
    if (rec === undefined) {
      rec = { name, assignments: [], equiv: false, global: false, weak: false };
      this.symbols.set(name, rec);
    }
    return rec;
  }

  // --- collecting macro and repeat bodies

  private collect(stmt: SourceStatement, word: string): void {
    const c = this.collector!;
    if (c.kind === 'macro') {
      if (word === '.macro') c.depth++;
      else if (word === '.endm') c.depth--;
    } else if (word === '.rept' || word === '.irp' || word === '.irpc') c.depth++;
    else if (word === '.endr') c.depth--;
    if (c.depth > 0) {
      c.body.push(stmt);
      return;
    }
    this.collector = undefined;
    c.finish(c.body);
  }

  // --- conditionals

  private conditional(word: string, operands: string, stmt: SourceStatement): void {
    const top = this.conditionals[this.conditionals.length - 1];
    if (word === '.endif') {
      if (top === undefined) return this.error('HL0204', `.endif without .if`, stmt.origin);
      this.conditionals.pop();
      return;
    }
    if (word === '.else' || word === '.elseif') {
      if (top === undefined) return this.error('HL0204', `${word} without .if`, stmt.origin);
      if (top.sawElse) return this.error('HL0204', `${word} after .else`, stmt.origin);
      if (word === '.else') {
        top.active = top.parentActive && !top.taken;
        top.taken = true;
        top.sawElse = true;
        return;
      }
      top.active = false;
      if (top.parentActive && !top.taken) {
        top.active = this.absolute(operands, stmt, '.elseif') !== 0n;
        top.taken = top.active;
      }
      return;
    }
    const parentActive = this.active;
    const entry: Conditional = { parentActive, active: false, taken: true, sawElse: false, origin: stmt.origin };
    this.conditionals.push(entry);
    if (!parentActive) return;
    const holds = this.holds(word, operands, stmt);
    entry.active = holds;
    entry.taken = holds;
  }

  /** Whether the condition of `.if`, `.ifdef`, `.ifc`, ... holds. */
  private holds(word: string, operands: string, stmt: SourceStatement): boolean {
    switch (word) {
      case '.ifdef':
      case '.ifndef':
      case '.ifnotdef': {
        const name = operands.trim();
        if (!isSymbolName(name)) throw new AsmError(diagnostic('HL0402', `${word} needs a symbol name, found '${name}'`, stmt.origin));
        const rec = this.symbols.get(name);
        const defined = rec !== undefined && (rec.label !== undefined || rec.assignments.length > 0);
        return word === '.ifdef' ? defined : !defined;
      }
      case '.ifc':
      case '.ifeqs':
      case '.ifnc':
      case '.ifnes': {
        const [a, b] = comparedStrings(operands);
        return (a === b) === (word === '.ifc' || word === '.ifeqs');
      }
      case '.ifb':
      case '.ifnb':
        return (scrub(operands) === '') === (word === '.ifb');
      default:
        return VALUE_TESTS[word]!(this.absolute(operands, stmt, word));
    }
  }

  // --- expressions

  /** An environment for evaluating at statement `seq`, at `offset` in `section`, with every
   *  statement up to `horizon` executed (pass 1: the current one; pass 2: all). */
  private env(seq: number, section: SectionBuilder, offset: number, horizon: number, origin: Origin): StatementEnv {
    return new StatementEnv(this, seq, section, offset, horizon, origin);
  }

  /** Assignments being evaluated: one met again is defined in terms of itself. */
  private readonly evaluating = new Set<Assignment>();

  /** @internal The value of `name` as a statement at `seq` sees it (see StatementEnv). */
  lookup(name: string, seq: number, horizon: number): Value | undefined {
    const pool = this.poolLabels.get(name);
    if (pool !== undefined && pool.offset !== undefined) {
      return { kind: 'rel', symbol: pool.section, section: pool.section, base: 0n, addend: BigInt(pool.offset), global: false };
    }
    const rec = this.symbols.get(name);
    if (rec?.label !== undefined) {
      const { section, offset } = rec.label;
      if (rec.global || rec.weak) return { kind: 'rel', symbol: name, section, base: BigInt(offset), addend: 0n, global: true };
      return { kind: 'rel', symbol: section, section, base: 0n, addend: BigInt(offset), global: false };
    }
    const def = rec === undefined ? undefined : this.assignmentAt(rec, seq, horizon);
    if (def === undefined) return this.sectionSymbol(name);
    if (def.value !== undefined) return def.value;
    if (this.evaluating.has(def)) throw new ExprError('HL0304', `symbol '${name}' is defined in terms of itself`);
    this.evaluating.add(def);
    try {
      return evaluateNode(this.expressions.parse(def.expression), this.env(def.seq, def.section, def.offset, horizon, def.origin));
    } finally {
      this.evaluating.delete(def);
    }
  }

  /**
   * The assignment a use at `seq` sees: the last one made before that statement (`.set x, x + 1`
   * reads the previous x); for a use before every assignment, the first one, once it has been made
   * (by `horizon`). GNU as gives a symbol that was already used a fresh identity when `.set`
   * redefines it, so earlier uses keep the first value.
   */
  private assignmentAt(rec: SymbolRecord, seq: number, horizon: number): Assignment | undefined {
    const defs = rec.assignments;
    for (let i = defs.length - 1; i >= 0; i--) if (defs[i]!.seq < seq) return defs[i];
    const first = defs[0];
    return first !== undefined && first.seq <= horizon ? first : undefined;
  }

  /** A section's name not otherwise defined is its section symbol: its start (`add x0, x0, .text`). */
  private sectionSymbol(name: string): Value | undefined {
    if (!this.sections.has(name)) return undefined;
    return { kind: 'rel', symbol: name, section: name, base: 0n, addend: 0n, global: false };
  }

  /** @internal `1b` / `1f` as a statement at `seq` sees it. */
  localLabel(n: string, dir: 'b' | 'f', seq: number): Value | undefined {
    const defs = this.localLabels.get(n);
    if (defs === undefined) return undefined;
    const def = defs[this.localIndex(defs, seq, dir)];
    if (def === undefined) return undefined;
    return { kind: 'rel', symbol: def.section, section: def.section, base: 0n, addend: BigInt(def.offset), global: false };
  }

  /** Index of the definition `1b`/`1f` at `seq` names (-1 or past the end when there is none). */
  private localIndex(defs: readonly LocalDefinition[], seq: number, dir: 'b' | 'f'): number {
    // Definitions are in statement order: binary search for the first one after `seq`.
    let lo = 0;
    let hi = defs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (defs[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return dir === 'b' ? lo - 1 : lo;
  }

  /** @internal */
  warnAt(code: DiagnosticCode, message: string, origin: Origin): void {
    this.warn(code, message, origin);
  }

  /** @internal The form GNU as gives `name` at statement `seq` (for literal pool sharing). */
  symbolShape(name: string, seq: number): Shape {
    const rec = this.symbols.get(name);
    if (rec?.label !== undefined) return { k: 'sym', id: `${name}#0`, addend: 0n, place: { section: rec.label.section, offset: BigInt(rec.label.offset) } };
    const defs = rec?.assignments ?? [];
    let index = -1;
    for (let i = defs.length - 1; i >= 0 && index < 0; i--) if (defs[i]!.seq < seq) index = i;
    const value = index >= 0 ? defs[index]!.value : undefined;
    if (value?.kind === 'abs') return { k: 'const', value: value.value, unsigned: true };
    const place = value?.kind === 'rel' && value.section !== undefined ? { section: value.section, offset: value.base + value.addend } : undefined;
    return { k: 'sym', id: `${name}#${Math.max(0, index)}`, addend: 0n, ...(place ? { place } : {}) };
  }

  /** @internal `1b`/`1f` name one definition (instance) of the label, defined yet or not. */
  localShape(n: string, dir: 'b' | 'f', seq: number): Shape {
    const defs = this.localLabels.get(n) ?? [];
    const index = this.localIndex(defs, seq, dir);
    const def = defs[index];
    const place = def === undefined ? undefined : { section: def.section, offset: BigInt(def.offset) };
    return { k: 'sym', id: `${n}$${index}`, addend: 0n, ...(place ? { place } : {}) };
  }

  private dotCount = 0;

  /** @internal */
  dotShape(section: SectionBuilder, offset: number): Shape {
    return { k: 'sym', id: `.$${this.dotCount++}`, addend: 0n, place: { section: section.name, offset: BigInt(offset) } };
  }

  /** Evaluates now (pass 1). */
  private evaluateNow(text: string, stmt: SourceStatement): Value {
    return evaluateNode(this.expressions.parse(text), this.env(this.seq, this.current, this.current.size, this.seq, stmt.origin));
  }

  /** An absolute value needed now: `.if`, `.rept`, `.skip`, `.align`, ... */
  private absolute(text: string, stmt: SourceStatement, what: string): bigint {
    const v = this.evaluateNow(text, stmt);
    if (v.kind === 'abs') return v.value;
    if (v.kind === 'rel' && v.section === undefined) {
      throw new ExprError('HL0301', `undefined symbol '${v.symbol}' in ${what} (it must be defined before this point)`);
    }
    throw new ExprError('HL0305', `${what} needs an absolute expression, '${text}' is ${describe(v)}`);
  }

  private smallAbsolute(text: string, stmt: SourceStatement, what: string, min: number, max: number): number {
    const v = this.absolute(text, stmt, what);
    if (v < BigInt(min) || v > BigInt(max)) throw new ExprError('HL0305', `${what} value ${v} is outside ${min}..${max}`);
    return Number(v);
  }

  // --- symbols

  private assign(name: string, expression: string, stmt: SourceStatement, how: 'set' | 'equiv'): void {
    if (!isSymbolName(name)) return this.error('HL0402', `bad symbol name '${name}'`, stmt.origin);
    if (expression.trim() === '') return this.error('HL0304', `missing expression for symbol '${name}'`, stmt.origin);
    const rec = this.record(name);
    if (rec.label !== undefined || rec.equiv || (how === 'equiv' && rec.assignments.length > 0)) {
      return this.error('HL0302', `symbol '${name}' is already defined`, stmt.origin);
    }
    let value: Value | undefined;
    try {
      const v = this.evaluateNow(expression, stmt);
      if (!(v.kind === 'rel' && v.section === undefined)) value = v;
    } catch (e) {
      // Not known yet (a symbol defined further down, a `1f`): evaluated when used, and at the end.
      if (!(e instanceof ExprError) || (e.code !== 'HL0301' && e.code !== 'HL0303' && e.code !== 'HL0305')) throw e;
    }
    rec.assignments.push({ seq: this.seq, value, expression, origin: stmt.origin, section: this.current, offset: this.current.size });
    if (how === 'equiv') rec.equiv = true;
  }

  private defineAlias(name: string, register: string, origin: Origin): void {
    const target = register.toLowerCase();
    const resolved = REGISTER_NAME.test(target) ? target : this.aliases.get(target);
    if (resolved === undefined) return this.error('HL0307', `'${register}' is not a register (in '${name} .req ${register}')`, origin);
    const key = name.toLowerCase();
    const existing = this.aliases.get(key);
    if (REGISTER_NAME.test(key) || (existing !== undefined && existing !== resolved)) {
      return this.warn('HL0307', `ignoring redefinition of register alias '${name}'`, origin);
    }
    const next = new Map(this.aliases);
    next.set(key, resolved);
    this.aliases = next;
  }

  // --- macros

  private invokeMacro(macro: MacroDefinition, operands: string, stmt: SourceStatement): void {
    if (this.macroDepth >= this.limits.maxMacroDepth) {
      return this.error('HL0210', `macro '${macro.name}' nested deeper than ${this.limits.maxMacroDepth} (recursion without an end?)`, stmt.origin);
    }
    const bindings = (macro.bindings ??= new Map());
    let values = bindings.get(operands);
    if (values === undefined) {
      values = bindArguments(macro, operands);
      bindings.set(operands, values);
    }
    const counter = this.macroCounter++;
    const stack = [{ macro: macro.name, at: stmt.origin.location }, ...stmt.origin.stack];
    const templates = (macro.templates ??= compileBody(macro));
    const expanded: SourceStatement[] = [];
    for (let i = 0; i < templates.length; i++) {
      relexInto(expanded, expandTemplate(templates[i]!, values, counter), { location: macro.body[i]!.origin.location, stack });
    }
    this.sources.push(new ListSource('macro', expanded, this.conditionals.length, macro.name));
    this.macroDepth++;
  }

  private exitMacro(stmt: SourceStatement): void {
    const index = this.sources.map((s) => s.kind).lastIndexOf('macro');
    if (index < 0) return this.error('HL0202', `.exitm outside a macro`, stmt.origin);
    const macro = this.sources[index]!;
    while (this.sources.length > index) this.popSource();
    this.conditionals.length = Math.min(this.conditionals.length, macro.condDepth);
  }

  /** Pushes `count` iterations of `body`; `bind(i)` gives iteration i's substitutions (for `.irp`). */
  private repeat(kind: string, body: SourceStatement[], count: number, stmt: SourceStatement, bind?: (i: number) => Map<string, string>): void {
    const frames = (i: number): Origin['stack'] => [{ macro: `${kind} (iteration ${i + 1} of ${count})`, at: stmt.origin.location }, ...stmt.origin.stack];
    let i = 0;
    let queue: SourceStatement[] = [];
    let q = 0;
    const names = new Set(bind?.(0).keys());
    const templates = body.map((line) => compileTemplate(line.text, names, false));
    const source: Source = {
      kind: 'repeat',
      condDepth: this.conditionals.length,
      next: () => {
        while (q >= queue.length) {
          if (i >= count || body.length === 0) return undefined;
          const stack = frames(i);
          const values = bind?.(i) ?? NO_VALUES;
          queue = [];
          for (let k = 0; k < body.length; k++) relexInto(queue, expandTemplate(templates[k]!, values, 0), { location: body[k]!.origin.location, stack });
          q = 0;
          i++;
        }
        return queue[q++];
      },
    };
    this.sources.push(source);
  }

  // --- instructions

  private instruction(parts: StatementParts, stmt: SourceStatement): void {
    const section = this.current;
    section.alignForInstruction();
    const offset = section.reserve(4);
    let operands = parts.operands;
    const literal = operands.includes('=') ? LITERAL_LOAD.exec(operands) : null;
    if (literal && parts.word.toLowerCase() === 'ldr') {
      const entry = this.literal(literal[1]!, literal[2]!.trim(), stmt, section);
      operands = `${literal[1]}, ${entry.label}`;
    }
    this.items.push({
      kind: 'insn',
      section,
      offset,
      mnemonic: parts.word,
      operands,
      text: parts.operands === '' ? parts.word : `${parts.word} ${parts.operands}`,
      origin: stmt.origin,
      seq: this.seq,
      aliases: this.aliases,
    });
  }

  /** `ldr Rt, =expr`: the pool entry (shared with an equal earlier one) that will hold the value. */
  private literal(register: string, expression: string, stmt: SourceStatement, section: SectionBuilder): LiteralEntry {
    const reg = (this.aliases.get(register.toLowerCase()) ?? register).toLowerCase();
    const size = /^[ws]\d/.test(reg) ? 4 : /^[xd]\d/.test(reg) || reg === 'lr' || reg === 'fp' || reg === 'xzr' ? 8 : undefined;
    if (size === undefined) throw new AsmError(diagnostic('HL0502', `ldr =literal needs a W, X, S or D register, found '${register}'`, stmt.origin));
    if (expression === '') throw new ExprError('HL0304', 'missing expression after =');
    const key = literalKey(expression, shapeOf(this.expressions.parse(expression), this.env(this.seq, section, section.size - 4, this.seq, stmt.origin)));
    const pool = section.pools[size];
    const found = pool.find((p) => p.key === key);
    if (found) return found;
    const entry: LiteralEntry = { size, key, expression, seq: this.seq, dot: section.size - 4, origin: stmt.origin, label: `.Lhyplab$pool$${this.poolCount++}` };
    pool.push(entry);
    this.poolLabels.set(entry.label, Object.assign(entry, { section: section.name }));
    return entry;
  }

  /** `.ltorg`: the 4-byte pool, then the 8-byte pool aligned to 8. */
  private dumpPools(section: SectionBuilder): void {
    for (const size of [4, 8] as const) {
      const pool = section.pools[size];
      if (pool.length === 0) continue;
      section.align(size, 0);
      for (const entry of pool) {
        entry.offset = section.reserve(size);
        this.items.push({ kind: 'data', section, offset: entry.offset, size, expression: entry.expression, origin: entry.origin, seq: entry.seq, inst: false, dot: entry.dot });
      }
      section.pools[size] = [];
    }
  }

  // --- sections

  private section(name: string, flags?: string): SectionBuilder {
    let s = this.sections.get(name);
    if (s === undefined) {
      const code = flags !== undefined ? flags.includes('x') : name === '.text' || name.startsWith('.text.');
      const noBits = name === '.bss' || name.startsWith('.bss.');
      s = new SectionBuilder(name, code, noBits, this.limits.maxSectionBytes);
      this.sections.set(name, s);
    }
    return s;
  }

  private switchTo(s: SectionBuilder): void {
    if (s !== this.current) {
      this.previous = this.current;
      this.current = s;
    }
  }

  /** `name[, "flags"[, %type[, ...]]]` of `.section` and `.pushsection`. */
  private sectionOperands(operands: string, stmt: SourceStatement, word: string): SectionBuilder {
    const args = splitTopLevel(operands);
    const rawName = args[0] ?? '';
    const name = rawName.startsWith('"') ? unquote(rawName) : rawName;
    if (!SECTION_NAME.test(name)) throw new AsmError(diagnostic('HL0402', `${word} needs a section name, found '${operands}'`, stmt.origin));
    const flagsArg = args[1];
    let flags: string | undefined;
    if (flagsArg !== undefined) {
      if (!/^"[a-zA-Z?]*"$/.test(flagsArg)) throw new AsmError(diagnostic('HL0402', `bad section flags '${flagsArg}' (expected a string such as "ax")`, stmt.origin));
      flags = unquote(flagsArg);
    }
    return this.section(name, flags);
  }

  // --- data

  private data(operands: string, stmt: SourceStatement, word: string): void {
    const size = DATA_SIZES[word]!;
    for (const expression of splitTopLevel(operands)) {
      if (expression === '') throw new ExprError('HL0304', `missing value in '${word} ${operands}'`);
      const offset = this.current.reserve(size);
      this.items.push({ kind: 'data', section: this.current, offset, size, expression, origin: stmt.origin, seq: this.seq, inst: false });
    }
  }

  private strings(operands: string, stmt: SourceStatement, word: string): void {
    const terminate = word !== '.ascii';
    for (const arg of splitTopLevel(operands)) {
      if (!arg.startsWith('"')) throw new AsmError(diagnostic('HL0402', `${word} expects a string, found '${arg}'`, stmt.origin));
      const end = skipString(arg, 0);
      if (arg[end - 1] !== '"' || end === 1) throw new AsmError(diagnostic('HL0406', `unterminated string ${arg}`, stmt.origin));
      if (arg.slice(end).trim() !== '') throw new AsmError(diagnostic('HL0402', `junk '${arg.slice(end).trim()}' after string`, stmt.origin));
      const bytes = decodeStringBody(arg.slice(1, end - 1));
      if (terminate) bytes.push(0);
      this.current.emit(bytes);
    }
  }

  private alignDirective(operands: string, stmt: SourceStatement, word: string): void {
    const args = splitTopLevel(operands);
    if (args.length === 0 || args[0] === '' || args.length > 3) throw new AsmError(diagnostic('HL0405', `${word} needs an alignment`, stmt.origin));
    const n = this.absolute(args[0]!, stmt, word);
    let boundary: number;
    if (word === '.balign') {
      if (n < 0n || n > 1n << 30n || (n & (n - 1n)) !== 0n) throw new AsmError(diagnostic('HL0405', `alignment ${n} is not a power of 2`, stmt.origin));
      boundary = Math.max(1, Number(n));
    } else {
      if (n < 0n || n > 30n) throw new AsmError(diagnostic('HL0405', `alignment 2^${n} is out of range (0..30)`, stmt.origin));
      boundary = 2 ** Number(n);
    }
    const fill = args[1] !== undefined && args[1] !== '' ? this.smallAbsolute(args[1], stmt, `${word} fill`, -128, 255) : undefined;
    const maxSkip = args[2] !== undefined && args[2] !== '' ? this.smallAbsolute(args[2], stmt, `${word} maximum`, 0, 1 << 30) : undefined;
    this.current.align(boundary, fill, maxSkip);
  }

  private skip(operands: string, stmt: SourceStatement, word: string): void {
    const args = splitTopLevel(operands);
    if (args.length === 0 || args.length > 2 || args[0] === '') throw new AsmError(diagnostic('HL0402', `${word} needs a size`, stmt.origin));
    const count = this.smallAbsolute(args[0]!, stmt, `${word} size`, 0, this.limits.maxSectionBytes);
    const fill = word !== '.zero' && args[1] !== undefined ? this.smallAbsolute(args[1], stmt, `${word} fill`, -128, 255) : 0;
    if (word === '.zero' && args.length > 1) throw new AsmError(diagnostic('HL0402', `.zero takes one operand`, stmt.origin));
    this.current.fill(count, fill);
  }

  private fillDirective(operands: string, stmt: SourceStatement): void {
    const args = splitTopLevel(operands);
    if (args.length === 0 || args.length > 3 || args[0] === '') throw new AsmError(diagnostic('HL0402', `.fill needs a repeat count`, stmt.origin));
    const repeat = this.smallAbsolute(args[0]!, stmt, '.fill repeat', 0, this.limits.maxSectionBytes);
    const size = args[1] !== undefined && args[1] !== '' ? Math.min(8, this.smallAbsolute(args[1], stmt, '.fill size', 0, 1 << 20)) : 1;
    const value = args[2] !== undefined && args[2] !== '' ? this.absolute(args[2], stmt, '.fill value') : 0n;
    if (repeat * size > this.limits.maxSectionBytes) throw new SectionLimitError(this.current.name, this.limits.maxSectionBytes);
    // The value is a 4-byte number: bytes beyond the fourth are zero.
    const pattern = BigInt.asUintN(32, value);
    for (let i = 0; i < repeat; i++) this.current.writeValue(this.current.reserve(size), size, pattern);
  }

  // -------------------------------------------------------------------------------------------
  // Pass 2

  private pass2(): void {
    const instructions: Instruction[] = [];
    for (const item of this.items) {
      try {
        if (item.kind === 'insn') this.encodeInstruction(item, instructions);
        else if (item.kind === 'data') this.emitData(item, instructions);
        else this.sizeSymbol(item);
      } catch (e) {
        this.failed(e, item.origin);
      }
    }
    this.instructionList = instructions;
  }

  private instructionList: Instruction[] = [];

  /** An assignment left for later (`.equ D, LATER * 2`) must have a value at the end, as in GNU as,
   *  whether or not anything used it. */
  private resolveDeferredAssignments(): void {
    for (const rec of this.symbols.values()) {
      for (const def of rec.assignments) {
        if (def.value !== undefined) continue;
        this.guard(def.origin, () => {
          evaluateNode(this.expressions.parse(def.expression), this.env(def.seq, def.section, def.offset, Infinity, def.origin));
        });
      }
    }
  }

  private encodeInstruction(item: Extract<PendingItem, { kind: 'insn' }>, out: Instruction[]): void {
    const env = this.env(item.seq, item.section, item.offset, Infinity, item.origin);
    out.push({ section: item.section.name, offset: item.offset, encoding: 0, text: item.text, origin: item.origin });
    const ctx = new InstructionContext(this.expressions, env, item.aliases);
    let encoded: EncodedInstruction;
    try {
      encoded = this.encode(item.mnemonic, item.operands, ctx);
    } catch (e) {
      const d = e instanceof AsmError ? e.diagnostics[0] : undefined;
      // "must be absolute" because a symbol is undefined: say that (GNU as: "undefined symbol ... used
      // as an immediate value").
      if (d?.code !== 'HL0305' || ctx.undefinedSymbols === undefined) throw e;
      const names = [...ctx.undefinedSymbols].map((n) => `'${n}'`).join(', ');
      throw new AsmError(diagnostic('HL0301', `undefined symbol ${names} used where a number is needed (${d.message})`, d.origin));
    }
    const word = encoded.word >>> 0;
    out[out.length - 1]!.encoding = word;
    item.section.writeSmall(item.offset, 4, word);
    if (encoded.relocation) {
      const r = encoded.relocation;
      this.relocations.push({ section: item.section.name, offset: item.offset, type: r.type, symbol: r.symbol, addend: r.addend });
    }
  }

  private readonly relocations: Relocation[] = [];

  private emitData(item: Extract<PendingItem, { kind: 'data' }>, out: Instruction[]): void {
    const v = evaluateNode(this.expressions.parse(item.expression), this.env(item.seq, item.section, item.dot ?? item.offset, Infinity, item.origin));
    const { section, offset, size } = item;
    if (item.inst) out.push({ section: section.name, offset, encoding: 0, text: `.inst ${item.expression}`, origin: item.origin });
    if (v.kind === 'abs') {
      const high = v.value >> BigInt(size * 8);
      if (size < 8 && high !== 0n && high !== -1n) {
        const truncated = BigInt.asUintN(size * 8, v.value);
        this.warn('HL0403', `value 0x${BigInt.asUintN(64, v.value).toString(16)} truncated to 0x${truncated.toString(16)}`, item.origin);
      }
      if (section.noBits && v.value !== 0n) throw new AsmError(diagnostic('HL0402', `attempt to store non-zero value in section '${section.name}'`, item.origin));
      section.writeValue(offset, size, v.value);
      if (item.inst) out[out.length - 1]!.encoding = Number(BigInt.asUintN(32, v.value));
      return;
    }
    if (item.inst) throw new ExprError('HL0305', `.inst needs an absolute value, '${item.expression}' is ${describe(v)}`);
    if (v.kind === 'rel') {
      const type = RELOCATION_BY_SIZE[size];
      if (type === undefined) throw new AsmError(diagnostic('HL0403', `cannot represent a ${size * 8}-bit relocation to ${describe(v)}`, item.origin));
      const local = v.section !== undefined && !v.global;
      this.relocations.push({ section: section.name, offset, type, symbol: v.symbol, addend: local ? v.base + v.addend : v.addend });
      return;
    }
    if (size !== 4) throw new AsmError(diagnostic('HL0403', `a PC-relative value needs 4 bytes (.word), not ${size}`, item.origin));
    if (v.placeSection !== section.name) throw new AsmError(diagnostic('HL0515', `'${item.expression}' subtracts a place in another section`, item.origin));
    const t = v.target;
    const local = t.section !== undefined && !t.global;
    const addend = (local ? t.base + t.addend : t.addend) + BigInt(offset) - v.place;
    this.relocations.push({ section: section.name, offset, type: 'PREL32', symbol: t.symbol, addend });
  }

  private sizeSymbol(item: Extract<PendingItem, { kind: 'size' }>): void {
    if (item.seq !== item.symbol.sizeSeq) return;
    const v = evaluateNode(this.expressions.parse(item.expression), this.env(item.seq, item.section, item.offset, Infinity, item.origin));
    if (v.kind !== 'abs') throw new ExprError('HL0305', `.size of '${item.symbol.name}' must be absolute, '${item.expression}' is ${describe(v)}`);
    item.symbol.size = v.value;
  }

  // -------------------------------------------------------------------------------------------
  // The result

  private program(): Program {
    const sections = new Map<string, Section>();
    for (const s of this.sections.values()) sections.set(s.name, { name: s.name, bytes: s.contents(), alignment: s.alignment });
    const symbols = new Map<string, ProgramSymbol>();
    for (const rec of this.symbols.values()) {
      if (rec.name.startsWith('.L')) continue;
      const global = rec.global || rec.weak;
      let entry: ProgramSymbol | undefined;
      if (rec.label !== undefined) entry = { name: rec.name, section: rec.label.section, value: BigInt(rec.label.offset), global };
      else if (rec.assignments.length > 0) {
        const last = rec.assignments[rec.assignments.length - 1]!;
        let v: Value | undefined;
        try {
          v = last.value ?? this.lookup(rec.name, Infinity, Infinity);
        } catch {
          v = undefined;
        }
        if (v?.kind === 'abs') entry = { name: rec.name, section: undefined, value: v.value, global };
        else if (v?.kind === 'rel' && v.section !== undefined) entry = { name: rec.name, section: v.section, value: v.base + v.addend, global };
      }
      if (entry === undefined) continue;
      if (rec.type !== undefined) entry.type = rec.type;
      if (rec.size !== undefined) entry.size = rec.size;
      symbols.set(rec.name, entry);
    }
    return { sections, symbols, instructions: this.instructionList, relocations: this.relocations, warnings: this.warnings };
  }

  // -------------------------------------------------------------------------------------------
  // Directive handlers (this-bound; see DIRECTIVES)

  /** @internal */ d_section(operands: string, stmt: SourceStatement, word: string): void {
    if (word === '.section') return this.switchTo(this.sectionOperands(operands, stmt, word));
    if (operands.trim() !== '' && operands.trim() !== '0') throw new AsmError(diagnostic('HL0402', `subsections are not supported ('${word} ${operands}')`, stmt.origin));
    this.switchTo(this.section(word));
  }

  /** @internal */ d_pushsection(operands: string, stmt: SourceStatement, word: string): void {
    const target = this.sectionOperands(operands, stmt, word);
    this.sectionStack.push({ current: this.current, previous: this.previous });
    this.switchTo(target);
  }

  /** @internal */ d_popsection(_operands: string, stmt: SourceStatement): void {
    const top = this.sectionStack.pop();
    if (top === undefined) return this.warn('HL0404', `.popsection without corresponding .pushsection; ignored`, stmt.origin);
    this.current = top.current;
    this.previous = top.previous;
  }

  /** @internal */ d_previous(): void {
    [this.current, this.previous] = [this.previous, this.current];
  }

  /** @internal */ d_symbolFlag(operands: string, stmt: SourceStatement, word: string): void {
    const names = splitTopLevel(operands);
    if (names.length === 0) throw new AsmError(diagnostic('HL0402', `${word} needs a symbol name`, stmt.origin));
    for (const name of names) {
      if (!isSymbolName(name)) throw new AsmError(diagnostic('HL0402', `bad symbol name '${name}' in ${word}`, stmt.origin));
      const rec = this.record(name);
      if (word === '.weak') rec.weak = true;
      else if (word === '.local') rec.global = false;
      else rec.global = true;
    }
  }

  /** @internal */ d_type(operands: string, stmt: SourceStatement): void {
    const args = splitTopLevel(operands);
    const m = /^[%@]?(\w+)$/.exec(args[1] ?? '');
    if (args.length !== 2 || !m || !isSymbolName(args[0]!)) {
      throw new AsmError(diagnostic('HL0402', `.type needs 'name, %function' or 'name, %object', found '${operands}'`, stmt.origin));
    }
    const kind = m[1]!.toLowerCase();
    const rec = this.record(args[0]!);
    if (kind === 'function' || kind === 'stt_func') rec.type = 'function';
    else if (kind === 'object' || kind === 'stt_object') rec.type = 'object';
    else if (!['notype', 'stt_notype', 'tls_object', 'common', 'gnu_indirect_function', 'gnu_unique_object'].includes(kind)) {
      throw new AsmError(diagnostic('HL0402', `unknown symbol type '${args[1]}'`, stmt.origin));
    }
  }

  /** @internal */ d_size(operands: string, stmt: SourceStatement): void {
    const args = splitTopLevel(operands);
    if (args.length !== 2 || !isSymbolName(args[0]!) || args[1] === '') {
      throw new AsmError(diagnostic('HL0402', `.size needs 'name, expression', found '${operands}'`, stmt.origin));
    }
    const symbol = this.record(args[0]!);
    symbol.sizeSeq = this.seq;
    this.items.push({ kind: 'size', symbol, expression: args[1]!, origin: stmt.origin, seq: this.seq, section: this.current, offset: this.current.size });
  }

  /** @internal */ d_set(operands: string, stmt: SourceStatement, word: string): void {
    const comma = splitTopLevel(operands);
    if (comma.length < 2) throw new AsmError(diagnostic('HL0402', `${word} needs 'name, expression', found '${operands}'`, stmt.origin));
    const name = comma[0]!;
    const expression = operands.slice(operands.indexOf(',') + 1).trim();
    this.assign(name, expression, stmt, word === '.equiv' ? 'equiv' : 'set');
  }

  /** @internal */ d_unreq(operands: string, stmt: SourceStatement): void {
    const key = operands.trim().toLowerCase();
    if (!this.aliases.has(key)) {
      const why = REGISTER_NAME.test(key) ? 'is a register name, not an alias' : 'is not a register alias';
      throw new AsmError(diagnostic('HL0307', `.unreq: '${operands.trim()}' ${why}`, stmt.origin));
    }
    const next = new Map(this.aliases);
    next.delete(key);
    this.aliases = next;
  }

  /** @internal */ d_macro(operands: string, stmt: SourceStatement): void {
    let header: ReturnType<typeof parseMacroHeader> | undefined;
    try {
      header = parseMacroHeader(operands);
    } catch (e) {
      if (!(e instanceof MacroError)) throw e;
      this.error(e.code, e.message, stmt.origin);
    }
    this.collector = {
      kind: 'macro',
      depth: 1,
      body: [],
      start: stmt,
      finish: (body) => {
        if (header === undefined) return;
        const key = header.name.toLowerCase();
        if (this.macros.has(key)) return this.error('HL0212', `macro '${header.name}' was already defined`, stmt.origin);
        this.macros.set(key, { name: header.name, parameters: header.parameters, body });
      },
    };
  }

  /** @internal */ d_endm(_operands: string, stmt: SourceStatement, word: string): void {
    this.error(word === '.endr' ? 'HL0206' : 'HL0202', `${word} without ${word === '.endr' ? '.rept/.irp/.irpc' : '.macro'}`, stmt.origin);
  }

  /** @internal */ d_exitm(_operands: string, stmt: SourceStatement): void {
    this.exitMacro(stmt);
  }

  /** @internal */ d_purgem(operands: string, stmt: SourceStatement): void {
    const name = operands.trim();
    if (!this.macros.delete(name.toLowerCase())) this.warn('HL0213', `attempt to purge non-existing macro '${name}'`, stmt.origin);
  }

  /** @internal */ d_rept(operands: string, stmt: SourceStatement, word: string): void {
    let start: (body: SourceStatement[]) => void = () => undefined;
    try {
      start = this.repeatStarter(operands, stmt, word);
    } finally {
      // Even a bad header swallows its body up to the matching .endr, as GNU as does.
      this.collector = { kind: 'repeat', depth: 1, body: [], start: stmt, finish: (body) => this.guard(stmt.origin, () => start(body)) };
    }
  }

  private repeatStarter(operands: string, stmt: SourceStatement, word: string): (body: SourceStatement[]) => void {
    if (word === '.rept') {
      const n = this.absolute(operands.trim() === '' ? '' : operands, stmt, '.rept');
      if (n < 0n) throw new AsmError(diagnostic('HL0211', `negative count ${n} for .rept`, stmt.origin));
      if (n > BigInt(this.limits.maxRepeat)) throw new AsmError(diagnostic('HL0211', `.rept count ${n} is over the limit ${this.limits.maxRepeat}`, stmt.origin));
      return (body) => this.repeat('.rept', body, Number(n), stmt);
    }
    const text = scrub(operands);
    const m = IRP_PARAMETER.exec(text);
    if (!m) throw new AsmError(diagnostic('HL0402', `${word} needs a parameter name, found '${operands}'`, stmt.origin));
    const param = m[1]!;
    const rest = m[2]!;
    let values: string[];
    if (word === '.irpc') {
      const arg = readArgument(rest, 0).value;
      values = arg === '' ? [''] : [...arg];
    } else {
      values = [];
      let i = 0;
      while (i < rest.length) {
        const arg = readArgument(rest, i);
        values.push(arg.value);
        i = arg.end;
        while (rest[i] === ' ') i++;
        if (rest[i] === ',') i++;
        while (rest[i] === ' ') i++;
      }
      if (values.length === 0) values.push('');
    }
    if (values.length > this.limits.maxRepeat) throw new AsmError(diagnostic('HL0211', `${word} has more than ${this.limits.maxRepeat} values`, stmt.origin));
    return (body) => this.repeat(word, body, values.length, stmt, (i) => new Map([[param, values[i]!]]));
  }

  /** @internal */ d_data(operands: string, stmt: SourceStatement, word: string): void {
    this.data(operands, stmt, word);
  }

  /** @internal */ d_inst(operands: string, stmt: SourceStatement): void {
    const values = splitTopLevel(operands);
    if (values.length === 0) throw new AsmError(diagnostic('HL0402', `.inst needs a value`, stmt.origin));
    for (const expression of values) {
      this.current.alignForInstruction();
      const offset = this.current.reserve(4);
      this.items.push({ kind: 'data', section: this.current, offset, size: 4, expression, origin: stmt.origin, seq: this.seq, inst: true });
    }
  }

  /** @internal */ d_strings(operands: string, stmt: SourceStatement, word: string): void {
    this.strings(operands, stmt, word);
  }

  /** @internal */ d_align(operands: string, stmt: SourceStatement, word: string): void {
    this.alignDirective(word === '.p2align' || word === '.align' ? operands : operands, stmt, word);
  }

  /** @internal */ d_skip(operands: string, stmt: SourceStatement, word: string): void {
    this.skip(operands, stmt, word);
  }

  /** @internal */ d_fill(operands: string, stmt: SourceStatement): void {
    this.fillDirective(operands, stmt);
  }

  /** @internal */ d_ltorg(): void {
    this.dumpPools(this.current);
  }

  /** @internal */ d_error(operands: string, stmt: SourceStatement, word: string): void {
    const text = operands.trim();
    const message = word === '.err' ? '.err encountered' : text.startsWith('"') ? unquote(text) : text === '' ? `${word} directive` : text;
    if (word === '.warning') return this.warn('HL0215', message, stmt.origin);
    this.error('HL0215', message, stmt.origin);
  }

  /** @internal */ d_altmacro(_operands: string, stmt: SourceStatement): void {
    this.error('HL0401', `.altmacro is not supported by hyplab (write \\() and \\@ instead of %expr and LOCAL)`, stmt.origin);
  }

  /** @internal */ d_end(): void {
    this.ended = true;
  }

  /** @internal */ d_include(operands: string, stmt: SourceStatement): void {
    const name = operands.trim();
    if (!/^".*"$/.test(name)) throw new AsmError(diagnostic('HL0402', `.include needs a quoted file name`, stmt.origin));
    const file = unquote(name);
    if (this.include === undefined) throw new AsmError(diagnostic('HL0101', `include file '${file}' not found`, stmt.origin));
    const here = stmt.origin.location.file;
    const dir = here.includes('/') ? here.slice(0, here.lastIndexOf('/')) : '.';
    const candidates = file.startsWith('/') ? [file] : [`${dir}/${file}`, ...this.include.dirs.map((d) => `${d}/${file}`)];
    for (const path of candidates) {
      const text = this.include.read(path);
      if (text === undefined) continue;
      if (this.includeStack.includes(path)) throw new AsmError(diagnostic('HL0102', `cyclic .include of '${path}'`, stmt.origin));
      const lines = text.split(/\r?\n/).map((t, i): LogicalLine => ({ text: t, origin: { location: { file: path, line: i + 1, col: 1 }, stack: stmt.origin.stack } }));
      this.includeStack.push(path);
      this.sources.push(new FileSource(lines));
      return;
    }
    throw new AsmError(diagnostic('HL0101', `include file '${file}' not found`, stmt.origin));
  }
}

/**
 * The pool key of `ldr Rt, =expr`: GNU as shares an entry between two literals of one form, a
 * constant (and its unsigned flag) or one symbol plus one addend, and takes no other form.
 */
function literalKey(expression: string, shape: Shape): string {
  if (shape.k === 'const') return `const:${shape.value}:${shape.unsigned ? 'u' : 's'}`;
  if (shape.k === 'sym') return `sym:${shape.id}:${shape.addend}`;
  throw new ExprError('HL0305', `ldr =${expression}: a literal must be a constant or a symbol plus a constant where it is written (GNU as: constant expression expected)`);
}

// ---------------------------------------------------------------------------------------------
// Evaluation environments

/** The contract's form of a value: a local symbol as its section plus offset, a global or
 *  undefined one as itself plus the addend. */
function toExprValue(v: Value, text: string): ExprValue {
  if (v.kind === 'abs') return { kind: 'absolute', value: v.value };
  if (v.kind === 'rel') {
    if (v.section !== undefined && !v.global) return { kind: 'relative', symbol: v.symbol, section: v.section, offset: v.base + v.addend, global: false };
    return { kind: 'relative', symbol: v.symbol, section: v.section, offset: v.addend, global: true };
  }
  throw new ExprError('HL0305', `'${text}' is a difference of places in different sections, which an instruction cannot use`);
}

/** What the instruction encoder sees of one statement; it records the symbols the operands named. */
class InstructionContext implements AsmContext {
  /** Operands that named an undefined symbol (made on first use: most instructions have none). */
  undefinedSymbols: Set<string> | undefined;
  readonly section: string;
  readonly offset: number;
  readonly origin: Origin;

  constructor(
    private readonly expressions: ExpressionCache,
    private readonly env: StatementEnv,
    private readonly aliases: ReadonlyMap<string, string>,
  ) {
    this.section = env.section.name;
    this.offset = env.offset;
    this.origin = env.origin;
  }

  evaluate(text: string): ExprValue {
    let v: Value;
    try {
      v = evaluateNode(this.expressions.parse(text), this.env);
    } catch (e) {
      if (e instanceof ExprError) throw new AsmError(diagnostic(e.code, e.message, this.origin));
      throw e;
    }
    const value = toExprValue(v, text);
    if (value.kind === 'relative' && value.section === undefined) (this.undefinedSymbols ??= new Set()).add(value.symbol);
    return value;
  }

  registerAlias(name: string): string | undefined {
    return this.aliases.get(name.toLowerCase());
  }

  warn(code: DiagnosticCode, message: string): void {
    this.env.warn(code, message);
  }
}

/**
 * What an expression in the statement numbered `seq` sees: symbols as assigned before it (see
 * Assembler.lookup), `.` at `offset` in `section`. A class, not closures: one is made per statement.
 */
class StatementEnv implements ExprEnv, ShapeEnv {
  constructor(
    private readonly assembler: Assembler,
    readonly seq: number,
    readonly section: SectionBuilder,
    readonly offset: number,
    /** Statements executed so far: this one in pass 1, all of them (Infinity) in pass 2. */
    readonly horizon: number,
    readonly origin: Origin,
  ) {}

  symbol(name: string): Value | undefined {
    return this.assembler.lookup(name, this.seq, this.horizon);
  }

  localLabel(n: string, dir: 'b' | 'f'): Value | undefined {
    return this.assembler.localLabel(n, dir, this.seq);
  }

  here(): Value {
    return { kind: 'rel', symbol: this.section.name, section: this.section.name, base: 0n, addend: BigInt(this.offset), global: false };
  }

  warn(code: DiagnosticCode, message: string): void {
    this.assembler.warnAt(code, message, this.origin);
  }

  symbolShape(name: string): Shape {
    return this.assembler.symbolShape(name, this.seq);
  }

  localShape(n: string, dir: 'b' | 'f'): Shape {
    return this.assembler.localShape(n, dir, this.seq);
  }

  dotShape(): Shape {
    return this.assembler.dotShape(this.section, this.offset);
  }
}

// ---------------------------------------------------------------------------------------------
// Tables

type Handler = (this: Assembler, operands: string, stmt: SourceStatement, word: string) => void;

const DIRECTIVES = new Map<string, Handler>();
const P = Assembler.prototype;
for (const w of ['.text', '.data', '.bss', '.section']) DIRECTIVES.set(w, P.d_section);
DIRECTIVES.set('.pushsection', P.d_pushsection);
DIRECTIVES.set('.popsection', P.d_popsection);
DIRECTIVES.set('.previous', P.d_previous);
for (const w of ['.globl', '.global', '.local', '.weak']) DIRECTIVES.set(w, P.d_symbolFlag);
DIRECTIVES.set('.type', P.d_type);
DIRECTIVES.set('.size', P.d_size);
for (const w of ['.equ', '.set', '.equiv']) DIRECTIVES.set(w, P.d_set);
DIRECTIVES.set('.unreq', P.d_unreq);
DIRECTIVES.set('.macro', P.d_macro);
DIRECTIVES.set('.endm', P.d_endm);
DIRECTIVES.set('.endr', P.d_endm);
DIRECTIVES.set('.exitm', P.d_exitm);
DIRECTIVES.set('.purgem', P.d_purgem);
for (const w of ['.rept', '.irp', '.irpc']) DIRECTIVES.set(w, P.d_rept);
for (const w of Object.keys(DATA_SIZES)) DIRECTIVES.set(w, P.d_data);
DIRECTIVES.set('.inst', P.d_inst);
for (const w of ['.ascii', '.asciz', '.string']) DIRECTIVES.set(w, P.d_strings);
for (const w of ['.align', '.p2align', '.balign']) DIRECTIVES.set(w, P.d_align);
for (const w of ['.skip', '.space', '.zero']) DIRECTIVES.set(w, P.d_skip);
DIRECTIVES.set('.fill', P.d_fill);
DIRECTIVES.set('.ltorg', P.d_ltorg);
DIRECTIVES.set('.pool', P.d_ltorg);
for (const w of ['.err', '.error', '.warning']) DIRECTIVES.set(w, P.d_error);
DIRECTIVES.set('.altmacro', P.d_altmacro);
DIRECTIVES.set('.end', P.d_end);
DIRECTIVES.set('.include', P.d_include);

/** The two operands of `.ifc a, b`: each a quoted string or the text up to the comma. */
function comparedStrings(operands: string): [string, string] {
  const text = scrub(operands);
  const one = (i: number): { value: string; end: number } => {
    if (text[i] === '"') {
      const end = skipString(text, i);
      return { value: unquote(text.slice(i, end)), end };
    }
    const comma = text.indexOf(',', i);
    const end = comma < 0 ? text.length : comma;
    return { value: text.slice(i, end).trim(), end };
  };
  const a = one(0);
  let i = a.end;
  while (text[i] === ' ') i++;
  if (text[i] === ',') i++;
  while (text[i] === ' ') i++;
  const b = one(i);
  return [a.value, b.value];
}

/** `.if` and its relatives that test an absolute value. */
const VALUE_TESTS: Record<string, (v: bigint) => boolean> = {
  '.if': (v) => v !== 0n,
  '.ifne': (v) => v !== 0n,
  '.ifeq': (v) => v === 0n,
  '.ifgt': (v) => v > 0n,
  '.ifge': (v) => v >= 0n,
  '.iflt': (v) => v < 0n,
  '.ifle': (v) => v <= 0n,
};

/** Every directive that opens, continues or closes a conditional (processed even while skipping). */
const CONDITIONALS = new Set([
  ...Object.keys(VALUE_TESTS),
  '.ifdef', '.ifndef', '.ifnotdef', '.ifc', '.ifnc', '.ifeqs', '.ifnes', '.ifb', '.ifnb',
  '.else', '.elseif', '.endif',
]);
