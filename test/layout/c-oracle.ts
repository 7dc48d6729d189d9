// gcc as the oracle for struct layout: render a Layout as C declarations, compile a tiny program
// that prints offsetof/sizeof/_Alignof of what we ask, and read the numbers back. The host is
// x86-64 LP64, whose rules for these types match AArch64 LP64 (unsigned __int128 aligns to 16 on
// both; a pointer is 8 bytes).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { CType, Layout, ScalarName } from '../../src/layout/layout.ts';
import { oraclesRequired } from '../helpers/gnu-as.ts';

const C_SCALARS: Record<ScalarName, string> = {
  u8: 'unsigned char',
  u16: 'unsigned short',
  u32: 'unsigned int',
  u64: 'unsigned long',
  u128: 'unsigned __int128',
  s8: 'signed char',
  s16: 'short',
  s32: 'int',
  s64: 'long',
  s128: '__int128',
};

export const INSTALL_GCC = 'apt-get install -y --no-install-recommends gcc';

function findGcc(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'gcc'))) return join(dir, 'gcc');
  }
  return undefined;
}

export const gcc = findGcc();

/** `describe` for tests that need gcc: skipped loudly without it, failing with HYPLAB_REQUIRE_ORACLES=1. */
export function describeWithGcc(name: string, fn: (gcc: string) => void): void {
  if (gcc !== undefined) {
    describe(name, () => fn(gcc));
    return;
  }
  const why = `gcc is not installed; install it with: ${INSTALL_GCC}`;
  if (oraclesRequired()) {
    describe(name, () => it('needs gcc (HYPLAB_REQUIRE_ORACLES=1)', () => {
      throw new Error(why);
    }));
    return;
  }
  console.warn(`SKIPPED "${name}": ${why}`);
  describe.skip(name, () => it('needs gcc', () => undefined));
}

/** `T name[a][b]`: the C declarator for a field of type t. */
function declarator(t: CType, name: string): string {
  let dims = '';
  let base = t;
  while (base.kind === 'array') {
    dims += `[${base.length}]`;
    base = base.element;
  }
  const spelled = base.kind === 'scalar' ? C_SCALARS[base.name] : base.kind === 'pointer' ? 'void *' : `struct ${base.name}`;
  return `${spelled} ${name}${dims}`;
}

/** The layout's structs as C, in an order where every struct precedes its users. */
export function cDeclarations(layout: Layout): string {
  const out: string[] = [];
  const done = new Set<string>();
  const emit = (t: CType): void => {
    if (t.kind === 'array') return emit(t.element);
    if (t.kind !== 'struct' || done.has(t.name)) return;
    done.add(t.name);
    for (const f of t.fields) emit(f.type);
    out.push(`struct ${t.name} {\n${t.fields.map((f) => `  ${declarator(f.type, f.name)};`).join('\n')}\n};`);
  };
  for (const s of layout.structs) emit(s);
  return out.join('\n');
}

/**
 * Compiles `declarations` plus one printf per expression (each a C integer expression such as
 * `offsetof(struct kvm_regs, spsr[2])`) and returns the printed values in order.
 */
export function cValues(compiler: string, declarations: string, expressions: string[]): bigint[] {
  const dir = mkdtempSync(join(tmpdir(), 'hyplab-layout-'));
  try {
    const prints = expressions.map((e) => `  printf("%lld\\n", (long long)(${e}));`).join('\n');
    const program = `#include <stddef.h>\n#include <stdio.h>\n${declarations}\nint main(void) {\n${prints}\n  return 0;\n}\n`;
    writeFileSync(join(dir, 'layout.c'), program);
    const cc = spawnSync(compiler, ['-std=gnu11', '-Wall', '-Werror', '-o', join(dir, 'layout'), join(dir, 'layout.c')], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`gcc failed:\n${cc.stderr}\n--- program ---\n${program}`);
    const run = spawnSync(join(dir, 'layout'), [], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`layout program failed: ${run.stderr}`);
    return run.stdout.trim().split('\n').map((l) => BigInt(l));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
