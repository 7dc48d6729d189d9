// The front end's entry points: `.S` text -> C preprocessor -> GNU as statements -> Program.
// Nothing but AsmError leaves these functions: any other exception becomes an HL0999 diagnostic.

import { readFileSync } from 'node:fs';
import { AsmError, diagnostic, originOf, type Diagnostic } from './diagnostics.ts';
import type { Program } from './program.ts';
import { preprocess } from './cpp.ts';
import { Assembler, DEFAULT_LIMITS, type AssemblerLimits } from './assembler.ts';
import { assembleInstruction } from '../a64/assemble.ts';

export interface AssembleOptions {
  includeDirs?: string[];
  defines?: Record<string, string>;
  /** Virtual file system for tests and fuzzing; undefined means "no such file". */
  readFile?: (path: string) => string | undefined;
  limits?: Partial<AssemblerLimits> & { maxInputBytes?: number };
}

/** Preprocessed input larger than this is refused (HL0901) unless a limit says otherwise. */
const DEFAULT_MAX_INPUT_BYTES = 32 * 1024 * 1024;

function readWith(options: AssembleOptions): (path: string) => string | undefined {
  if (options.readFile) return options.readFile;
  return (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
}

function run(path: string, text: string | undefined, options: AssembleOptions): Program {
  const read = readWith(options);
  const warnings: Diagnostic[] = [];
  try {
    const maxInput = options.limits?.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
    if (text !== undefined && text.length > maxInput) {
      throw new AsmError(diagnostic('HL0901', `input is ${text.length} bytes, over the limit of ${maxInput}`, originOf(path)));
    }
    const lines = preprocess(path, { includeDirs: options.includeDirs ?? [], defines: options.defines ?? {}, readFile: read, onWarning: (w) => warnings.push(w) }, text);
    let total = 0;
    for (const line of lines) total += line.text.length + 1;
    if (total > maxInput) throw new AsmError(diagnostic('HL0901', `preprocessed input is ${total} bytes, over the limit of ${maxInput}`, originOf(path)));
    const limits = { ...DEFAULT_LIMITS, ...definedOnly(options.limits ?? {}) };
    const assembler = new Assembler(assembleInstruction, limits, { read, dirs: options.includeDirs ?? [] });
    const program = assembler.run(lines, path);
    program.warnings.unshift(...warnings);
    return program;
  } catch (e) {
    if (e instanceof AsmError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new AsmError(diagnostic('HL0999', `internal error: ${message}`, originOf(path)));
  }
}

function definedOnly(limits: Partial<AssemblerLimits>): Partial<AssemblerLimits> {
  const out: Partial<AssemblerLimits> = {};
  for (const key of ['maxMacroDepth', 'maxRepeat', 'maxStatements', 'maxSectionBytes'] as const) {
    const v = limits[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Assembles a file (read through `options.readFile` or the file system); throws AsmError. */
export function assembleFile(path: string, options: AssembleOptions = {}): Program {
  return run(path, undefined, options);
}

/** Assembles `text` as if it were the file `path`; throws AsmError. */
export function assembleText(path: string, text: string, options: AssembleOptions = {}): Program {
  return run(path, text, options);
}
