// GNU as macros: definitions, binding an invocation's arguments to the parameters, and substituting
// `\param`, `\()` and `\@` in the body, following GNU as 2.40's macro.c as observed:
// - arguments are separated by commas or blanks (after scrubbing, `m a + b` is one argument `a+b`);
//   a quoted argument loses its quotes; brackets keep blanks but not commas (`[x0, #8]` is two);
// - `name=value` is a keyword argument, and no positional argument may follow one;
// - an empty argument takes the default; `:req` must get a value; `:vararg` takes the rest verbatim;
// - parameter names are read greedily with `.` as a name character (`\n.lo` is parameter `n.lo`);
//   an unknown `\name` stays as written; `\(...)` copies its content; `\@` is the invocation count.

import { isNameChar, isNameStart, isSymbolName, scrub, skipString } from './lexer.ts';
import type { SourceStatement } from './lexer.ts';

export interface MacroParameter {
  name: string;
  defaultValue: string;
  required: boolean;
  vararg: boolean;
}

export interface MacroDefinition {
  name: string;
  parameters: MacroParameter[];
  body: SourceStatement[];
  /** The body compiled for substitution (see compileTemplate), made at the first invocation. */
  templates?: Template[];
  /** Arguments bound so far, by operand text (binding depends on nothing else). */
  bindings?: Map<string, Map<string, string>>;
}

/** A problem with a definition or an invocation; the caller adds the code's origin. */
export class MacroError extends Error {
  constructor(
    readonly code: 'HL0207' | 'HL0208' | 'HL0209' | 'HL0214',
    message: string,
  ) {
    super(message);
    this.name = 'MacroError';
  }
}

/**
 * GNU as's get_any_string: one argument starting at `i` in scrubbed text. A quoted string gives its
 * content; otherwise the argument runs to a comma, or to a blank outside brackets.
 */
export function readArgument(text: string, i: number): { value: string; end: number } {
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '"') {
    // The quotes go; everything between them stays as written, escapes included.
    const end = skipString(text, i);
    return { value: text.slice(i + 1, text[end - 1] === '"' && end - 1 > i ? end - 1 : end), end };
  }
  const brackets: string[] = [];
  let value = '';
  while (i < text.length && text[i] !== ',' && (brackets.length > 0 || (text[i] !== ' ' && text[i] !== '\t'))) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      const end = close < 0 ? text.length : close;
      value += text.slice(i, end);
      i = end;
      if (close < 0) return { value, end };
    } else if (c === '(' || c === '[') brackets.push(c);
    else if ((c === ')' && brackets[brackets.length - 1] === '(') || (c === ']' && brackets[brackets.length - 1] === '[')) brackets.pop();
    value += text[i];
    i++;
  }
  return { value, end: i };
}

/** GNU as's sb_skip_comma: blanks, at most one comma, blanks. */
function skipComma(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === ',') i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/** Parses `.macro name [,] p1[:req|:vararg][=default] [,] p2 ...`. */
export function parseMacroHeader(operands: string): { name: string; parameters: MacroParameter[] } {
  const text = scrub(operands);
  let i = 0;
  while (i < text.length && isNameChar(text[i])) i++;
  const name = text.slice(0, i);
  if (name === '' || !isNameStart(name[0])) throw new MacroError('HL0214', `.macro needs a name, found '${operands}'`);
  i = skipComma(text, i);
  const parameters: MacroParameter[] = [];
  while (i < text.length) {
    const start = i;
    while (i < text.length && isNameChar(text[i])) i++;
    const pname = text.slice(start, i);
    if (pname === '') throw new MacroError('HL0214', `bad parameter list '${text.slice(start)}' of macro '${name}'`);
    let required = false;
    let vararg = false;
    if (text[i] === ':') {
      const q = /^:(req|vararg)\b/i.exec(text.slice(i));
      if (!q) throw new MacroError('HL0214', `bad qualifier '${text.slice(i).split(/[ ,=]/)[0]}' for parameter '${pname}' of macro '${name}'`);
      if (q[1]!.toLowerCase() === 'req') required = true;
      else vararg = true;
      i += q[0].length;
    }
    let defaultValue = '';
    if (text[i] === '=') {
      const arg = readArgument(text, i + 1);
      defaultValue = arg.value;
      i = arg.end;
    }
    if (parameters.some((p) => p.name === pname)) throw new MacroError('HL0214', `parameter '${pname}' appears twice in macro '${name}'`);
    if (parameters.some((p) => p.vararg)) throw new MacroError('HL0214', `parameter '${pname}' follows the :vararg parameter of macro '${name}'`);
    parameters.push({ name: pname, defaultValue, required, vararg });
    i = skipComma(text, i);
  }
  return { name, parameters };
}

