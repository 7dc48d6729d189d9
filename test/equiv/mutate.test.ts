// Mutants: each operator gives the expected edit on a small source (and nothing where it does not
// apply); ids are stable; and real mutants of original, end to end, get the verdicts they must.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOriginal } from '../../src/equiv/check-variant.ts';
import { applyMutant, enumerateMutants, readInstruction, spread } from '../../src/equiv/mutate.ts';
import type { Mutant, MutationOperator, SlotFamilies } from '../../src/equiv/mutate.ts';
import { evaluateMutant, killRates, mutantsOf } from '../../src/equiv/mutate-run.ts';
import { VARIANTS_DIR } from '../../src/worldswitch/variant.ts';

const FAMILIES: SlotFamilies = {
  sysreg: new Map([['MPIDR_EL1', 1], ['CSSELR_EL1', 2], ['SCTLR_EL1', 3]]),
  spsr: new Map([['KVM_SPSR_EL1', 0], ['KVM_SPSR_ABT', 1]]),
};

const SOURCE = [
  '/* a block comment',
  '   stp x0, x1, [sp] is not code */',
  '.macro push, first, second',
  '\tstp\t\\first, \\second, [sp, #-16]!',
  '.endm',
  '#define X 1',
  'label:\tpush\tx19, x20 // save',
  '\tpush\tx21, x22',
  '\tldp\tx2, x3, [x0, #SYSREG_OFFSET(CSSELR_EL1)]',
  '\tmrs\tx4, elr_el1',
  '\tmsr\tvbar_el2, x5',
  '\tmrs\tx6, tpidrro_el0',
  '1:\tcbz\tx2, 2f',
  '\tb.eq\t1b',
  '\ttbnz\tx2, #31, 1f',
  '\tldr\tx6, [x0, #SPSR_OFFSET(KVM_SPSR_EL1)]',
  '\tENTRY(foo)',
].join('\n');

function of(operator: MutationOperator): Mutant[] {
  return enumerateMutants(SOURCE, 'hyp.S', FAMILIES, { operators: [operator] });
}

function changed(m: Mutant): string[] {
  return applyMutant(SOURCE, m).split('\n').filter((l, k) => l !== SOURCE.split('\n')[k]);
}

describe('reading a source line', () => {
  it('finds the instruction after labels and keeps its comment', () => {
    expect(readInstruction('label:\tpush\tx19, x20 // save')).toEqual({ prefix: 'label:\t', mnemonic: 'push', gap: '\t', operands: 'x19, x20', comment: ' // save' });
    expect(readInstruction('1:')).toBeUndefined();
    expect(readInstruction('.macro push, a, b')).toBeUndefined();
    expect(readInstruction('#define X 1')).toBeUndefined();
    expect(readInstruction('\tENTRY(foo)')).toBeUndefined();
  });
});

