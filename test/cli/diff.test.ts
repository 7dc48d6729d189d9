// `hyplab diff A B`: macros added/removed/changed with their instruction counts, and the instructions
// that moved, changed, were inserted or deleted, with their source lines — checked on variants made
// here by known edits of original; with --trace, the two runs aligned and the first divergence at the
// edited line. JSON shapes, and usage errors (exit 2).

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VARIANTS_DIR } from '../../src/worldswitch/variant.ts';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ORIGINAL = readFileSync(join(VARIANTS_DIR, 'original', 'hyp.S'), 'utf8').split('\n');

/** Line number (1-based) of the only line of original's hyp.S that starts with `text` after its tab. */
function lineOf(text: string): number {
  const found = ORIGINAL.flatMap((l, i) => (l.trim().replace(/\s+/g, ' ').startsWith(text) ? [i + 1] : []));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** A variant in the work folder: original's layout, original's hyp.S edited by `edit`. */
function variant(name: string, edit: (lines: string[]) => string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'hyp.S'), edit([...ORIGINAL]).join('\n'));
  copyFileSync(join(VARIANTS_DIR, 'original', 'layout.ts'), join(dir, 'layout.ts'));
  return dir;
}

const X19 = lineOf('mrs x19, sp_el0');
const X20 = lineOf('mrs x20, sp_el1');
const TPIDR = lineOf('msr tpidr_el2, x0');
let swapped: string;
let edited: string;

beforeAll(() => {
  // save_host_regs reads SP_EL1 before SP_EL0: one instruction moves.
  swapped = variant('swapped', (l) => {
    [l[X19 - 1], l[X20 - 1]] = [l[X20 - 1]!, l[X19 - 1]!];
    return l;
  });
  // A top-level instruction changed, and a new macro invoked right after it.
  edited = variant('edited', (l) => {
    l[TPIDR - 1] = '\tmsr\ttpidr_el2, x1\n\textra_nop';
    const text = l.join('\n');
    return text.replace('\t.text\n', '.macro extra_nop\n\tnop\n.endm\n\n\t.text\n').split('\n');
  });
});

describe('hyplab diff: macros and instructions', () => {
  it('a variant against itself: nothing changed, exit 0', async () => {
    const r = await runCli('diff', 'original', 'original');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^original -> original: 0 macros added, removed or changed; \d+ the same$/m);
    expect(r.stdout).toContain('Routines: every routine expands to the same instructions.');
  });

  it('a moved instruction: its macro and routine say moved, with both source lines', async () => {
    const r = await runCli('diff', 'original', swapped);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}changed +save_host_regs +15 instructions in 1 invocation \(defined at hyp\.S:\d+\): definition changed; 1 moved$/m);
    const moved = new RegExp(`^ {4}> mrs x(19|20), sp_el[01] +hyp\\.S:(${X19}|${X20}) < save_host_regs\\n {6}moved to hyp\\.S:(${X19}|${X20}) < save_host_regs`, 'm');
    expect(r.stdout).toMatch(moved);
    expect(r.stdout).toMatch(/^ {2}__kvm_vcpu_run \(changed, \d+ instructions\): 1 moved$/m);

    const json = JSON.parse((await runCli('diff', 'original', swapped, '--format', 'json')).stdout);
    const run = json.routines.find((u: { name: string }) => u.name === '__kvm_vcpu_run');
    expect(run.counts).toEqual({ moved: 1, changed: 0, inserted: 0, deleted: 0 });
    const [line] = run.lines;
    expect(line.kind).toBe('moved');
    expect(line.a.text).toBe(line.b.text);
    expect(new Set([line.a.origin.line, line.b.origin.line])).toEqual(new Set([X19, X20]));
    expect(line.a.origin.stack.map((f: { macro: string }) => f.macro)).toEqual(['save_host_regs']);
  });

  it('a changed line and an added macro: counted and placed, every other macro the same', async () => {
    const r = await runCli('diff', 'original', edited, '--format', 'json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ a: 'original', b: 'edited' });
    const extra = json.macros.find((m: { name: string }) => m.name === 'extra_nop');
    expect(extra).toMatchObject({ status: 'added', instructions: { a: null, b: 1 }, invocations: { a: null, b: 1 }, defined: { a: null, b: expect.stringMatching(/^hyp\.S:\d+$/) } });
    expect(json.macros.filter((m: { status: string }) => m.status !== 'same').map((m: { name: string }) => m.name)).toEqual(['extra_nop']);
    const run = json.routines.find((u: { name: string }) => u.name === '__kvm_vcpu_run');
    expect(run.status).toBe('changed');
    expect(run.instructions.b).toBe(run.instructions.a + 1);
    expect(run.counts).toEqual({ moved: 0, changed: 1, inserted: 1, deleted: 0 });
    const changed = run.lines.find((l: { kind: string }) => l.kind === 'changed');
    expect(changed.a).toMatchObject({ text: 'msr tpidr_el2, x0', origin: { line: TPIDR, stack: [] } });
    expect(changed.b.text).toBe('msr tpidr_el2, x1');
    const inserted = run.lines.find((l: { kind: string }) => l.kind === 'inserted');
    expect(inserted.a).toBeNull();
    expect(inserted.b.text).toBe('nop');
    expect(inserted.b.origin.stack.map((f: { macro: string }) => f.macro)).toEqual(['extra_nop']);
    for (const u of json.routines.filter((x: { name: string }) => x.name !== '__kvm_vcpu_run')) expect(u.status).toBe('same');
  });

  it("shared-gpr-macro: the host's GPR macros are rewritten yet expand to the same instructions (the proposal's claim)", async () => {
    const json = JSON.parse((await runCli('diff', 'original', 'shared-gpr-macro', '--format', 'json')).stdout);
    const byName = new Map(json.macros.map((m: { name: string }) => [m.name, m]));
    expect(byName.get('save_host_regs')).toMatchObject({ status: 'changed', definition_changed: true, lines: [] });
    expect(byName.get('save_gprs')).toMatchObject({ status: 'added', instructions: { a: null } });
    expect(byName.get('restore_gprs')).toMatchObject({ status: 'added' });
    expect(byName.get('kern_hyp_va')).toMatchObject({ status: 'same', definition_changed: false, lines: [] });
  });
});

