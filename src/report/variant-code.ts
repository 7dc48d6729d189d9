// A variant's code as the front end sees it: the Program (every instruction with its origin) and the
// source text of every file the origins name. The analyses of src/report (macro call graph, per-macro
// expansion, macro-level diff) read this, never the running machine.

import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { assembleFile } from '../asm/assemble.ts';
import { fail, originOf } from '../asm/diagnostics.ts';
import type { Program } from '../asm/program.ts';
import { asmConstants } from '../layout/asm-constants.ts';

export interface VariantCode {
  name: string;
  dir: string;
  /** variants/<name>/hyp.S */
  hypSource: string;
  program: Program;
  /** The text of hyp.S and of every file an origin names (headers it includes), by absolute path. */
  sources: Map<string, string>;
}

/** Assembles the variant in folder `dir` as `loadVariant` does (layout constants as #defines, the folder as include directory). */
export function variantCode(dir: string): VariantCode {
  const key = resolve(dir);
  const hypSource = join(key, 'hyp.S');
  const layoutFile = join(key, 'layout.ts');
  for (const file of [hypSource, layoutFile]) {
    if (!existsSync(file)) fail('HL0902', `cannot read ${file}: a variant folder holds hyp.S and layout.ts`, originOf(file));
  }
  const program = assembleFile(hypSource, { includeDirs: [key], defines: asmConstants(layoutFile).defines });
  return { name: basename(key), dir: key, hypSource, program, sources: sourcesOf(program, [hypSource]) };
}

/** The text of `first` and of every file an instruction's origin or expansion frame names. */
export function sourcesOf(program: Program, first: string[] = []): Map<string, string> {
  const files = new Set(first);
  for (const insn of program.instructions) {
    files.add(insn.origin.location.file);
    for (const f of insn.origin.stack) files.add(f.at.file);
  }
  const sources = new Map<string, string>();
  for (const file of files) if (existsSync(file)) sources.set(file, readFileSync(file, 'utf8'));
  return sources;
}
