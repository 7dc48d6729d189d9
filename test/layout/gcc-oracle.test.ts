// Struct layout and assembler constants checked against gcc: every struct's size and alignment,
// every scalar's offset, every object-like constant, and every function-like constant at every index
// its array allows, compiled as C and compared with what src/layout computes.

import { expect, it } from 'vitest';
import { asmConstants } from '../../src/layout/asm-constants.ts';
import { computeLayout } from '../../src/layout/layout.ts';
import { cDeclarations, cValues, describeWithGcc } from './c-oracle.ts';

/** `expr: ours N, gcc M` for every expression where the two disagree. */
function differences(exprs: string[], ours: bigint[], theirs: bigint[]): string[] {
  expect(theirs.length).toBe(exprs.length);
  return exprs.flatMap((e, i) => (ours[i] === theirs[i] ? [] : [`${e}: ours ${ours[i]}, gcc ${theirs[i]}`]));
}

const FIXTURES = ['test/fixtures/layout/kvm.ts', 'test/fixtures/layout/alignment.ts', 'test/fixtures/layout/host-context.ts'];

describeWithGcc('struct layout equals gcc (LP64)', (gcc) => {
  it.each(FIXTURES)('%s: sizes, alignments and every scalar offset', (file) => {
    const layout = computeLayout(file);
    const ours: bigint[] = [];
    const exprs: string[] = [];
    for (const s of layout.structs) {
      exprs.push(`sizeof(struct ${s.name})`, `_Alignof(struct ${s.name})`);
      ours.push(BigInt(s.size), BigInt(s.align));
      for (const f of layout.scalarFields(s.name)) {
        exprs.push(`offsetof(struct ${s.name}, ${f.path})`);
        ours.push(BigInt(f.offset));
      }
    }
    const theirs = cValues(gcc, cDeclarations(layout), exprs);
    expect(differences(exprs, ours, theirs)).toEqual([]);
    expect(exprs.length).toBeGreaterThan(50);
  });

  it.each(['test/fixtures/layout/kvm.ts', 'test/fixtures/layout/host-context.ts'])('%s: the asm constants, function-like ones at every index, as gcc computes them', (file) => {
    const constants = asmConstants(file);
    const layout = constants.layout;
    const macros: string[] = [];
    const exprs: string[] = [];
    const ours: bigint[] = [];
    for (const c of constants.list) {
      macros.push(`#define ${c.key} ${c.body}`);
      if (c.params === undefined) {
        for (const f of c.fields) exprs.push(`offsetof(struct ${f.struct}, ${f.path})`), ours.push(BigInt(f.offset));
        exprs.push(c.name);
        ours.push(c.value!);
        continue;
      }
      // The macro's array, from its own field path: every index it may take.
      const field = c.fields[0]!;
      const arrayPath = field.path.slice(0, field.path.lastIndexOf('['));
      const array = layout.locate(field.struct, arrayPath).type;
      if (array.kind !== 'array') throw new Error(`${c.name} does not index an array`);
      for (let i = 0; i < array.length; i++) {
        const viaPath = `offsetof(struct ${field.struct}, ${arrayPath}[${i}])`;
        exprs.push(`${c.name}(${i})`, viaPath);
        const applied = constants.apply(c.name, [BigInt(i)]);
        ours.push(applied.value, applied.value);
        expect(applied.fields[0]!.path).toBe(`${arrayPath}[${i}]`);
      }
    }
    const theirs = cValues(gcc, `${cDeclarations(layout)}\n${macros.join('\n')}`, exprs);
    expect(differences(exprs, ours, theirs)).toEqual([]);
    expect(exprs.length).toBeGreaterThan(100);
  });
});
