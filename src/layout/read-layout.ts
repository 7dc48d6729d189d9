// Reads a layout file with ts-morph into a LayoutSource. The file is parsed, never imported or run:
// anything whose meaning would need running code (calls other than offsetof/sizeof/alignof,
// spreads, computed keys, classes, functions with bodies, ...) is refused with HL0802.

import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { Node, Project, SyntaxKind, type SourceFile } from 'ts-morph';
import { AsmError, diagnostic, fail, originOf, type SourceLocation } from '../asm/diagnostics.ts';
import { parsePath, type PathPiece } from './field-path.ts';
import type { BinaryOp, Expr, FieldDecl, LayoutSource, TypeDecl, TypeExpr, UnaryOp, ValueDecl } from './layout-source.ts';

/** The names types.ts exports, as the reader knows them. */
export const SCALAR_NAMES = ['u8', 'u16', 'u32', 'u64', 'u128', 's8', 's16', 's32', 's64', 's128'] as const;
const TYPE_BUILTINS = new Set<string>([...SCALAR_NAMES, 'Array', 'CArray', 'Ptr']);
const FUNCTION_BUILTINS = new Set(['offsetof', 'sizeof', 'alignof']);

const BINARY_OPS = new Map<SyntaxKind, BinaryOp>([
  [SyntaxKind.PlusToken, '+'],
  [SyntaxKind.MinusToken, '-'],
  [SyntaxKind.AsteriskToken, '*'],
  [SyntaxKind.SlashToken, '/'],
  [SyntaxKind.PercentToken, '%'],
  [SyntaxKind.LessThanLessThanToken, '<<'],
  [SyntaxKind.GreaterThanGreaterThanToken, '>>'],
  [SyntaxKind.AmpersandToken, '&'],
  [SyntaxKind.BarToken, '|'],
  [SyntaxKind.CaretToken, '^'],
]);

const UNARY_OPS = new Map<SyntaxKind, UnaryOp>([
  [SyntaxKind.MinusToken, '-'],
  [SyntaxKind.PlusToken, '+'],
  [SyntaxKind.TildeToken, '~'],
]);

/** A C identifier: what cpp accepts as a macro or parameter name. */
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads `path` (or `text`, named `path`); throws AsmError with HL08xx diagnostics. A relative import
 * of another layout file works as a C #include: all of that file's declarations join this one's
 * (each file once, however often it is imported; a cycle is an error).
 */
export function readLayoutSource(path: string, text?: string): LayoutSource {
  return readInto(path, text, { loaded: new Set(), stack: [] }, undefined);
}

interface ImportContext {
  /** Files already read (normalized paths). */
  loaded: Set<string>;
  /** Files being read, outermost first: an import of one of them is a cycle. */
  stack: string[];
}

function readInto(path: string, text: string | undefined, context: ImportContext, into: Reader | undefined): LayoutSource {
  let source = text;
  if (source === undefined) {
    try {
      source = readFileSync(path, 'utf8');
    } catch (e) {
      fail('HL0902', `cannot read layout file: ${e instanceof Error ? e.message : String(e)}`, originOf(path));
    }
  }
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: { noLib: true } });
  const file = project.createSourceFile('/layout.ts', source, { overwrite: true });
  rejectSyntaxErrors(project, file, path);
  context.loaded.add(normalize(path));
  context.stack.push(normalize(path));
  try {
    return new Reader(path, file, context, into).read();
  } finally {
    context.stack.pop();
  }
}

function rejectSyntaxErrors(project: Project, file: SourceFile, path: string): void {
  const errors = project.getProgram().getSyntacticDiagnostics(file);
  if (errors.length === 0) return;
  throw new AsmError(
    errors.slice(0, 10).map((d) => {
      const { line, column } = file.getLineAndColumnAtPos(d.getStart() ?? 0);
      const message = d.getMessageText();
      const textOf = typeof message === 'string' ? message : message.getMessageText();
      return diagnostic('HL0801', textOf, originOf(path, line, column));
    }),
  );
}

const { dirname, join, normalize } = posix;

class Reader {
  /** Shared with the reader of the importing file, if any: one namespace, as with #include. */
  private readonly types: Map<string, TypeDecl>;
  private readonly values: Map<string, ValueDecl>;
  private readonly enums: Map<string, string[]>;
  /** Local import name -> the name types.ts exports (`import type { u64 as U }`). */
  private readonly imported = new Map<string, string>();
  /** Parameters of the arrow function being read. */
  private params: string[] = [];

