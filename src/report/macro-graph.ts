// Which macros a variant defines, where each one is invoked and what it expands to, and which macros
// (or code labels) call which: read from the front end's origins (every instruction carries its macro
// expansion stack) and from the source text (the `.macro` definitions, and the macros a body invokes
// even when that invocation emits nothing). `hyplab diff` and REPORT.md's Mermaid diagram use these.

import type { ExpansionFrame, Origin, SourceLocation } from '../asm/diagnostics.ts';
import type { Instruction, Program } from '../asm/program.ts';
import type { VariantCode } from './variant-code.ts';

// ------------------------------------------------------------------------------------------------
// Definitions, from the source text

export interface MacroDefinition {
  name: string;
  /** The parameter list as written after the name. */
  params: string;
  file: string;
  /** Line of `.macro` and of its `.endm` (1-based). */
  line: number;
  endLine: number;
  /** The body's lines as written (between `.macro` and `.endm`). */
  body: string[];
}

const MACRO_START = /^\s*\.macro\s+([A-Za-z_.$][\w.$]*)\s*,?\s*(.*?)\s*$/;
const MACRO_END = /^\s*\.endm\b/;

/** Every `.macro ... .endm` of `text` (nested definitions included, each with its own body). */
export function macroDefinitions(text: string, file: string): MacroDefinition[] {
  const lines = text.split('\n');
  const open: { name: string; params: string; line: number }[] = [];
  const found: MacroDefinition[] = [];
  lines.forEach((raw, i) => {
    const start = MACRO_START.exec(raw);
    if (start !== null) {
      open.push({ name: start[1]!, params: start[2]!, line: i + 1 });
      return;
    }
    if (MACRO_END.test(raw)) {
      const def = open.pop();
      if (def !== undefined) found.push({ ...def, file, endLine: i + 1, body: lines.slice(def.line, i) });
    }
  });
  return found.sort((x, y) => x.line - y.line);
}

