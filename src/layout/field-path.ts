// Field paths as offsetof writes them: `arch.ctxt.gp_regs.spsr[0]`, `sys_regs[MPIDR_EL1]`,
// `sys_regs[SysReg.MPIDR_EL1]`, and in a template `regs[${x}]`. An index is a decimal or hex
// number, a constant name, or a whole `${...}` placeholder.

import { fail, type SourceLocation } from '../asm/diagnostics.ts';
import type { Expr, PathSegment } from './layout-source.ts';

/** A piece of path text (with the location of its first character) or a `${...}` placeholder. */
export type PathPiece = { kind: 'text'; text: string; at: SourceLocation } | { kind: 'placeholder'; expr: Expr; at: SourceLocation };

interface Cursor {
  piece: number;
  offset: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;
const NUMBER = /^(0[xX][0-9a-fA-F]+|[0-9]+)/;

function shifted(at: SourceLocation, by: number): SourceLocation {
  return { file: at.file, line: at.line, col: at.col + by };
}

function origin(at: SourceLocation) {
  return { location: at, stack: [] };
}

/** Parses a path into segments; the first segment is always a field name. */
export function parsePath(pieces: PathPiece[], whole: SourceLocation): PathSegment[] {
  const segments: PathSegment[] = [];
  const cur: Cursor = { piece: 0, offset: 0 };
  const here = (): SourceLocation => {
    const p = pieces[cur.piece];
    if (p === undefined) {
      const last = pieces[pieces.length - 1];
      if (last === undefined) return whole;
      return last.kind === 'text' ? shifted(last.at, last.text.length) : last.at;
    }
    return p.kind === 'text' ? shifted(p.at, cur.offset) : p.at;
  };
  const rest = (): string | undefined => {
    const p = pieces[cur.piece];
    return p?.kind === 'text' ? p.text.slice(cur.offset) : undefined;
  };
  const advance = (n: number): void => {
    cur.offset += n;
    const p = pieces[cur.piece];
    if (p?.kind === 'text' && cur.offset >= p.text.length) {
      cur.piece++;
      cur.offset = 0;
    }
  };
  const atEnd = (): boolean => cur.piece >= pieces.length;
  function bad(what: string): never {
    return fail('HL0806', `malformed field path: ${what}`, origin(here()));
  }
  // Empty text pieces (a template's empty head or tail) carry nothing.
  pieces = pieces.filter((p) => p.kind !== 'text' || p.text.length > 0);

  const fieldName = (): void => {
    const at = here();
    const m = IDENTIFIER.exec(rest() ?? '');
    if (m === null) bad(atEnd() ? 'a field name is missing at the end' : 'expected a field name');
    segments.push({ kind: 'field', name: m[0], at });
    advance(m[0].length);
  };

  if (atEnd()) fail('HL0806', 'empty field path', origin(whole));
  fieldName();
  while (!atEnd()) {
    const text = rest();
    if (text?.startsWith('.')) {
      advance(1);
      fieldName();
    } else if (text?.startsWith('[')) {
      const at = here();
      advance(1);
      segments.push({ kind: 'index', index: indexExpr(), at });
      if (!(rest() ?? '').startsWith(']')) bad("expected ']'");
      advance(1);
    } else {
      bad(text === undefined ? "a '${...}' placeholder must be a whole index, as in [${x}]" : "expected '.' or '['");
    }
  }
  return segments;

  function indexExpr(): Expr {
    const p = pieces[cur.piece];
    if (p?.kind === 'placeholder') {
      cur.piece++;
      cur.offset = 0;
      return p.expr;
    }
    const at = here();
    const text = rest() ?? '';
    const number = NUMBER.exec(text);
    if (number !== null) {
      advance(number[0].length);
      return { kind: 'number', value: BigInt(number[0]), at };
    }
    const name = IDENTIFIER.exec(text);
    if (name === null) return bad('an index must be a number, a constant name or ${...}');
    advance(name[0].length);
    // `SysReg.MPIDR_EL1`: an enum member named with its enum.
    const dotted = rest()?.startsWith('.') ? IDENTIFIER.exec((rest() ?? '').slice(1)) : null;
    if (dotted !== null) {
      advance(1 + dotted[0].length);
      return { kind: 'name', name: dotted[0], qualifier: name[0], at };
    }
    return { kind: 'name', name: name![0], at };
  }
}

/** Parses a path given as a plain string (the access API), locating errors inside it. */
export function parsePathText(text: string, at: SourceLocation): PathSegment[] {
  return parsePath([{ kind: 'text', text, at }], at);
}