  constructor(
    private readonly path: string,
    private readonly file: SourceFile,
    private readonly context: ImportContext,
    importer: Reader | undefined,
  ) {
    this.types = importer?.types ?? new Map();
    this.values = importer?.values ?? new Map();
    this.enums = importer?.enums ?? new Map();
  }

  read(): LayoutSource {
    for (const statement of this.file.getStatements()) this.statement(statement);
    return { file: this.path, types: this.types, values: this.values, enums: this.enums };
  }

  private at(node: Node): SourceLocation {
    const { line, column } = this.file.getLineAndColumnAtPos(node.getStart());
    return { file: this.path, line, col: column };
  }

  private refuse(node: Node, what: string): never {
    return fail('HL0802', `${what}: layout files are read, not run`, { location: this.at(node), stack: [] });
  }

  private statement(s: Node): void {
    if (Node.isImportDeclaration(s)) return this.importDeclaration(s);
    if (Node.isEmptyStatement(s)) return;
    if (Node.isModifierable(s) && s.hasModifier(SyntaxKind.DeclareKeyword)) this.refuse(s, "'declare' is not read");
    if (Node.isModifierable(s) && s.hasModifier(SyntaxKind.DefaultKeyword)) this.refuse(s, "'export default' is not read");
    if (Node.isInterfaceDeclaration(s)) return this.interfaceDeclaration(s);
    if (Node.isTypeAliasDeclaration(s)) return this.typeAlias(s);
    if (Node.isEnumDeclaration(s)) return this.enumDeclaration(s);
    if (Node.isVariableStatement(s)) return this.variableStatement(s);
    this.refuse(s, `a ${describeKind(s)} is not part of the layout format (structs are interfaces, constants are 'const')`);
  }

  private importDeclaration(s: import('ts-morph').ImportDeclaration): void {
    const from = s.getModuleSpecifierValue();
    if (!/(^|\/)types(\.ts|\.js)?$/.test(from)) return this.importLayout(s, from);
    if (s.getDefaultImport() !== undefined || s.getNamespaceImport() !== undefined) {
      this.refuse(s, 'only named imports of src/layout/types.ts are read');
    }
    for (const named of s.getNamedImports()) {
      const exported = named.getName();
      if (!TYPE_BUILTINS.has(exported) && !FUNCTION_BUILTINS.has(exported)) {
        fail('HL0803', `'${exported}' is not a name src/layout/types.ts provides`, { location: this.at(named), stack: [] });
      }
      this.imported.set(named.getAliasNode()?.getText() ?? exported, exported);
    }
  }

  /** `import type { kvm_regs } from '../original/layout.ts'`: that whole file joins this one. */
  private importLayout(s: import('ts-morph').ImportDeclaration, from: string): void {
    const specifier = s.getModuleSpecifier();
    if (!/^\.\.?\//.test(from) || !from.endsWith('.ts')) {
      this.refuse(specifier, `import from '${from}' is not read (only src/layout/types.ts and other layout files, as './name.ts')`);
    }
    for (const named of s.getNamedImports()) {
      if (named.getAliasNode() !== undefined) this.refuse(named, 'a renamed import of a layout name is not read (C has one namespace)');
    }
    const target = normalize(join(dirname(this.path), from));
    if (this.context.stack.includes(target)) {
      this.refuse(specifier, `cyclic import: ${[...this.context.stack, target].join(' -> ')}`);
    }
    if (this.context.loaded.has(target)) return;
    let text: string;
    try {
      text = readFileSync(target, 'utf8');
    } catch (e) {
      return fail('HL0902', `cannot read imported layout file ${target}: ${e instanceof Error ? e.message : String(e)}`, { location: this.at(specifier), stack: [] });
    }
    readInto(target, text, this.context, this);
  }

  /** The builtin a local name stands for, or undefined when it is the layout's own name. */
  private builtin(local: string): string | undefined {
    const imported = this.imported.get(local);
    if (imported !== undefined) return imported;
    return TYPE_BUILTINS.has(local) || FUNCTION_BUILTINS.has(local) ? local : undefined;
  }

  private declareType(decl: TypeDecl, node: Node): void {
    if (TYPE_BUILTINS.has(decl.name) || this.imported.has(decl.name)) {
      fail('HL0807', `'${decl.name}' is a type src/layout/types.ts provides; it cannot be redeclared`, { location: this.at(node), stack: [] });
    }
    const earlier = this.types.get(decl.name);
    if (earlier !== undefined) {
      fail('HL0807', `type '${decl.name}' is already declared at ${place(earlier.at)}`, { location: this.at(node), stack: [] });
    }
    this.types.set(decl.name, decl);
  }

