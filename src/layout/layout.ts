// C struct layout for AArch64 LP64 (AAPCS64), computed from a LayoutSource: each scalar aligns to
// its size, a struct aligns to its most aligned member, every member starts at the next multiple of
// its alignment, and the struct's size is rounded up to its alignment (tail padding). Arrays have
// their element's alignment. Constants are evaluated as C integer constant expressions.

import { fail, originOf, type Origin, type SourceLocation } from '../asm/diagnostics.ts';
import { parsePathText } from './field-path.ts';
import type { Expr, LayoutSource, PathSegment, TypeDecl, TypeExpr, ValueDecl } from './layout-source.ts';
import { readLayoutSource } from './read-layout.ts';

export type ScalarName = 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 's8' | 's16' | 's32' | 's64' | 's128';

/** The C scalar types: size = alignment in AAPCS64 (and __int128 aligns to 16). */
export const SCALARS: Record<ScalarName, { size: number; signed: boolean }> = {
  u8: { size: 1, signed: false },
  u16: { size: 2, signed: false },
  u32: { size: 4, signed: false },
  u64: { size: 8, signed: false },
  u128: { size: 16, signed: false },
  s8: { size: 1, signed: true },
  s16: { size: 2, signed: true },
  s32: { size: 4, signed: true },
  s64: { size: 8, signed: true },
  s128: { size: 16, signed: true },
};

/** LP64: a pointer is 8 bytes, aligned to 8. */
const POINTER_SIZE = 8;

export type CType = ScalarType | PointerType | ArrayType | StructType;

export interface ScalarType {
  kind: 'scalar';
  name: ScalarName;
  size: number;
  align: number;
  signed: boolean;
}

export interface PointerType {
  kind: 'pointer';
  /** The pointee's name ('void' for void *). */
  target: string;
  size: number;
  align: number;
}

export interface ArrayType {
  kind: 'array';
  element: CType;
  length: number;
  size: number;
  align: number;
}

export interface StructType {
  kind: 'struct';
  name: string;
  size: number;
  align: number;
  fields: FieldLayout[];
  at: SourceLocation;
}

export interface FieldLayout {
  name: string;
  type: CType;
  offset: number;
  at: SourceLocation;
}

/** A field reached by a path from the start of a struct. */
export interface FieldLocation {
  /** The struct the path starts in. */
  struct: string;
  /** Canonical path: `arch.ctxt.gp_regs.spsr[0]` (constant names in indices replaced by numbers). */
  path: string;
  offset: number;
  type: CType;
}

/** A scalar field at the bottom of a struct (every array element listed). */
export interface ScalarField {
  path: string;
  offset: number;
  type: ScalarType | PointerType;
}

/** A named integer value of the layout (constant, enum member) and where it was declared. */
export interface LayoutValue {
  decl: ValueDecl;
  /** undefined for a function-like constant (it has no value until applied). */
  value: bigint | undefined;
}

/** An index of a field path: a number, or (label set) a term over parameters shown as the label. */
export interface IndexValue {
  value: bigint;
  label?: string;
}

/** C integer constants: GNU as computes in 64 bits, so a value must fit in 64 bits, signed or not. */
const MIN_VALUE = -(1n << 63n);
const MAX_VALUE = (1n << 64n) - 1n;

function origin(at: SourceLocation): Origin {
  return { location: at, stack: [] };
}

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** Reads a layout file and computes every struct, type and constant in it; throws AsmError. */
export function computeLayout(path: string, text?: string): Layout {
  return new Layout(readLayoutSource(path, text));
}

export class Layout {
  readonly file: string;
  private readonly typeCache = new Map<string, CType>();
  private readonly valueCache = new Map<string, bigint>();
  /** Names being resolved right now: a repeat means a cycle. */
  private readonly resolvingTypes: string[] = [];
  private readonly resolvingValues: string[] = [];

