// What a layout file says, as data: the declarations the reader (read-layout.ts) found, before any
// size, offset or value is computed. Every node keeps the place it came from, for diagnostics.

import type { SourceLocation } from '../asm/diagnostics.ts';

/** A type as written: a name (scalar, struct, alias), `Array<T, N>` or `Ptr<T>`. */
export type TypeExpr =
  | { kind: 'named'; name: string; at: SourceLocation }
  | { kind: 'array'; element: TypeExpr; length: Expr; at: SourceLocation }
  | { kind: 'pointer'; target: TypeExpr | 'void'; at: SourceLocation };

export type UnaryOp = '-' | '+' | '~';
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^';

/** One step of a field path: `.name` or `[index]`. */
export type PathSegment =
  | { kind: 'field'; name: string; at: SourceLocation }
  | { kind: 'index'; index: Expr; at: SourceLocation };

/** An integer constant expression, possibly over the parameters of a function-like constant. */
export type Expr =
  | { kind: 'number'; value: bigint; at: SourceLocation }
  /** A constant or enum member; `qualifier` is the enum name in `SysReg.MPIDR_EL1`. */
  | { kind: 'name'; name: string; qualifier?: string; at: SourceLocation }
  | { kind: 'param'; index: number; name: string; at: SourceLocation }
  | { kind: 'unary'; op: UnaryOp; operand: Expr; at: SourceLocation }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; at: SourceLocation }
  | { kind: 'offsetof'; type: TypeExpr; path: PathSegment[]; at: SourceLocation }
  | { kind: 'sizeof' | 'alignof'; type: TypeExpr; at: SourceLocation };

export interface FieldDecl {
  name: string;
  type: TypeExpr;
  at: SourceLocation;
}

/** `interface name { ... }` (a struct) or `type name = T` (a typedef). */
export type TypeDecl =
  | { kind: 'struct'; name: string; fields: FieldDecl[]; at: SourceLocation }
  | { kind: 'alias'; name: string; type: TypeExpr; at: SourceLocation };

/**
 * A named value: `const NAME = expr`, `const NAME = (x) => expr` (a function-like #define), or a
 * member of an enum (C enum rules: the first is 0 unless given, each next one is the previous + 1).
 * `exported` values are the ones the assembly sees as #defines.
 */
export type ValueDecl =
  | { kind: 'constant'; name: string; expr: Expr; exported: boolean; at: SourceLocation }
  | { kind: 'function'; name: string; params: string[]; body: Expr; exported: boolean; at: SourceLocation }
  | { kind: 'enumMember'; name: string; enumName: string; expr: Expr; exported: boolean; at: SourceLocation };

export interface LayoutSource {
  file: string;
  /** Structs and aliases by name, in declaration order. */
  types: Map<string, TypeDecl>;
  /** Constants, function-like constants and enum members by name (one C namespace), in order. */
  values: Map<string, ValueDecl>;
  /** Enum name -> its member names. */
  enums: Map<string, string[]>;
}
