// `hyplab exec`: a bare program from QEMU virt's EL2 reset state to the semihosting exit; the final
// state as text and flat JSON; --el 1, --trace, --max-steps; every fault a coded diagnostic with the
// instruction's file:line and macro stack, never a stack trace; usage errors exit 2.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-exec-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function source(name: string, lines: string[]): string {
  const path = join(work, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A program: `body` after _start, then the semihosting exit with status 0. */
const program = (name: string, body: string[]): string =>
  source(name, ['\t.text', '\t.globl _start', '_start:', ...body, 'exit:', '\tmov w0, #0x18', '\tadr x1, block', '\thlt #0xf000', '\t.balign 8', 'block: .quad 0x20026, 0']);

const noStackTrace = (stderr: string): void => expect(stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);

describe('hyplab exec: a program that exits', () => {
  const file = program('round-trip.S', [
    '\tldr x0, =0x40100000',
    '\tmov sp, x0',
    '\tmov x19, #0x1234',
    '\tstp x19, x19, [sp, #-16]!',
    '\tadr x0, vectors',
    '\tmsr vbar_el2, x0',
    '\tmov x0, #(1 << 31)',
    '\tmsr hcr_el2, x0',
    '\tmov x0, #0x3c5',
    '\tmsr spsr_el2, x0',
    '\tadr x0, guest',
    '\tmsr elr_el2, x0',
    '\teret',
    'guest:',
    '\tmrs x2, currentel',
    '\thvc #0x42',
    '\t.balign 0x800',
    'vectors:',
    '\t.skip 0x400',
    '\tmrs x5, esr_el2',
    '\tb exit',
  ]);

  it('prints the final state as flat JSON: registers, system registers touched, V, FP, memory written', async () => {
    const r = await runCli('exec', file, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ status: 'exit', exit_status: '0x0000000000000000', mode: 'EL2h' });
    expect(s.x2).toBe('0x0000000000000004');
    expect(s.x5).toBe('0x000000005a000042');
    expect(s.esr_el2).toBe('0x000000005a000042');
    expect(s.spsr_el2).toBe('0x00000000000003c5');
    expect(s.sp_el2).toBe('0x00000000400ffff0');
    expect(s.pstate).toBe('0x00000000000003c9');
    expect(s.hcr_el2).toBe('0x0000000080000000');
    expect(s.currentel).toBe('0x0000000000000008');
    expect(s.v31).toBe(`0x${'0'.repeat(32)}`);
    expect(s.fpcr).toBe('0x0000000000000000');
    expect(s.memory).toEqual({ '0x00000000400ffff0': '0x0000000000001234', '0x00000000400ffff8': '0x0000000000001234' });
    for (const key of Object.keys(s)) expect(key).toBe(key.toLowerCase());
  });

  it('prints the same as text, and --trace lists every step with its origin and writes', async () => {
    const r = await runCli('exec', file, '--trace');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^exit 0 after 20 steps, at EL2h$/m);
    expect(r.stdout).toMatch(/^x19 +0x0000000000001234$/m);
    expect(r.stdout).toMatch(/^0x0000000040000038  hvc #0x42 +.*round-trip\.S:19:\d+\n {4}spsr_el2=0x0*3c5 elr_el2=0x0*4000003c esr_el2=0x0*5a000042/m);
    expect(r.stdout).toMatch(/stp x19, x19, \[sp, #-16\]!.*\n {4}\[0x00000000400ffff0\]=0x0*1234 \[0x00000000400ffff8\]=0x0*1234 sp_el2=0x0*400ffff0/);
  });

  it('--el 1 starts at EL1h with HCR_EL2.RW set and nothing at EL2 to take an hvc (HL0710)', async () => {
    const el1 = program('el1.S', ['\tmrs x2, currentel', '\tmrs x3, mpidr_el1', '\thvc #0']);
    const r = await runCli('exec', el1, '--el', '1', '--format', 'json');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/el1\.S:6:\d+: error\[HL0710\]: hvc .*to EL2 not taken/);
    const s = JSON.parse(r.stdout);
    expect([s.x2, s.x3, s.mode, s.status]).toEqual(['0x0000000000000004', '0x0000000080000000', 'EL1h', 'fault']);
  });
});

describe('hyplab exec: faults are coded diagnostics with the origin', () => {
  const macro = ['.macro load_from addr', '\tldr x1, =\\addr', '\tldr x0, [x1]', '.endm'];

  it.each([
    ['unmapped access', [...macro, '\tload_from 0x1000'], 'HL0701', /unmapped\.S:6:\d+: error\[HL0701\]: data abort: 8-byte read from unmapped address 0x0000000000001000[^\n]*\n {2}in expansion of load_from at .*unmapped\.S:8/],
    ['UNDEFINED system register access', ['\tmov x0, #0x9', '\tmrs x0, sctlr_el3'], 'HL0702', /undefined\.S:5:\d+: error\[HL0702\]: UNDEFINED: mrs sctlr_el3 at EL2/],
    ['misaligned SP with checking on', ['\tmov x0, #8', '\tmsr sctlr_el2, x0', '\tldr x0, =0x40100008', '\tmov sp, x0', '\tstr x1, [sp]'], 'HL0703', /sp\.S:8:\d+: error\[HL0703\]: SP alignment fault/],
    ['branch out of the program', ['\tmov x0, #0x2000', '\tbr x0'], 'HL0705', /branch\.S:5:\d+: error\[HL0705\]: the PC 0x0000000000002000 is outside the program/],
  ])('%s', async (_what, body, code, pattern) => {
    const name = { HL0701: 'unmapped.S', HL0702: 'undefined.S', HL0703: 'sp.S', HL0705: 'branch.S' }[code as string]!;
    const r = await runCli('exec', program(name, body as string[]));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(pattern as RegExp);
    expect(r.stdout).toMatch(new RegExp(`^fault ${code} after \\d+ steps`));
    noStackTrace(r.stderr);
  });

  it('a runaway past --max-steps (HL0704) lists the last instructions', async () => {
    const r = await runCli('exec', program('spin.S', ['1:\tadd x0, x0, #1', '\tb 1b']), '--max-steps', '1000');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/spin\.S:4:\d+: error\[HL0704\]: step limit of 1000 reached/);
    expect(r.stdout).toMatch(/^x0 +0x00000000000001f4$/m);
  });

  it('a fault the program has vectors for is taken, not reported', async () => {
    const r = await runCli('exec', program('handled.S', ['\tadr x0, vectors', '\tmsr vbar_el2, x0', '\tmov x1, #0x1000', '\tldr x0, [x1]', '\t.balign 0x800', 'vectors:', '\t.skip 0x200', '\tmrs x7, far_el2', '\tb exit']), '--format', 'json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ x7: '0x0000000000001000', esr_el2: '0x0000000097c08010', far_el2: '0x0000000000001000' });
  });

  it('assembly errors and a missing file exit 1; bad options exit 2', async () => {
    const bad = await runCli('exec', source('bad.S', ['\tfrob x0']));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.S:1:\d+: error\[HL\d{4}\]/);
    expect((await runCli('exec', join(work, 'missing.S'))).status).toBe(1);
    const file = program('ok.S', ['\tnop']);
    for (const args of [['--el', '3'], ['--max-steps', '0'], ['--max-steps', 'many'], ['--format', 'yaml']]) {
      const r = await runCli('exec', file, ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/error\[HL0903\]/);
    }
  });
});