  constructor(readonly source: LayoutSource) {
    this.file = source.file;
    // Resolve everything now so that a broken declaration is reported even when nothing uses it.
    for (const name of source.types.keys()) this.type(name);
    for (const decl of source.values.values()) {
      if (decl.kind === 'function') this.checkFunction(decl);
      else this.value(decl.name, decl.at);
    }
  }

  /** Every struct, in declaration order. */
  get structs(): StructType[] {
    const out: StructType[] = [];
    for (const decl of this.source.types.values()) {
      const t = this.type(decl.name);
      if (decl.kind === 'struct' && t.kind === 'struct') out.push(t);
    }
    return out;
  }

  /** Every value (constant, function-like constant, enum member) in declaration order. */
  get values(): LayoutValue[] {
    return [...this.source.values.values()].map((decl) => ({ decl, value: decl.kind === 'function' ? undefined : this.value(decl.name, decl.at) }));
  }

  /** The struct `name`; HL0803 if there is none. */
  struct(name: string): StructType {
    const t = this.type(name);
    if (t.kind !== 'struct') fail('HL0803', `'${name}' is not a struct`, originOf(this.file));
    return t;
  }

  /** The type named `name` (struct, alias or scalar), resolved. */
  type(name: string, at?: SourceLocation): CType {
    const cached = this.typeCache.get(name);
    if (cached !== undefined) return cached;
    if (name in SCALARS) {
      const s = SCALARS[name as ScalarName];
      const scalar: ScalarType = { kind: 'scalar', name: name as ScalarName, size: s.size, align: s.size, signed: s.signed };
      this.typeCache.set(name, scalar);
      return scalar;
    }
    const decl = this.source.types.get(name);
    if (decl === undefined) return fail('HL0803', `unknown type '${name}'`, at !== undefined ? origin(at) : originOf(this.file));
    if (this.resolvingTypes.includes(name)) {
      const cycle = [...this.resolvingTypes.slice(this.resolvingTypes.indexOf(name)), name].join(' -> ');
      return fail('HL0804', `'${name}' contains itself (${cycle}); use Ptr<${name}> for a pointer`, origin(at ?? decl.at));
    }
    this.resolvingTypes.push(name);
    try {
      const t = this.declared(decl);
      this.typeCache.set(name, t);
      return t;
    } finally {
      this.resolvingTypes.pop();
    }
  }

  private declared(decl: TypeDecl): CType {
    if (decl.kind === 'alias') return this.typeOf(decl.type);
    const fields: FieldLayout[] = [];
    let end = 0;
    let align = 1;
    for (const f of decl.fields) {
      const type = this.typeOf(f.type);
      const offset = alignUp(end, type.align);
      fields.push({ name: f.name, type, offset, at: f.at });
      end = offset + type.size;
      align = Math.max(align, type.align);
    }
    return { kind: 'struct', name: decl.name, size: alignUp(end, align), align, fields, at: decl.at };
  }

  /** Resolves a type as written in a field. */
  typeOf(t: TypeExpr): CType {
    switch (t.kind) {
      case 'named':
        return this.type(t.name, t.at);
      case 'pointer': {
        // A pointer needs only the pointee's name, not its layout: this is what breaks recursion.
        const target = t.target === 'void' ? 'void' : this.pointeeName(t.target);
        return { kind: 'pointer', target, size: POINTER_SIZE, align: POINTER_SIZE };
      }
      case 'array': {
        const element = this.typeOf(t.element);
        const length = this.constant(t.length, []);
        if (length <= 0n || length > 0x7fffffffn) {
          fail('HL0805', `array length ${length} is not a positive integer`, origin(t.length.at));
        }
        const n = Number(length);
        return { kind: 'array', element, length: n, size: element.size * n, align: element.align };
      }
    }
  }

