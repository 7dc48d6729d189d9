// `hyplab trace VARIANT`: every executed step numbered, with PC, origin (file:line:col < macro stack)
// and what it wrote, as text and JSON (the same steps in both); a failing run ends in its coded
// diagnostic (exit 1); usage errors exit 2.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWorldSwitch } from '../../src/worldswitch/scenario.ts';
import { loadVariant, VARIANTS_DIR } from '../../src/worldswitch/variant.ts';
import { generateWorld } from '../../src/worldswitch/world.ts';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-trace-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('hyplab trace', () => {
  it('text: numbered steps with PC, origin and macro stack, writes below, scenario steps between', async () => {
    const r = await runCli('trace', 'original', '--exit', 'dabt', '--guest', 'aarch64', '--seed', '2');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^original: dabt exit from an aarch64 guest, seed 2: completed in \d+ steps$/);
    expect(r.stdout).toMatch(/^ *\d+ {2}0x[0-9a-f]{16} {2}stp x19, x20, \[sp, #-16\]! +\S+\/original\/hyp\.S:55:2 < push@\S+hyp\.S:\d+:2 < save_host_regs@\S+hyp\.S:\d+:2$/m);
    expect(r.stdout).toMatch(/^ +\[0x[0-9a-f]{16}\]=0x[0-9a-f]{16} \[0x[0-9a-f]{16}\]=0x[0-9a-f]{16} sp_el2=0x[0-9a-f]{16}$/m);
    expect(r.stdout).toMatch(/^-- exit: dabt from the aarch64 guest to EL2/m);
    expect(r.stdout).toMatch(/^ *\d+ {2}0x[0-9a-f]{16} {2}mrs x2, far_el2 +\S+hyp\.S:\d+:\d+$/m);
  });

  it('JSON: the same steps as the text, numbered in order, as the scenario executed them', async () => {
    const args = ['trace', 'original', '--exit', 'irq', '--guest', 'aarch64', '--seed', '6'];
    const text = await runCli(...args);
    const r = await runCli(...args, '--format', 'json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ variant: 'original', seed: 6, exit: 'irq', guest: 'aarch64', status: 'completed' });
    expect(json.trace.map((s: { step: number }) => s.step)).toEqual(json.trace.map((_: unknown, i: number) => i));
    const insns = json.trace.filter((s: { pc?: string }) => s.pc !== undefined);
    const scenario = json.trace.filter((s: { scenario?: string }) => s.scenario !== undefined);
    expect(scenario.length).toBeGreaterThan(2);
    // Every instruction step is a line of the text, in the same order.
    const textSteps = text.stdout.split('\n').filter((l) => /^ *\d+ {2}0x/.test(l));
    expect(textSteps).toHaveLength(insns.length);
    textSteps.forEach((l, i) => expect(l).toContain(`${insns[i].pc}  ${insns[i].text}`));
    // The trace is the scenario's own, step for step.
    const run = runWorldSwitch(loadVariant(join(VARIANTS_DIR, 'original')), generateWorld(6, { exit: 'irq', guest: 'aarch64' }), { trace: true });
    const entries = run.trace!.flatMap((seg) => (seg.kind === 'run' ? seg.entries : []));
    expect(insns.map((s: { pc: string }) => BigInt(s.pc))).toEqual(entries.map((e) => e.pc));
    const push = insns.find((s: { text: string }) => s.text === 'stp x19, x20, [sp, #-16]!');
    expect(push.origin).toMatchObject({ file: expect.stringMatching(/original\/hyp\.S$/), line: 55, col: 2 });
    expect(push.origin.stack.map((f: { macro: string }) => f.macro)).toEqual(['push', 'save_host_regs']);
    expect(push.writes.map((w: { where: string }) => w.where)).toEqual([expect.stringMatching(/^\[0x/), expect.stringMatching(/^\[0x/), 'sp_el2']);
    expect(push.writes[2]).toMatchObject({ value: expect.stringMatching(/^0x[0-9a-f]{16}$/), width: 64 });
  });

  it('a run that panics: the trace up to it, the diagnostic on stderr, exit 1', async () => {
    const dir = join(work, 'panics');
    mkdirSync(dir);
    const text = readFileSync(join(VARIANTS_DIR, 'original', 'hyp.S'), 'utf8');
    writeFileSync(join(dir, 'hyp.S'), text.replace('ldr\tx2, [x2, #KVM_VTTBR]', 'ldr\tx2, [x2, x2]'));
    copyFileSync(join(VARIANTS_DIR, 'original', 'layout.ts'), join(dir, 'layout.ts'));
    const r = await runCli('trace', dir, '--exit', 'hvc', '--format', 'json');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/panics\/hyp\.S:\d+:\d+: error\[HL0711\]/);
    const json = JSON.parse(r.stdout);
    expect(json.status).toBe('failed');
    expect(json.failure).toMatchObject({ code: 'HL0711', origin: { file: expect.stringMatching(/panics\/hyp\.S$/) } });
    expect(json.failure.origin.stack.map((f: { macro: string }) => f.macro)).toContain('activate_vm');
    expect(json.trace.length).toBeGreaterThan(0);
  });

  it.each([
    [['trace', 'no-such-variant'], /no variant 'no-such-variant'/],
    [['trace', 'original', '--seed', 'x'], /--seed/],
    [['trace', 'original', '--guest', 'x86'], /guest|Choices/],
    [['trace'], /variant/],
  ])('%j exits 2 with HL0903', async (argv, message) => {
    const r = await runCli(...argv);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/HL0903/);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