/** A body line without comments and with single spaces: what changes the macro, not its prose. */
export function normalizedLine(line: string): string {
  return line
    .replace(/\/\*.*?\*\//g, ' ')
    .replace(/\/\/.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The body's statements, normalized, blank and comment-only lines dropped. */
export function definitionStatements(def: MacroDefinition): string[] {
  return def.body.map(normalizedLine).filter((l) => l !== '' && !l.startsWith('/*') && !l.startsWith('*'));
}

// ------------------------------------------------------------------------------------------------
// Routines: the code labels every instruction falls under

/** `.rept`/`.irp` iterations and `#include` frames are not macros: the call graph looks through them. */
export function isMacroFrame(frame: ExpansionFrame): boolean {
  return !frame.macro.startsWith('#') && !frame.macro.includes(' (iteration ');
}

/** The label an instruction falls under: the nearest symbol at or before it in its section (else the section's name). */
export function routineIndex(program: Program): (insn: Instruction) => string {
  const bySection = new Map<string, { name: string; offset: number }[]>();
  for (const s of program.symbols.values()) {
    if (s.section === undefined || s.name.startsWith('.L')) continue;
    const list = bySection.get(s.section) ?? [];
    list.push({ name: s.name, offset: Number(s.value) });
    bySection.set(s.section, list);
  }
  for (const list of bySection.values()) list.sort((x, y) => x.offset - y.offset || (x.name < y.name ? -1 : 1));
  return (insn) => {
    const list = bySection.get(insn.section) ?? [];
    let name = insn.section;
    for (const s of list) {
      if (s.offset > insn.offset) break;
      name = s.name;
    }
    return name;
  };
}

/** Instructions grouped by routine, in program order (routines in order of their first instruction). */
export function routines(program: Program): Map<string, number[]> {
  const of = routineIndex(program);
  const groups = new Map<string, number[]>();
  program.instructions.forEach((insn, i) => {
    const name = of(insn);
    const list = groups.get(name);
    if (list === undefined) groups.set(name, [i]);
    else list.push(i);
  });
  return groups;
}

// ------------------------------------------------------------------------------------------------
// Invocations and expansions, from the origins

export interface Invocation {
  macro: string;
  /** Where it is invoked. */
  at: SourceLocation;
  /** The macro whose body invokes it, or the routine (code label) for an invocation at top level. */
  caller: string;
  callerKind: 'macro' | 'routine';
  /** The instructions it expanded to (indices into program.instructions), nested expansions included. */
  instructions: number[];
}

const where = (l: SourceLocation): string => `${l.file}:${l.line}:${l.col}`;

/** Every macro invocation that emitted at least one instruction, in program order of its first instruction (callers before callees). */
export function macroInvocations(program: Program): Invocation[] {
  const routineOf = routineIndex(program);
  const byKey = new Map<string, Invocation>();
  program.instructions.forEach((insn, index) => {
    const frames = insn.origin.stack;
    // Outermost first: a caller's invocation is listed before its callees'.
    for (let depth = frames.length - 1; depth >= 0; depth--) {
      const frame = frames[depth]!;
      if (!isMacroFrame(frame)) continue;
      // One invocation = this frame and every frame outside it (the same line of a macro body invoked twice is two invocations).
      const key = frames
        .slice(depth)
        .map((f) => `${f.macro}@${where(f.at)}`)
        .join(' < ');
      let inv = byKey.get(key);
      if (inv === undefined) {
        const outer = frames.slice(depth + 1).find(isMacroFrame);
        inv = { macro: frame.macro, at: frame.at, caller: outer?.macro ?? routineOf(insn), callerKind: outer === undefined ? 'routine' : 'macro', instructions: [] };
        byKey.set(key, inv);
      }
      inv.instructions.push(index);
    }
  });
  return [...byKey.values()];
}

export interface MacroExpansion {
  name: string;
  /** From the source text; undefined for a macro no scanned file defines. */
  definition?: MacroDefinition;
  invocations: Invocation[];
  /** Every instruction any invocation expanded to, in program order (indices into program.instructions). */
  instructions: number[];
}

/** Every macro the variant defines or expands, by name, in order of definition (then of first expansion). */
export function macroExpansions(code: Pick<VariantCode, 'program' | 'sources'>): Map<string, MacroExpansion> {
  const result = new Map<string, MacroExpansion>();
  const definitions = [...code.sources].flatMap(([file, text]) => macroDefinitions(text, file));
  for (const def of definitions) if (!result.has(def.name)) result.set(def.name, { name: def.name, definition: def, invocations: [], instructions: [] });
  for (const inv of macroInvocations(code.program)) {
    let entry = result.get(inv.macro);
    if (entry === undefined) result.set(inv.macro, (entry = { name: inv.macro, invocations: [], instructions: [] }));
    entry.invocations.push(inv);
  }
  for (const entry of result.values()) entry.instructions = [...new Set(entry.invocations.flatMap((i) => i.instructions))].sort((x, y) => x - y);
  return result;
}

// ------------------------------------------------------------------------------------------------
// The call graph

export interface CallGraphNode {
  name: string;
  kind: 'macro' | 'routine';
  /** Instructions it emits (a macro: over all its invocations; a routine: all under its label). */
  instructions: number;
}

export interface CallGraphEdge {
  from: string;
  to: string;
  /** Invocations that emitted code (0 for a call only the source text shows). */
  invocations: number;
}

export interface CallGraph {
  nodes: CallGraphNode[];
  edges: CallGraphEdge[];
}

/**
 * Routines and macros, with an edge from each caller to each macro it invokes: from the origins (with
 * how often), and from the macro bodies of the source text (a call that emitted nothing, e.g. under a
 * false `.if`, counts 0). Macros that are defined but never called stay as nodes without edges.
 */
export function macroCallGraph(code: Pick<VariantCode, 'program' | 'sources'>): CallGraph {
  const expansions = macroExpansions(code);
  const nodes: CallGraphNode[] = [];
  for (const [name, list] of routines(code.program)) nodes.push({ name, kind: 'routine', instructions: list.length });
  for (const e of expansions.values()) nodes.push({ name: e.name, kind: 'macro', instructions: e.instructions.length });
  const edges = new Map<string, CallGraphEdge>();
  const edge = (from: string, to: string): CallGraphEdge => {
    const key = `${from}\u0000${to}`;
    let e = edges.get(key);
    if (e === undefined) edges.set(key, (e = { from, to, invocations: 0 }));
    return e;
  };
  for (const e of expansions.values()) for (const inv of e.invocations) edge(inv.caller, inv.macro).invocations++;
  for (const e of expansions.values()) {
    if (e.definition === undefined) continue;
    for (const line of e.definition.body) {
      const first = /^\s*(?:[\w.$]+:)?\s*([A-Za-z_.$][\w.$]*)/.exec(normalizedLine(line))?.[1];
      if (first !== undefined && first !== e.name && expansions.get(first)?.definition !== undefined) edge(e.name, first);
    }
  }
  return { nodes, edges: [...edges.values()] };
}

/** A Mermaid flowchart of the graph: routines as rounded boxes, macros as boxes labelled with their instruction counts. */
export function mermaidCallGraph(graph: CallGraph): string {
  const ids = new Map<string, string>();
  const idOf = (name: string, kind: string): string => {
    const key = `${kind}:${name}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = `${kind === 'routine' ? 'r' : 'm'}${ids.size}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`));
    return id;
  };
  const kindOf = new Map(graph.nodes.map((n) => [n.name, n.kind]));
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) {
    const label = `"${n.name.replace(/"/g, '#quot;')}<br/>${n.instructions} insn"`;
    lines.push(`  ${idOf(n.name, n.kind)}${n.kind === 'routine' ? `([${label}])` : `[${label}]`}`);
  }
  for (const e of graph.edges) {
    const from = idOf(e.from, kindOf.get(e.from) ?? 'routine');
    const to = idOf(e.to, 'macro');
    lines.push(`  ${from} -->${e.invocations === 1 ? '' : `|${e.invocations === 0 ? 'no code' : `${e.invocations}x`}|`} ${to}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `file:line` of an origin with the macros it expanded through, innermost first
 * (`hyp.S:55 < push < save_host_regs`); a macro recursing into itself n times shows as `name(xn)`.
 */
export function shortOrigin(origin: Origin): string {
  const file = origin.location.file.split('/').pop();
  const macros: { name: string; times: number }[] = [];
  for (const f of origin.stack.filter(isMacroFrame)) {
    const last = macros[macros.length - 1];
    if (last !== undefined && last.name === f.macro) last.times++;
    else macros.push({ name: f.macro, times: 1 });
  }
  return [`${file}:${origin.location.line}`, ...macros.map((m) => (m.times === 1 ? m.name : `${m.name}(x${m.times})`))].join(' < ');
}