  private pointeeName(t: TypeExpr): string {
    if (t.kind === 'named') {
      if (!(t.name in SCALARS) && !this.source.types.has(t.name)) fail('HL0803', `unknown type '${t.name}'`, origin(t.at));
      return t.name;
    }
    if (t.kind === 'pointer') return `${t.target === 'void' ? 'void' : this.pointeeName(t.target)} *`;
    return `${this.pointeeName(t.element)}[]`;
  }

  // ----------------------------------------------------------------------------------------------
  // Values

  /** The value of constant or enum member `name`. */
  value(name: string, at?: SourceLocation): bigint {
    const cached = this.valueCache.get(name);
    if (cached !== undefined) return cached;
    const decl = this.source.values.get(name);
    if (decl === undefined) return fail('HL0808', `unknown constant '${name}'`, at !== undefined ? origin(at) : originOf(this.file));
    if (decl.kind === 'function') return fail('HL0809', `'${name}' is function-like: call it as ${name}(...)`, origin(at ?? decl.at));
    if (this.resolvingValues.includes(name)) {
      const cycle = [...this.resolvingValues.slice(this.resolvingValues.indexOf(name)), name].join(' -> ');
      return fail('HL0810', `constant '${name}' is defined in terms of itself (${cycle})`, origin(at ?? decl.at));
    }
    this.resolvingValues.push(name);
    try {
      const v = this.constant(decl.expr, []);
      this.valueCache.set(name, v);
      return v;
    } finally {
      this.resolvingValues.pop();
    }
  }

  /** A function-like constant has no value yet: check that its names, types and paths exist. */
  private checkFunction(decl: Extract<ValueDecl, { kind: 'function' }>): void {
    this.resolvingValues.push(decl.name);
    try {
      this.check(decl.body);
    } finally {
      this.resolvingValues.pop();
    }
  }

  private check(e: Expr): void {
    switch (e.kind) {
      case 'unary':
        return this.check(e.operand);
      case 'binary':
        this.check(e.left);
        return this.check(e.right);
      case 'offsetof': {
        for (const s of e.path) if (s.kind === 'index') this.check(s.index);
        const start = this.typeOf(e.type);
        this.walk(start, typeName(start), e.path, this.pathIndices(e.path, 'symbolic'));
        return;
      }
      case 'param':
        return;
      default:
        this.constant(e, []);
    }
  }

  /** Evaluates `e` with the given parameter values; array indices are bounds-checked. */
  constant(e: Expr, args: bigint[]): bigint {
    const v = this.evaluateUnchecked(e, args);
    if (v < MIN_VALUE || v > MAX_VALUE) fail('HL0809', `value ${v} does not fit in 64 bits`, origin(e.at));
    return v;
  }

  private evaluateUnchecked(e: Expr, args: bigint[]): bigint {
    switch (e.kind) {
      case 'number':
        return e.value;
      case 'name':
        return this.value(this.qualified(e), e.at);
      case 'param': {
        const v = args[e.index];
        if (v === undefined) return fail('HL0809', `parameter '${e.name}' has no value here`, origin(e.at));
        return v;
      }
      case 'unary': {
        const v = this.constant(e.operand, args);
        return e.op === '-' ? -v : e.op === '~' ? ~v : v;
      }
      case 'binary':
        return this.binary(e.op, this.constant(e.left, args), this.constant(e.right, args), e.at);
      case 'sizeof':
        return BigInt(this.typeOf(e.type).size);
      case 'alignof':
        return BigInt(this.typeOf(e.type).align);
      case 'offsetof': {
        const start = this.typeOf(e.type);
        const indices = this.pathIndices(e.path, args);
        return BigInt(this.walk(start, typeName(start), e.path, indices).offset);
      }
    }
  }

