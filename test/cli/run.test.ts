// `hyplab run VARIANT`: both observations as text and JSON, the trace with origins, exit status 0 for a
// completed run, 1 for a failed one (coded diagnostic with origin), 2 for bad usage; VARIANT as a
// name or a folder.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VARIANTS_DIR } from '../../src/worldswitch/variant.ts';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-run-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const noStackTrace = (stderr: string): void => expect(stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);

describe('hyplab run: a completed world switch', () => {
  it('prints both observations and the specification verdict as text', async () => {
    const r = await runCli('run', 'original', '--exit', 'dabt', '--guest', 'aarch32', '--seed', '4');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^original: dabt exit from an aarch32 guest, seed 4 .*completed in \d+ steps/);
    expect(r.stdout).toMatch(/^ {2}guest-entry\.x4 +0x[0-9a-f]{16}$/m);
    expect(r.stdout).toMatch(/^ {2}guest-entry\.dacr32_el2 +0x/m);
    expect(r.stdout).toMatch(/^ {2}host-return\.sctlr_el1 +0x/m);
    expect(r.stdout).toMatch(/^ {2}vcpu\.fault\.esr_el2 +0x000000009[23][0-9a-f]{6}$/m); // EC 0x24 (a data abort), IL
    expect(r.stdout).toMatch(/^ {2}vcpu\.sys_regs\[TTBR0_EL1\] +0x/m);
    expect(r.stdout).toContain('specification: every value it determines is as expected');
  });

  it('as JSON: records of named hex values, deterministic for a seed', async () => {
    const a = await runCli('run', 'original', '--exit', 'irq', '--seed', '9', '--format', 'json');
    const b = await runCli('run', join(VARIANTS_DIR, 'original'), '--exit', 'irq', '--seed', '9', '--format', 'json');
    expect(a.status).toBe(0);
    const json = JSON.parse(a.stdout);
    expect(json).toMatchObject({ variant: 'original', seed: 9, exit: 'irq', status: 'completed', stray_writes: [], specification: [] });
    expect(json.host_return['host-return.x0']).toBe('0x0000000000000000'); // ARM_EXCEPTION_IRQ
    expect(json.guest_entry['guest-entry.v31']).toMatch(/^0x[0-9a-f]{32}$/);
    expect(JSON.parse(b.stdout)).toEqual(json);
  });

  it('--trace shows each step with its origin and macro stack, and what the scenario did between', async () => {
    const r = await runCli('run', 'original', '--exit', 'hvc', '--guest', 'aarch64', '--trace');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^0x0000000040001008  hvc #0 +<host>\/kvm_call_hyp\.S:7:2$/m);
    expect(r.stdout).toMatch(/stp x19, x20, \[sp, #-16\]! +\S+variants\/original\/hyp\.S:55:2 < push@\S+hyp\.S:\d+:\d+ < save_host_regs@/);
    expect(r.stdout).toMatch(/^-- the guest runs \(aarch64\)/m);
    expect(r.stdout).toMatch(/^-- exit: hvc from the aarch64 guest to EL2 at 0x0000000040000c00/m);
  });
});

describe('hyplab run: failures and usage', () => {
  it('a run that panics exits 1 with a coded diagnostic at the instruction responsible', async () => {
    const dir = join(work, 'panics');
    mkdirSync(dir);
    const text = readFileSync(join(VARIANTS_DIR, 'original', 'hyp.S'), 'utf8');
    writeFileSync(join(dir, 'hyp.S'), text.replace('ldr\tx2, [x2, #KVM_VTTBR]', 'ldr\tx2, [x2, x2]'));
    copyFileSync(join(VARIANTS_DIR, 'original', 'layout.ts'), join(dir, 'layout.ts'));
    const r = await runCli('run', dir, '--exit', 'hvc');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/panics\/hyp\.S:\d+:\d+: error\[HL0711\]: reached __kvm_hyp_panic/);
    expect(r.stderr).toMatch(/in expansion of activate_vm/);
    expect(r.stdout).toMatch(/FAILED after \d+ steps: HL0711/);
    noStackTrace(r.stderr);
  });

  it('a folder without hyp.S and layout.ts exits 1 with HL0902', async () => {
    const dir = join(work, 'empty');
    mkdirSync(dir);
    const r = await runCli('run', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('HL0902');
    noStackTrace(r.stderr);
  });

  it.each([
    [['run', 'no-such-variant'], /no variant 'no-such-variant': name one of .*original/],
    [['run', 'original', '--exit', 'smc'], /--exit|Choices/],
    [['run', 'original', '--guest', 'x86'], /--guest|Choices/],
    [['run', 'original', '--seed', '-3'], /--seed must be a non-negative integer/],
    [['run'], /variant/],
  ])('usage error %j exits 2 with HL0903', async (argv, message) => {
    const r = await runCli(...argv);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/HL0903/);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