  private declareValue(decl: ValueDecl, node: Node): void {
    if (!C_IDENTIFIER.test(decl.name)) this.refuse(node, `'${decl.name}' is not a C identifier, so it cannot be a #define`);
    const earlier = this.values.get(decl.name);
    if (earlier !== undefined) {
      const what = earlier.kind === 'enumMember' ? `enum ${earlier.enumName} member` : 'constant';
      fail('HL0807', `'${decl.name}' is already declared (as ${what}) at ${place(earlier.at)}; constants and enum members share one C namespace`, {
        location: this.at(node),
        stack: [],
      });
    }
    this.values.set(decl.name, decl);
  }

  private interfaceDeclaration(s: import('ts-morph').InterfaceDeclaration): void {
    if (s.getTypeParameters().length > 0) this.refuse(s.getTypeParameters()[0]!, 'a generic struct has no C layout');
    if (s.getExtends().length > 0) this.refuse(s.getExtends()[0]!, "'extends' is not read: embed the other struct as a field");
    const fields: FieldDecl[] = [];
    const seen = new Map<string, FieldDecl>();
    for (const member of s.getMembers()) {
      if (!Node.isPropertySignature(member)) this.refuse(member, `a ${describeKind(member)} is not a struct field`);
      const nameNode = member.getNameNode();
      if (!Node.isIdentifier(nameNode)) this.refuse(nameNode, 'a field name must be a plain identifier (no computed or quoted keys)');
      if (member.hasQuestionToken()) this.refuse(member, "an optional field ('?') has no C layout");
      const typeNode = member.getTypeNode();
      if (typeNode === undefined) this.refuse(member, 'a field needs a type');
      const field: FieldDecl = { name: nameNode.getText(), type: this.typeExpr(typeNode), at: this.at(member) };
      const earlier = seen.get(field.name);
      if (earlier !== undefined) {
        fail('HL0807', `field '${field.name}' is already declared in '${s.getName()}' at line ${earlier.at.line}`, { location: field.at, stack: [] });
      }
      seen.set(field.name, field);
      fields.push(field);
    }
    this.declareType({ kind: 'struct', name: s.getName(), fields, at: this.at(s.getNameNode()) }, s.getNameNode());
  }

  private typeAlias(s: import('ts-morph').TypeAliasDeclaration): void {
    if (s.getTypeParameters().length > 0) this.refuse(s.getTypeParameters()[0]!, 'a generic typedef has no C layout');
    const typeNode = s.getTypeNodeOrThrow();
    this.declareType({ kind: 'alias', name: s.getName(), type: this.typeExpr(typeNode), at: this.at(s.getNameNode()) }, s.getNameNode());
  }

  private enumDeclaration(s: import('ts-morph').EnumDeclaration): void {
    const enumName = s.getName();
    if (this.enums.has(enumName)) fail('HL0807', `enum '${enumName}' is already declared (enum names share one namespace across imported layout files)`, { location: this.at(s.getNameNode()), stack: [] });
    const members: string[] = [];
    this.enums.set(enumName, members);
    let previous: { name: string; at: SourceLocation } | undefined;
    for (const member of s.getMembers()) {
      const nameNode = member.getNameNode();
      if (!Node.isIdentifier(nameNode)) this.refuse(nameNode, 'an enum member name must be a plain identifier');
      const at = this.at(member);
      const init = member.getInitializer();
      // C: the first member is 0, each member without a value is the previous one plus 1.
      const expr: Expr =
        init !== undefined
          ? this.expr(init)
          : previous === undefined
            ? { kind: 'number', value: 0n, at }
            : { kind: 'binary', op: '+', left: { kind: 'name', name: previous.name, at: previous.at }, right: { kind: 'number', value: 1n, at }, at };
      const name = nameNode.getText();
      this.declareValue({ kind: 'enumMember', name, enumName, expr, exported: s.isExported(), at }, nameNode);
      members.push(name);
      previous = { name, at };
    }
  }

  private variableStatement(s: import('ts-morph').VariableStatement): void {
    if (s.getDeclarationKind() !== 'const') this.refuse(s, `'${s.getDeclarationKind()}' is not read: constants are 'const'`);
    for (const d of s.getDeclarations()) {
      const nameNode = d.getNameNode();
      if (!Node.isIdentifier(nameNode)) this.refuse(nameNode, 'a destructuring declaration is not read');
      const init = d.getInitializer();
      if (init === undefined) this.refuse(d, 'a constant needs a value');
      const name = nameNode.getText();
      const exported = s.isExported();
      const body = unwrapParens(init);
      if (Node.isArrowFunction(body) || Node.isFunctionExpression(body)) {
        this.declareValue(this.functionLike(name, body, exported), nameNode);
      } else {
        this.declareValue({ kind: 'constant', name, expr: this.expr(init), exported, at: this.at(nameNode) }, nameNode);
      }
    }
  }