  private binary(op: string, a: bigint, b: bigint, at: SourceLocation): bigint {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
      case '%':
        if (b === 0n) return fail('HL0809', 'division by zero', origin(at));
        return op === '/' ? a / b : a % b;
      case '<<':
      case '>>':
        if (b < 0n || b > 63n) return fail('HL0809', `shift by ${b} (must be 0..63)`, origin(at));
        return op === '<<' ? a << b : a >> b;
      case '&':
        return a & b;
      case '|':
        return a | b;
      case '^':
        return a ^ b;
    }
    return fail('HL0809', `operator '${op}'`, origin(at));
  }

  /** `SysReg.MPIDR_EL1` -> `MPIDR_EL1`, checking that the member belongs to that enum. */
  private qualified(e: Extract<Expr, { kind: 'name' }>): string {
    if (e.qualifier === undefined) return e.name;
    const members = this.source.enums.get(e.qualifier);
    if (members === undefined) return fail('HL0808', `unknown enum '${e.qualifier}'`, origin(e.at));
    if (!members.includes(e.name)) return fail('HL0808', `enum '${e.qualifier}' has no member '${e.name}'`, origin(e.at));
    return e.name;
  }

  /**
   * Follows `path` from a value of type `start`; `indices` are the path's index values in order.
   * A symbolic index (a term over parameters) counts as 0, is not bounds-checked and shows its label.
   * Returns the field's offset, type and canonical path, and the element size of each indexed array.
   */
  walk(start: CType, startName: string, path: PathSegment[], indices: IndexValue[]): FieldLocation & { strides: number[] } {
    let type = start;
    let offset = 0;
    let text = '';
    let i = 0;
    const strides: number[] = [];
    for (const s of path) {
      if (s.kind === 'field') {
        if (type.kind !== 'struct') {
          return fail('HL0806', `'${startName}${text === '' ? '' : '.' + text}' is ${describe(type)}, it has no field '${s.name}'`, origin(s.at));
        }
        const f = type.fields.find((x) => x.name === s.name);
        if (f === undefined) {
          const names = type.fields.map((x) => x.name).join(', ');
          return fail('HL0806', `struct '${type.name}' has no field '${s.name}' (fields: ${names})`, origin(s.at));
        }
        offset += f.offset;
        type = f.type;
        text += (text === '' ? '' : '.') + s.name;
      } else {
        if (type.kind !== 'array') return fail('HL0806', `'${startName}.${text}' is ${describe(type)}, not an array`, origin(s.at));
        const index = indices[i++]!;
        if (index.label === undefined) {
          if (index.value < 0n || index.value >= BigInt(type.length)) {
            return fail('HL0806', `index ${index.value} is out of bounds of '${startName}.${text}' (length ${type.length})`, origin(s.at));
          }
          offset += Number(index.value) * type.element.size;
        }
        strides.push(type.element.size);
        type = type.element;
        text += `[${index.label ?? index.value}]`;
      }
    }
    return { struct: startName, path: text, offset, type, strides };
  }

  /** The index values of a path: concrete where they do not depend on parameters. */
  pathIndices(path: PathSegment[], args: bigint[] | 'symbolic'): IndexValue[] {
    const out: IndexValue[] = [];
    for (const s of path) {
      if (s.kind !== 'index') continue;
      if (args === 'symbolic' && usesParams(s.index)) out.push({ value: 0n, label: showExpr(s.index) });
      else out.push({ value: this.constant(s.index, args === 'symbolic' ? [] : args) });
    }
    return out;
  }

  // ----------------------------------------------------------------------------------------------
  // The access API: fields by path, and paths by offset

  /** The field at `path` in struct `struct` (`'arch.ctxt.sys_regs[MPIDR_EL1]'`); HL0806 if none. */
  locate(struct: string, path: string): FieldLocation {
    const start = this.struct(struct);
    const segments = parsePathText(path, { file: `<path in ${struct}>`, line: 1, col: 1 });
    const { strides: _, ...field } = this.walk(start, struct, segments, this.pathIndices(segments, []));
    return field;
  }

  /** Names the byte at `offset` in `struct`: `arch.ctxt.gp_regs.spsr[0]`, `...fpsr+2`, or padding. */
  fieldAt(struct: string, offset: number): string {
    const start = this.struct(struct);
    if (offset < 0 || offset >= start.size) return `${struct}+${offset} (outside the struct, size ${start.size})`;
    return struct + nameAt(start, offset);
  }

  /** Every scalar and pointer in `struct`, in address order, array elements one by one. */
  scalarFields(struct: string): ScalarField[] {
    const out: ScalarField[] = [];
    const visit = (t: CType, path: string, offset: number): void => {
      if (t.kind === 'scalar' || t.kind === 'pointer') out.push({ path, offset, type: t });
      else if (t.kind === 'array') for (let i = 0; i < t.length; i++) visit(t.element, `${path}[${i}]`, offset + i * t.element.size);
      else for (const f of t.fields) visit(f.type, path === '' ? f.name : `${path}.${f.name}`, offset + f.offset);
    };
    visit(this.struct(struct), '', 0);
    return out;
  }
}