describe('each operator on a small source', () => {
  it('swap-pair swaps the registers of stp, ldp, push and pop (macro bodies included)', () => {
    expect(of('swap-pair').map((m) => [m.line, changed(m)[0]])).toEqual([
      [4, '\tstp\t\\second, \\first, [sp, #-16]!'],
      [7, 'label:\tpush\tx20, x19 // save'],
      [8, '\tpush\tx22, x21'],
      [9, '\tldp\tx3, x2, [x0, #SYSREG_OFFSET(CSSELR_EL1)]'],
    ]);
  });

  it('drop empties one instruction line and keeps its label; the block comment and directives are not instructions', () => {
    const lines = of('drop').map((m) => m.line);
    expect(lines).toEqual([4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(changed(of('drop')[1]!)).toEqual(['label: // save']);
    expect(changed(of('drop')[7]!)).toEqual(['1:']);
  });

  it('offset moves a signed, pre-index or post-index offset by -16, -8, +8, +16', () => {
    const m = of('offset');
    expect(m.filter((x) => x.line === 9).map((x) => changed(x)[0])).toEqual([-16, -8, 8, 16].map((d) => `\tldp\tx2, x3, [x0, #(SYSREG_OFFSET(CSSELR_EL1))${d > 0 ? '+' : ''}${d}]`));
    expect(changed(m.find((x) => x.line === 4)!)[0]).toBe('\tstp\t\\first, \\second, [sp, #(-16)-16]!');
    const post = enumerateMutants('\tldr\tw5, [x3], #4', 'hyp.S', FAMILIES, { operators: ['offset'] });
    expect(post.map((x) => applyMutant('\tldr\tw5, [x3], #4', x))).toEqual(['\tldr\tw5, [x3], #(4)-16', '\tldr\tw5, [x3], #(4)-8', '\tldr\tw5, [x3], #(4)+8', '\tldr\tw5, [x3], #(4)+16']);
  });

  it('el-twin swaps _el1 and _el2 only where the catalog has the twin', () => {
    expect(of('el-twin').map((m) => [m.line, changed(m)[0]])).toEqual([
      [10, '\tmrs\tx4, elr_el2'],
      [11, '\tmsr\tvbar_el1, x5'],
    ]);
  });

  it('swap-saves swaps two adjacent saves', () => {
    const [m, ...rest] = of('swap-saves');
    expect(rest).toEqual([]);
    expect(m!.line).toBe(7);
    expect(changed(m!)).toEqual(['\tpush\tx21, x22', 'label:\tpush\tx19, x20 // save']);
  });

  it('push-pop turns push calls and the stp pre-index on sp into pops', () => {
    expect(of('push-pop').map((m) => [m.line, changed(m)[0]])).toEqual([
      [4, '\tldp\t\\first, \\second, [sp], #16'],
      [7, 'label:\tpop\tx19, x20 // save'],
      [8, '\tpop\tx21, x22'],
    ]);
    const pop = '\tldp\tx1, x2, [sp], #16';
    expect(enumerateMutants(pop, 'hyp.S', FAMILIES, { operators: ['push-pop'] }).map((m) => applyMutant(pop, m))).toEqual(['\tstp\tx1, x2, [sp, #-16]!']);
  });

  it('sysreg-slot moves a SysReg or KVM_SPSR_* index to each neighbour', () => {
    expect(of('sysreg-slot').map((m) => [m.line, changed(m)[0]])).toEqual([
      [9, '\tldp\tx2, x3, [x0, #SYSREG_OFFSET(MPIDR_EL1)]'],
      [9, '\tldp\tx2, x3, [x0, #SYSREG_OFFSET(SCTLR_EL1)]'],
      [16, '\tldr\tx6, [x0, #SPSR_OFFSET(KVM_SPSR_ABT)]'],
    ]);
  });

  it('branch inverts conditions, cbz and tbnz', () => {
    expect(of('branch').map((m) => changed(m)[0])).toEqual(['1:\tcbnz\tx2, 2f', '\tb.ne\t1b', '\ttbz\tx2, #31, 1f']);
  });

  it('ids are stable: a filter keeps the ids of the full enumeration; spread is even and deterministic', () => {
    const all = enumerateMutants(SOURCE, 'hyp.S', FAMILIES);
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
    for (const m of of('branch')) expect(all.find((a) => a.id === m.id)).toEqual(m);
    expect(spread(all, 3).map((m) => m.id)).toEqual([all[0]!.id, all[Math.floor(all.length / 3)]!.id, all[Math.floor((2 * all.length) / 3)]!.id]);
  });
});

describe('mutants of original, end to end (proof on nr_lr {1, 4, 64}, 30 random worlds)', () => {
  const original = loadOriginal();
  const dir = join(VARIANTS_DIR, 'original');
  const all = mutantsOf(dir);
  const work = mkdtempSync(join(tmpdir(), 'hyplab-mutate-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const run = (m: Mutant) => evaluateMutant(dir, m, work, { runs: 30, seed: 42, original });
  const find = (operator: MutationOperator, pred: (m: Mutant) => boolean): Mutant => {
    const m = all.find((x) => x.operator === operator && pred(x));
    expect(m, `a ${operator} mutant`).toBeDefined();
    return m!;
  };
  const source = readFileSync(join(dir, 'hyp.S'), 'utf8').split('\n');
  const lineOf = (m: Mutant) => source[m.line - 1]!;

  it('a swapped ldp pair in fpsimd_restore: non-equivalent and killed, naming a V register', () => {
    const r = run(find('swap-pair', (m) => /ldp\tq0, q1/.test(lineOf(m))));
    expect(r.outcome).toBe('agree');
    expect(r.proof!.status).toBe('non-equivalent');
    expect(r.property!.killed).toBe(true);
    expect(r.property!.value).toMatch(/\.v[01]$/);
    expect(r.property!.replay).toMatch(/--seed 42|hyplab run/);
  }, 120_000);

  it('a wrong sysreg slot and an inverted branch: both checks see them', () => {
    for (const m of [find('sysreg-slot', () => true), find('branch', (x) => /cbz\tx2, 2f/.test(lineOf(x)))]) {
      const r = run(m);
      expect(r.proof!.status, m.description).toBe('non-equivalent');
      expect(r.property!.killed, m.description).toBe(true);
      expect(r.outcome).toBe('agree');
    }
  }, 120_000);

  it('an offset that does not encode is stillborn, not killed', () => {
    const m = find('offset', (x) => /ldp\tq0, q1/.test(lineOf(x)) && x.description.endsWith('-8'));
    const r = run(m);
    expect(r.outcome).toBe('stillborn');
    expect(r.stillborn).toMatch(/HL\d{4}/);
    expect(killRates([r])).toMatchObject({ total: 1, stillborn: 1, live: 0 });
  }, 60_000);

  it('swapping two independent saves of the host GPRs (push with matching pops elsewhere) is killed', () => {
    const m = find('swap-saves', (x) => /push\tx19, x20/.test(lineOf(x)));
    const r = run(m);
    expect(r.proof!.status).toBe('non-equivalent');
    expect(r.property!.killed).toBe(true);
  }, 120_000);
});