  private functionLike(name: string, fn: Node, exported: boolean): ValueDecl {
    if (!Node.isArrowFunction(fn)) return this.refuse(fn, "a 'function' expression is not read: write an arrow function (x: number) => ...");
    if (fn.getTypeParameters().length > 0) this.refuse(fn, 'a generic function-like constant is not read');
    const params: string[] = [];
    for (const p of fn.getParameters()) {
      const n = p.getNameNode();
      if (!Node.isIdentifier(n) || p.isRestParameter() || p.hasInitializer() || p.hasQuestionToken()) {
        this.refuse(p, 'a parameter must be a plain name (no defaults, rest or destructuring)');
      }
      if (!C_IDENTIFIER.test(n.getText())) this.refuse(p, `parameter '${n.getText()}' is not a C identifier`);
      if (params.includes(n.getText())) fail('HL0807', `parameter '${n.getText()}' is declared twice`, { location: this.at(p), stack: [] });
      params.push(n.getText());
    }
    const body = fn.getBody();
    if (!Node.isExpression(body) || Node.isBlock(body)) this.refuse(body, 'a function-like constant must be an arrow with an expression body, (x) => expr');
    this.params = params;
    try {
      return { kind: 'function', name, params, body: this.expr(body), exported, at: this.at(fn.getParentOrThrow()) };
    } finally {
      this.params = [];
    }
  }

  private typeExpr(t: Node): TypeExpr {
    const at = this.at(t);
    if (Node.isParenthesizedTypeNode(t)) return this.typeExpr(t.getTypeNode());
    if (Node.isArrayTypeNode(t)) {
      return fail('HL0805', `array '${t.getText()}' has no length: write Array<${t.getElementTypeNode().getText()}, N>`, { location: at, stack: [] });
    }
    if (Node.isIndexedAccessTypeNode(t)) {
      return this.refuse(t, `'${t.getText()}' is a TypeScript indexed access, not a C array: write Array<${t.getObjectTypeNode().getText()}, ${t.getIndexTypeNode().getText()}>`);
    }
    if (!Node.isTypeReference(t)) return this.refuse(t, `a ${describeKind(t)} is not a C type (use u8..u128, s8..s128, a struct name, Array<T, N> or Ptr<T>)`);
    const nameNode = t.getTypeName();
    if (!Node.isIdentifier(nameNode)) return fail('HL0803', `unknown type '${nameNode.getText()}'`, { location: at, stack: [] });
    const local = nameNode.getText();
    const args = t.getTypeArguments();
    const builtin = this.builtin(local);
    if (builtin === 'Array' || builtin === 'CArray') {
      if (args.length !== 2) {
        return fail('HL0805', `array '${t.getText()}' needs an element type and a length: Array<T, N>`, { location: at, stack: [] });
      }
      return { kind: 'array', element: this.typeExpr(args[0]!), length: this.lengthExpr(args[1]!), at };
    }
    if (builtin === 'Ptr') {
      if (args.length !== 1) this.refuse(t, 'Ptr<T> takes one type');
      const target = args[0]!;
      return { kind: 'pointer', target: target.getKind() === SyntaxKind.VoidKeyword ? 'void' : this.typeExpr(target), at };
    }
    if (args.length > 0) this.refuse(t, `'${local}' takes no type arguments`);
    return { kind: 'named', name: builtin ?? local, at };
  }

  /** An array length in type position: `31`, `typeof KVM_NR_SPSR`, `SysReg.NR_SYS_REGS`. */
  private lengthExpr(t: Node): Expr {
    const at = this.at(t);
    if (Node.isLiteralTypeNode(t)) return this.expr(t.getLiteral());
    if (Node.isTypeQuery(t)) return this.entityName(t.getExprName(), at);
    if (Node.isTypeReference(t) && t.getTypeArguments().length === 0) return this.entityName(t.getTypeName(), at);
    return fail('HL0805', `array length '${t.getText()}' is not a constant: write a number, typeof CONST or Enum.MEMBER`, { location: at, stack: [] });
  }

  private entityName(n: Node, at: SourceLocation): Expr {
    if (Node.isIdentifier(n)) return { kind: 'name', name: n.getText(), at };
    if (Node.isQualifiedName(n) && Node.isIdentifier(n.getLeft())) return { kind: 'name', name: n.getRight().getText(), qualifier: n.getLeft().getText(), at };
    return fail('HL0805', `array length '${n.getText()}' is not a constant`, { location: at, stack: [] });
  }