/** Binds an invocation's operand text to the parameters; returns each parameter's value. */
export function bindArguments(macro: MacroDefinition, operands: string): Map<string, string> {
  const text = scrub(operands);
  const actual = new Map<string, string>();
  let next = 0;
  let sawKeyword = false;
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  while (i < text.length) {
    let scan = i;
    while (scan < text.length && !' \t,";()'.includes(text[scan]!) && text[scan] !== '=') scan++;
    if (text[scan] === '=' && scan > i && isSymbolName(text.slice(i, scan))) {
      const pname = text.slice(i, scan);
      const parameter = macro.parameters.find((p) => p.name === pname);
      if (parameter === undefined) throw new MacroError('HL0208', `parameter named '${pname}' does not exist for macro '${macro.name}'`);
      sawKeyword = true;
      if (parameter.vararg) {
        actual.set(pname, text.slice(scan + 1));
        i = text.length;
      } else {
        const arg = readArgument(text, scan + 1);
        actual.set(pname, arg.value);
        i = arg.end;
      }
    } else {
      if (sawKeyword) throw new MacroError('HL0209', `can't mix positional and keyword arguments in a call of macro '${macro.name}'`);
      const parameter = macro.parameters[next++];
      if (parameter === undefined) throw new MacroError('HL0209', `too many positional arguments for macro '${macro.name}' (it takes ${macro.parameters.length})`);
      if (parameter.vararg) {
        actual.set(parameter.name, text.slice(i));
        i = text.length;
      } else {
        const arg = readArgument(text, i);
        actual.set(parameter.name, arg.value);
        i = arg.end;
      }
    }
    i = skipComma(text, i);
  }
  const values = new Map<string, string>();
  for (const p of macro.parameters) {
    const given = actual.get(p.name) ?? '';
    if (given === '' && p.required) throw new MacroError('HL0207', `missing value for required parameter '${p.name}' of macro '${macro.name}'`);
    values.set(p.name, given === '' ? p.defaultValue : given);
  }
  return values;
}

/**
 * Substitutes `\name` (parameters), `\()` and `\@` in one line of a body. `counter` is undefined for
 * `.irp`/`.irpc`, where GNU as leaves `\@` alone.
 */
export function substitute(line: string, values: ReadonlyMap<string, string>, counter: number | undefined): string {
  return expandTemplate(compileTemplate(line, new Set(values.keys()), counter !== undefined), values, counter ?? 0);
}

/**
 * One body line split once into literal text, parameter references and `\@`, so that each
 * invocation only joins pieces. Expanding it gives exactly what `substitute` gives for the same
 * parameter names.
 */
export type Template = readonly (string | { param: string } | { counter: true })[];

export function compileTemplate(line: string, parameters: ReadonlySet<string>, withCounter: boolean): Template {
  if (!line.includes('\\')) return [line];
  const parts: (string | { param: string } | { counter: true })[] = [];
  let literal = '';
  let start = 0;
  let i = line.indexOf('\\');
  while (i >= 0) {
    literal += line.slice(start, i);
    const c = line[i + 1];
    if (c === '(') {
      const close = line.indexOf(')', i + 2);
      const end = close < 0 ? line.length : close;
      literal += line.slice(i + 2, end);
      start = Math.min(line.length, end + 1);
    } else if (c === '@' && withCounter) {
      parts.push(literal, { counter: true });
      literal = '';
      start = i + 2;
    } else {
      let end = i + 1;
      while (end < line.length && isNameChar(line[end])) end++;
      const name = line.slice(i + 1, end);
      if (parameters.has(name)) {
        parts.push(literal, { param: name });
        literal = '';
        start = end;
      } else {
        literal += '\\';
        start = i + 1;
      }
    }
    i = line.indexOf('\\', Math.max(start, i + 1));
  }
  parts.push(literal + line.slice(start));
  return parts.filter((p) => p !== '');
}

/** A compiled line with `values` for its parameters and `counter` for `\@`. */
export function expandTemplate(template: Template, values: ReadonlyMap<string, string>, counter: number): string {
  if (template.length === 1 && typeof template[0] === 'string') return template[0];
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') out += part;
    else if ('param' in part) out += values.get(part.param) ?? '';
    else out += String(counter);
  }
  return out;
}
