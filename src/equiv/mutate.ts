// Assembly-aware mutants of a variant's source (issue 5, "Mutants: measuring the checks"). Operators
// work on hyp.S's text lines, macro bodies included: a mutant inside a macro changes every expansion.
// Enumeration is deterministic (line order, then operator order, then choice), so ids are stable for
// one source: `M0042 hyp.S:123 swap-pair`. Each mutant replaces exactly one line's text (swap-saves:
// two lines), so line numbers of the mutant equal the original's.

import { systemRegisterByName } from '../a64/sysregs.ts';
import { splitOperands } from '../a64/assemble.ts';
import { invertedConditionName } from '../a64/conditions.ts';
import { SYSREG_SLOTS } from '../worldswitch/registers.ts';

/** The operators, in enumeration order, with what each does. */
export const MUTATION_OPERATORS = {
  'swap-pair': 'swap the two registers of an stp / ldp (or a push / pop macro call)',
  drop: 'drop one instruction (the line becomes empty; a label on it stays)',
  offset: 'move an immediate memory offset by -16, -8, +8 or +16',
  'el-twin': 'swap an _el1 system register for its _el2 twin (or back), where the catalog has the twin',
  'swap-saves': 'swap two adjacent saves (stp / str / push) without their restores',
  'push-pop': 'turn a push into a mismatched pop, or a pop into a push (macro calls and their stp/ldp on sp)',
  'sysreg-slot': 'change a slot index (a SysReg or KVM_SPSR_* constant) to its neighbour',
  branch: 'invert a branch condition (b.eq <-> b.ne, ..., cbz <-> cbnz, tbz <-> tbnz)',
} as const;
export type MutationOperator = keyof typeof MUTATION_OPERATORS;
export const OPERATOR_NAMES = Object.keys(MUTATION_OPERATORS) as MutationOperator[];

export interface Mutant {
  /** `M0001`, ... in enumeration order over every operator (a filter keeps the ids). */
  id: string;
  operator: MutationOperator;
  file: string;
  /** 1-based line of the (first) changed line. */
  line: number;
  /** What changed, in one line: `stp x19, x20 -> stp x20, x19`. */
  description: string;
  /** The lines replaced: line number (1-based) -> new text. */
  edits: Map<number, string>;
}

/** The slot families an index constant may move within: name -> value, for neighbours by value. */
export type SlotFamilies = Record<string, Map<string, number>>;

/** The slot families of a layout's defines (`asmConstants(layout).defines`): SysReg members and KVM_SPSR_*. */
export function slotFamilies(defines: Record<string, string>): SlotFamilies {
  const family = (names: string[]): Map<string, number> => {
    const out = new Map<string, number>();
    for (const n of names) {
      const v = Number(defines[n]);
      if (defines[n] !== undefined && Number.isSafeInteger(v)) out.set(n, v);
    }
    return out;
  };
  return {
    sysreg: family(SYSREG_SLOTS.map((s) => s.slot)),
    spsr: family(Object.keys(defines).filter((n) => /^KVM_SPSR_[A-Z0-9]+$/.test(n))),
  };
}

// ------------------------------------------------------------------------------------------------
// Reading a source line

const INVERSE_BRANCH: Readonly<Record<string, string>> = { cbz: 'cbnz', cbnz: 'cbz', tbz: 'tbnz', tbnz: 'tbz' };

/** Saves: stores of registers (the stack or a context). */
const SAVES = new Set(['stp', 'str', 'push']);

export interface SourceInstruction {
  /** Text before the mnemonic (indentation, labels `1:`). */
  prefix: string;
  mnemonic: string;
  /** The whitespace between mnemonic and operands. */
  gap: string;
  operands: string;
  /** The comment (line, block or `;`), with the whitespace before it. */
  comment: string;
}

const LABELS = /^\s*(?:(?:[A-Za-z_.$][\w.$]*|\d+):\s*)*/;