/** The path suffix naming byte `offset` inside `t`: `.a.b[3]`, `.a.b[3]+4`, or `.a (padding after it)`. */
function nameAt(t: CType, offset: number): string {
  if (t.kind === 'array') {
    const i = Math.floor(offset / t.element.size);
    return `[${i}]` + nameAt(t.element, offset - i * t.element.size);
  }
  if (t.kind === 'struct') {
    let before: FieldLayout | undefined;
    for (const f of t.fields) {
      if (offset >= f.offset && offset < f.offset + f.type.size) return `.${f.name}` + nameAt(f.type, offset - f.offset);
      if (f.offset <= offset) before = f;
    }
    return before === undefined ? ` (padding at +${offset})` : ` (padding after .${before.name}, at +${offset})`;
  }
  return offset === 0 ? '' : `+${offset}`;
}

function typeName(t: CType): string {
  switch (t.kind) {
    case 'struct':
      return t.name;
    case 'scalar':
      return t.name;
    case 'pointer':
      return `${t.target} *`;
    case 'array':
      return `${typeName(t.element)}[${t.length}]`;
  }
}

function describe(t: CType): string {
  switch (t.kind) {
    case 'scalar':
      return `a scalar (${t.name})`;
    case 'pointer':
      return `a pointer (${t.target} *)`;
    case 'array':
      return `an array (${typeName(t)})`;
    case 'struct':
      return `struct ${t.name}`;
  }
}

/** True when `e` depends on a parameter of a function-like constant. */
export function usesParams(e: Expr): boolean {
  switch (e.kind) {
    case 'param':
      return true;
    case 'unary':
      return usesParams(e.operand);
    case 'binary':
      return usesParams(e.left) || usesParams(e.right);
    case 'offsetof':
      return e.path.some((s) => s.kind === 'index' && usesParams(s.index));
    default:
      return false;
  }
}

/** An expression as the layout file wrote it (for paths and reports): `x + 1`, `SysReg.MPIDR_EL1`. */
export function showExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'name':
      return e.qualifier === undefined ? e.name : `${e.qualifier}.${e.name}`;
    case 'param':
      return e.name;
    case 'unary':
      return `${e.op}${showExpr(e.operand)}`;
    case 'binary':
      return `(${showExpr(e.left)} ${e.op} ${showExpr(e.right)})`;
    case 'offsetof':
      return `offsetof(${showType(e.type)}, ${showPath(e.path)})`;
    case 'sizeof':
    case 'alignof':
      return `${e.kind}(${showType(e.type)})`;
  }
}

export function showPath(path: PathSegment[]): string {
  let text = '';
  for (const s of path) text += s.kind === 'field' ? (text === '' ? s.name : `.${s.name}`) : `[${showExpr(s.index)}]`;
  return text;
}

function showType(t: TypeExpr): string {
  if (t.kind === 'named') return t.name;
  if (t.kind === 'pointer') return `${t.target === 'void' ? 'void' : showType(t.target)} *`;
  return `${showType(t.element)}[${showExpr(t.length)}]`;
}