  private expr(e: Node): Expr {
    const at = this.at(e);
    if (Node.isParenthesizedExpression(e)) return this.expr(e.getExpression());
    if (Node.isNumericLiteral(e)) return { kind: 'number', value: integerLiteral(e.getText(), at), at };
    if (Node.isIdentifier(e)) {
      const name = e.getText();
      const index = this.params.indexOf(name);
      if (index >= 0) return { kind: 'param', index, name, at };
      return { kind: 'name', name, at };
    }
    if (Node.isPropertyAccessExpression(e)) {
      const left = e.getExpression();
      if (Node.isIdentifier(left) && !e.hasQuestionDotToken()) return { kind: 'name', name: e.getName(), qualifier: left.getText(), at };
      return this.refuse(e, `'${e.getText()}' is not a constant (only Enum.MEMBER is read)`);
    }
    if (Node.isPrefixUnaryExpression(e)) {
      const op = UNARY_OPS.get(e.getOperatorToken());
      if (op === undefined) return this.refuse(e, `operator in '${e.getText()}' is not a C integer operator`);
      return { kind: 'unary', op, operand: this.expr(e.getOperand()), at };
    }
    if (Node.isBinaryExpression(e)) {
      const op = BINARY_OPS.get(e.getOperatorToken().getKind());
      if (op === undefined) return this.refuse(e.getOperatorToken(), `operator '${e.getOperatorToken().getText()}' is not a C integer operator`);
      return { kind: 'binary', op, left: this.expr(e.getLeft()), right: this.expr(e.getRight()), at };
    }
    if (Node.isCallExpression(e)) return this.call(e);
    return this.refuse(e, `a ${describeKind(e)} is not a constant expression`);
  }

  private call(e: import('ts-morph').CallExpression): Expr {
    const at = this.at(e);
    const callee = e.getExpression();
    const name = Node.isIdentifier(callee) ? this.builtin(callee.getText()) : undefined;
    if (name === undefined || !FUNCTION_BUILTINS.has(name)) {
      return this.refuse(e, `call to '${callee.getText()}' (only offsetof<T>('path'), sizeof<T>() and alignof<T>() are read)`);
    }
    const typeArgs = e.getTypeArguments();
    if (typeArgs.length !== 1) return this.refuse(e, `${name} needs one type argument: ${name}<T>(...)`);
    const type = this.typeExpr(typeArgs[0]!);
    const args = e.getArguments();
    if (name === 'sizeof' || name === 'alignof') {
      if (args.length !== 0) this.refuse(args[0]!, `${name}<T>() takes no arguments`);
      return { kind: name, type, at };
    }
    if (args.length !== 1) return this.refuse(e, "offsetof<T>('field.path') takes one field path");
    return { kind: 'offsetof', type, path: this.fieldPath(args[0]!), at };
  }

  /** A field path: a string literal or a template whose placeholders are whole indices. */
  private fieldPath(arg: Node): import('./layout-source.ts').PathSegment[] {
    const at = this.at(arg);
    const textAt = (node: Node): SourceLocation => {
      const l = this.at(node);
      return { ...l, col: l.col + 1 };
    };
    let pieces: PathPiece[];
    if (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg)) {
      pieces = [{ kind: 'text', text: arg.getLiteralValue(), at: textAt(arg) }];
    } else if (Node.isTemplateExpression(arg)) {
      pieces = [{ kind: 'text', text: arg.getHead().getLiteralText(), at: textAt(arg.getHead()) }];
      for (const span of arg.getTemplateSpans()) {
        pieces.push({ kind: 'placeholder', expr: this.expr(span.getExpression()), at: this.at(span.getExpression()) });
        pieces.push({ kind: 'text', text: span.getLiteral().getLiteralText(), at: textAt(span.getLiteral()) });
      }
    } else {
      return this.refuse(arg, "a field path must be a string or a template literal, as in offsetof<T>('a.b[2]')");
    }
    return parsePath(pieces, at);
  }
}

function place(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

function unwrapParens(e: Node): Node {
  return Node.isParenthesizedExpression(e) ? unwrapParens(e.getExpression()) : e;
}

/** An integer literal (decimal, hex, octal, binary, with '_' separators); fractions are refused. */
function integerLiteral(text: string, at: SourceLocation): bigint {
  const clean = text.replace(/_/g, '');
  if (/^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/.test(clean)) return BigInt(clean);
  return fail('HL0809', `'${text}' is not an integer`, { location: at, stack: [] });
}

/** "spread assignment", "class declaration": the node kind in words. */
function describeKind(node: Node): string {
  return node
    .getKindName()
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}