/** The instruction (or macro call) on a line, if it holds one; directives, preprocessor lines and labels alone do not. */
export function readInstruction(text: string, inBlockComment = false): SourceInstruction | undefined {
  if (inBlockComment || /^\s*(#|\/\*|\*)/.test(text)) return undefined;
  const commentAt = text.search(/\s*(\/\/|\/\*|;)/);
  const code = commentAt < 0 ? text : text.slice(0, commentAt);
  const comment = commentAt < 0 ? '' : text.slice(commentAt);
  const prefix = LABELS.exec(code)![0];
  const rest = code.slice(prefix.length);
  const m = /^([A-Za-z_][\w.]*)(\s*)(.*?)\s*$/.exec(rest);
  if (m === null) return undefined;
  const mnemonic = m[1]!;
  // Directives, and C preprocessor macros (upper case by convention: ENTRY(name)), are not instructions.
  if (mnemonic.startsWith('.') || /^[A-Z_][A-Z0-9_]*$/.test(mnemonic)) return undefined;
  return { prefix, mnemonic, gap: m[2]!, operands: m[3]!, comment };
}

function render(i: SourceInstruction, mnemonic: string, operands: string): string {
  return `${i.prefix}${mnemonic}${i.gap || (operands ? '\t' : '')}${operands}${i.comment}`;
}

/** Which lines start inside a block comment. */
function blockCommentLines(lines: readonly string[]): boolean[] {
  const out: boolean[] = [];
  let inside = false;
  for (const line of lines) {
    out.push(inside);
    let k = 0;
    for (;;) {
      if (!inside) {
        const lineComment = line.indexOf('//', k);
        const open = line.indexOf('/*', k);
        if (open < 0 || (lineComment >= 0 && lineComment < open)) break;
        inside = true;
        k = open + 2;
      } else {
        const close = line.indexOf('*/', k);
        if (close < 0) break;
        inside = false;
        k = close + 2;
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Operators: each gives the candidate edits of one line (or two, for swap-saves)

interface Candidate {
  operator: MutationOperator;
  line: number;
  description: string;
  edits: [number, string][];
}

type LineOperator = (i: SourceInstruction, line: number, context: LineContext) => Candidate[];

interface LineContext {
  families: SlotFamilies;
  /** The next instruction line after this one, if adjacent (only blank/comment lines between). */
  next?: { line: number; text: string; instruction: SourceInstruction };
}

const PAIR_MNEMONICS = new Set(['stp', 'ldp', 'push', 'pop']);

const swapPair: LineOperator = (i, line) => {
  if (!PAIR_MNEMONICS.has(i.mnemonic.toLowerCase())) return [];
  const ops = splitOperands(i.operands);
  if (ops.length < 2 || ops[0] === ops[1]) return [];
  const swapped = [ops[1]!, ops[0]!, ...ops.slice(2)].join(', ');
  return [{ operator: 'swap-pair', line, description: `${i.mnemonic} ${ops[0]}, ${ops[1]} -> ${i.mnemonic} ${ops[1]}, ${ops[0]}`, edits: [[line, render(i, i.mnemonic, swapped)]] }];
};

const drop: LineOperator = (i, line) => [{ operator: 'drop', line, description: `drop \`${i.mnemonic} ${i.operands}\``.replace(/ `$/, '`'), edits: [[line, `${i.prefix.trimEnd()}${i.comment}`]] }];

/** Memory offsets: `[base, #imm]` / `[base, #imm]!` (signed offset, pre-index) and `[base], #imm` (post-index). */
const offset: LineOperator = (i, line) => {
  const out: Candidate[] = [];
  const forms: { re: RegExp; make: (m: RegExpExecArray, delta: number) => string }[] = [
    { re: /\[(\s*[\\\w]+\s*),\s*#([^\]]+)\]/, make: (m, d) => `[${m[1]}, #(${m[2]!.trim()})${d > 0 ? '+' : ''}${d}]` },
    { re: /\](\s*),\s*#(.+)$/, make: (m, d) => `]${m[1]}, #(${m[2]!.trim()})${d > 0 ? '+' : ''}${d}` },
  ];
  if (!/^(ld|st)/i.test(i.mnemonic)) return out;
  for (const { re, make } of forms) {
    const m = re.exec(i.operands);
    if (m === null) continue;
    for (const d of [-16, -8, 8, 16]) {
      const operands = i.operands.slice(0, m.index) + make(m, d) + i.operands.slice(m.index + m[0].length);
      out.push({ operator: 'offset', line, description: `offset #${m[2]!.trim()} ${d > 0 ? '+' : ''}${d}`, edits: [[line, render(i, i.mnemonic, operands)]] });
    }
  }
  return out;
};

const elTwin: LineOperator = (i, line) => {
  const m = i.mnemonic.toLowerCase();
  if (m !== 'mrs' && m !== 'msr') return [];
  const out: Candidate[] = [];
  const ops = splitOperands(i.operands);
  const k = m === 'mrs' ? 1 : 0;
  const reg = ops[k];
  const el = reg === undefined ? null : /^(.*)_el([12])$/i.exec(reg);
  if (reg === undefined || el === null) return out;
  const twin = `${el[1]}_el${el[2] === '1' ? '2' : '1'}`;
  if (systemRegisterByName(twin) === undefined) return out;
  ops[k] = twin;
  out.push({ operator: 'el-twin', line, description: `${reg} -> ${twin}`, edits: [[line, render(i, i.mnemonic, ops.join(', '))]] });
  return out;
};

const swapSaves: LineOperator = (i, line, context) => {
  const next = context.next;
  if (next === undefined || !SAVES.has(i.mnemonic.toLowerCase()) || !SAVES.has(next.instruction.mnemonic.toLowerCase())) return [];
  const here = render(i, i.mnemonic, i.operands);
  return [{ operator: 'swap-saves', line, description: `swap with the save on line ${next.line} (\`${next.instruction.mnemonic} ${next.instruction.operands}\`)`, edits: [[line, render(next.instruction, next.instruction.mnemonic, next.instruction.operands)], [next.line, here]] }];
};

const pushPop: LineOperator = (i, line) => {
  const m = i.mnemonic.toLowerCase();
  const ops = splitOperands(i.operands);
  if ((m === 'push' || m === 'pop') && ops.length === 2) {
    const to = m === 'push' ? 'pop' : 'push';
    return [{ operator: 'push-pop', line, description: `${m} ${ops.join(', ')} -> ${to}`, edits: [[line, render(i, to, i.operands)]] }];
  }
  // The expanded forms on sp: stp a, b, [sp, #-N]! <-> ldp a, b, [sp], #N.
  if (m === 'stp' && ops.length === 3) {
    const pre = /^\[\s*sp\s*,\s*#-(\w+)\s*\]!$/i.exec(ops[2]!);
    if (pre !== null) return [{ operator: 'push-pop', line, description: `push (stp pre-index) -> pop (ldp post-index)`, edits: [[line, render(i, 'ldp', `${ops[0]}, ${ops[1]}, [sp], #${pre[1]}`)]] }];
  }
  if (m === 'ldp' && ops.length === 4 && /^\[\s*sp\s*\]$/i.test(ops[2]!)) {
    const post = /^#(\w+)$/.exec(ops[3]!);
    if (post !== null) return [{ operator: 'push-pop', line, description: `pop (ldp post-index) -> push (stp pre-index)`, edits: [[line, render(i, 'stp', `${ops[0]}, ${ops[1]}, [sp, #-${post[1]}]!`)]] }];
  }
  return [];
};

const sysregSlot: LineOperator = (i, line, context) => {
  const out: Candidate[] = [];
  for (const [family, members] of Object.entries(context.families)) {
    const sorted = [...members].sort((a, b) => a[1] - b[1]);
    for (const [k, [name]] of sorted.entries()) {
      const re = new RegExp(`\\b${name}\\b`);
      const at = re.exec(i.operands);
      if (at === null) continue;
      for (const neighbour of [sorted[k - 1], sorted[k + 1]]) {
        if (neighbour === undefined) continue;
        const operands = i.operands.slice(0, at.index) + neighbour[0] + i.operands.slice(at.index + name.length);
        out.push({ operator: 'sysreg-slot', line, description: `${family} slot ${name} -> ${neighbour[0]}`, edits: [[line, render(i, i.mnemonic, operands)]] });
      }
    }
  }
  return out;
};

const branch: LineOperator = (i, line) => {
  const m = i.mnemonic.toLowerCase();
  const cond = /^b\.(\w\w)$/.exec(m);
  const inverse = cond === null ? undefined : invertedConditionName(cond[1]!);
  const to = cond !== null ? (inverse === undefined ? undefined : `b.${inverse}`) : INVERSE_BRANCH[m];
  if (to === undefined) return [];
  return [{ operator: 'branch', line, description: `${m} -> ${to}`, edits: [[line, render(i, to, i.operands)]] }];
};

const OPERATORS: Record<MutationOperator, LineOperator> = {
  'swap-pair': swapPair,
  drop,
  offset,
  'el-twin': elTwin,
  'swap-saves': swapSaves,
  'push-pop': pushPop,
  'sysreg-slot': sysregSlot,
  branch,
};

// ------------------------------------------------------------------------------------------------

export interface EnumerateOptions {
  /** Only these operators (ids stay those of the full enumeration). */
  operators?: readonly MutationOperator[];
}

/** Every mutant of `source` (the text of `file`), in a stable order. */
export function enumerateMutants(source: string, file: string, families: SlotFamilies, options: EnumerateOptions = {}): Mutant[] {
  const lines = source.split('\n');
  const inComment = blockCommentLines(lines);
  const instructions = lines.map((text, k) => readInstruction(text, inComment[k]));
  const candidates: Candidate[] = [];
  for (const [k, i] of instructions.entries()) {
    if (i === undefined) continue;
    // The next instruction, if only blank or comment lines lie between (swap-saves: adjacent saves).
    let n = k + 1;
    while (n < lines.length && instructions[n] === undefined && /^\s*(\/\/.*)?$/.test(lines[n]!) && !inComment[n]) n++;
    const nextInstruction = instructions[n];
    const context: LineContext = { families, ...(nextInstruction !== undefined ? { next: { line: n + 1, text: lines[n]!, instruction: nextInstruction } } : {}) };
    for (const name of OPERATOR_NAMES) candidates.push(...OPERATORS[name](i, k + 1, context));
  }
  const width = Math.max(4, String(candidates.length).length);
  const wanted = options.operators === undefined ? undefined : new Set(options.operators);
  return candidates.flatMap((c, k) =>
    wanted !== undefined && !wanted.has(c.operator) ? [] : [{ id: `M${String(k + 1).padStart(width, '0')}`, operator: c.operator, file, line: c.line, description: c.description, edits: new Map(c.edits) }],
  );
}

/** The source with the mutant's edits applied. */
export function applyMutant(source: string, mutant: Mutant): string {
  const lines = source.split('\n');
  for (const [line, text] of mutant.edits) lines[line - 1] = text;
  return lines.join('\n');
}

/** `n` mutants spread evenly over the enumeration (stable: the same n gives the same mutants). */
export function spread<T>(items: readonly T[], n: number | undefined): T[] {
  if (n === undefined || n >= items.length) return [...items];
  if (n <= 0) return [];
  return Array.from({ length: n }, (_, k) => items[Math.floor((k * items.length) / n)]!);
}

/** `M0042 hyp.S:123 swap-pair` */
export function mutantLabel(m: Mutant): string {
  return `${m.id} ${m.file}:${m.line} ${m.operator}`;
}