describe('hyplab diff --trace: one world switch of each, side by side', () => {
  it('the same variant twice: no divergence', async () => {
    const r = await runCli('diff', 'original', 'original', '--trace', '--exit', 'irq');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('(no divergence: both runs execute the same instructions and write the same values)');
    const json = JSON.parse((await runCli('diff', 'original', 'original', '--trace', '--exit', 'irq', '--format', 'json')).stdout);
    expect(json.trace.first_divergence).toBeNull();
    expect(json.trace.rows.every((r: { kind: string }) => r.kind === 'same')).toBe(true);
  });

  it('the first divergence is at the swapped lines, with both origins and writes', async () => {
    const r = await runCli('diff', 'original', swapped, '--trace', '--exit', 'hvc', '--guest', 'aarch64', '--seed', '3');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Side by side: hvc exit from an aarch64 guest, seed 3$/m);
    const at = r.stdout.indexOf('^ first divergence');
    expect(at).toBeGreaterThan(0);
    const after = r.stdout.slice(at).split('\n');
    expect(after[1]).toMatch(new RegExp(`original: step \\d+ at \\S+/original/hyp\\.S:(${X19}|${X20}):2 < save_host_regs@`));
    expect(after[2]).toMatch(/^ {6}writes x(19|20)=0x[0-9a-f]{16}$/);
    // The alignment keeps one of the two mrs as common: the other is a step only one run has here.
    expect(after[3]).toMatch(new RegExp(`swapped: (no step here|step \\d+ at \\S+/swapped/hyp\\.S:(${X19}|${X20}):2 < save_host_regs@)`));

    const json = JSON.parse((await runCli('diff', 'original', swapped, '--trace', '--exit', 'hvc', '--guest', 'aarch64', '--seed', '3', '--format', 'json')).stdout);
    const { rows, first_divergence: first } = json.trace;
    expect(json.trace).toMatchObject({ seed: 3, exit: 'hvc', guest: 'aarch64', a: { status: 'completed' }, b: { status: 'completed' } });
    expect(rows.slice(0, first).every((row: { kind: string }) => row.kind === 'same')).toBe(true);
    expect(rows[first].kind).not.toBe('same');
    expect([X19, X20]).toContain((rows[first].a ?? rows[first].b).origin.line);
    // Both sides of the alignment are whole traces, each in order.
    for (const side of ['a', 'b'] as const) {
      const steps = rows.flatMap((row: Record<string, { step: number } | null>) => (row[side] ? [row[side]!.step] : []));
      expect(steps).toEqual(steps.map((_: number, i: number) => i));
    }
  });

  it('a run that fails: its diagnostic on stderr, the alignment still printed, exit 1', async () => {
    const panics = variant('panics', (l) => l.join('\n').replace('ldr\tx2, [x2, #KVM_VTTBR]', 'ldr\tx2, [x2, x2]').split('\n'));
    const r = await runCli('diff', 'original', panics, '--trace', '--exit', 'hvc');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/panics\/hyp\.S:\d+:\d+: error\[HL0711\]/);
    expect(r.stdout).toMatch(/panics: hvc exit from an \w+ guest, seed 1: FAILED after \d+ steps: HL0711/);
    expect(r.stdout).toContain('^ first divergence');
  });
});

describe('hyplab diff: usage', () => {
  it.each([
    [['diff', 'original', 'no-such-variant'], /no variant 'no-such-variant'/],
    [['diff', 'no-such-variant', 'original'], /no variant 'no-such-variant'/],
    [['diff', 'original'], /b/],
    [['diff', 'original', 'original', '--trace', '--seed', '1.5'], /--seed must be a non-negative integer/],
    [['diff', 'original', 'original', '--exit', 'smc'], /exit|Choices/],
  ])('%j exits 2 with HL0903', async (argv, message) => {
    const r = await runCli(...argv);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/HL0903/);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
