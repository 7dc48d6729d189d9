// System registers (access by EL, read-only, PSTATE views, VMPIDR at EL1, RES0/RES1), PSTATE
// immediates, recorded events, and exceptions: hvc/svc/brk entry through the vectors, eret.

import { describe, expect, it } from 'vitest';
import { BASE, expectFault, flags, machineFor, prepare, runSnippet, runUntilEnd, sysreg } from '../machine/helpers.ts';
import { run } from '../../src/machine/run.ts';
import { packSysregFields, systemRegisterByName } from '../../src/a64/sysregs.ts';

const msrWord = (name: string, rt: number): string => `.inst 0x${((0xd5000000 | (packSysregFields(systemRegisterByName(name)!) << 5) | rt) >>> 0).toString(16)}`;

describe('mrs/msr', () => {
  it('reads back what it writes, with RES0 bits cleared and RES1 bits set', () => {
    const m = runSnippet('msr hcr_el2, x1\nmrs x2, hcr_el2\nmsr sctlr_el2, xzr\nmrs x3, sctlr_el2\nmsr tpidr_el2, x1\nmrs x4, tpidr_el2', { x: { 1: (1n << 64n) - 1n } });
    expect(m.state.X(2)).toBe((1n << 34n) - 1n);
    expect(m.state.X(3)).toBe(0x30c50830n); // SCTLR_EL2 RES1 bits of ARMv8.0
    expect(m.state.X(4)).toBe((1n << 64n) - 1n);
  });
  it('CurrentEL, SPSel, DAIF and NZCV are views of PSTATE', () => {
    const m = runSnippet('mrs x0, currentel\nmrs x1, spsel\nmrs x2, daif\nmsr daifclr, #0x3\nmrs x3, daif\nmsr nzcv, x5\nmrs x4, nzcv\nmsr spsel, #0\nmrs x6, spsel', { x: { 5: 0xa0000000n } });
    expect([m.state.X(0), m.state.X(1), m.state.X(2), m.state.X(3), m.state.X(4), m.state.X(6)]).toEqual([8n, 1n, 0x3c0n, 0x300n, 0xa0000000n, 0n]);
    expect(m.state.N).toBe(1n);
    expect(m.state.C).toBe(1n);
  });
  it('SPSel selects SP_EL0 or SP_ELx', () => {
    const m = runSnippet('mov x0, #0x100\nmov sp, x0\nmsr spsel, #0\nmov x1, #0x200\nmov sp, x1\nmsr spsel, #1\nmov x2, sp\nmrs x3, sp_el0', {});
    expect([m.state.X(2), m.state.X(3)]).toEqual([0x100n, 0x200n]);
  });
  it('MPIDR_EL1 reads VMPIDR_EL2 at EL1 and the physical value at EL2', () => {
    const atEl2 = runSnippet('msr vmpidr_el2, x1\nmrs x0, mpidr_el1', { x: { 1: 0x80000003n } });
    expect(atEl2.state.X(0)).toBe(0x80000000n);
    const atEl1 = runSnippet('mrs x0, mpidr_el1\nmrs x2, midr_el1', { el: 1, sysregs: { vmpidr_el2: 0x80000102n, vpidr_el2: 0x12345678n } });
    expect([atEl1.state.X(0), atEl1.state.X(2)]).toEqual([0x80000102n, 0x12345678n]);
  });
  it('EL2 registers are UNDEFINED at EL1 (HL0702)', () => {
    expectFault('mrs x0, hcr_el2', 'HL0702', { el: 1 });
    expectFault('msr elr_el2, x0', 'HL0702', { el: 1 });
    expectFault('msr daifset, #1\nmrs x0, sp_el1', 'HL0702', { el: 1 });
  });
  it('a write to a read-only register, an EL3 register or sp_el0 while it is the SP is UNDEFINED', () => {
    expectFault(msrWord('currentel', 0), 'HL0702');
    expectFault(msrWord('midr_el1', 0), 'HL0702');
    expectFault('mrs x0, scr_el3', 'HL0702');
    expectFault('msr spsel, #0\nmrs x0, sp_el0', 'HL0702');
  });
});

describe('events and system operations', () => {
  it('barriers, tlbi, ic and dc are recorded and change nothing else', () => {
    const m = runSnippet('dsb ish\nisb\ntlbi vmalls12e1is\ntlbi vae2, x1\nic iallu\ndmb sy\nclrex\nwfi', { x: { 1: 0x1234n } });
    expect(m.events.map((e) => e.name)).toEqual(['dsb ish', 'isb', 'tlbi vmalls12e1is', 'tlbi vae2, x1', 'ic iallu', 'dmb sy', 'clrex', 'wfi']);
    expect(m.events[0]!.pc).toBe(BASE);
  });
  it('tlbi of an EL2 operation at EL1 is UNDEFINED', () => {
    expectFault('tlbi alle2', 'HL0702', { el: 1 });
  });
  it('at s1e1r faults by default: PAR_EL1.F = 1', () => {
    const m = runSnippet('at s1e1r, x1\nmrs x0, par_el1', { x: { 1: 0x1000n } });
    expect(m.state.X(0)).toBe(1n);
  });
  it('at uses the machine translation when one is given', () => {
    const m = runSnippet('at s1e1r, x1\nmrs x0, par_el1', { x: { 1: 0x1234n }, before: (mm) => (mm.translate = (_op, va) => ({ pa: va + 0x80000000n })) });
    expect(m.state.X(0)).toBe(0x80001000n);
  });
  it('dc zva zeroes a 64-byte block', () => {
    const buf = BASE + 0x8000n;
    const m = runSnippet('mov x2, #-1\nstp x2, x2, [x1, #48]\nstr x2, [x1, #64]\nadd x3, x1, #17\ndc zva, x3', { x: { 1: buf } });
    expect(m.memory.load(buf + 56n, 8)).toBe(0n);
    expect(m.memory.load(buf + 64n, 8)).toBe((1n << 64n) - 1n);
  });
});

/** A vector table at VECTORS: each entry records its offset in x10 and stops at _end. */
const VECTORS = `
  b _end
.balign 2048
vectors:
  .irp off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
  .balign 0x80
  mov x10, #\\off
  b _end
  .endr
`;

describe('exceptions', () => {
  it('hvc from EL1 enters EL2 through VBAR_EL2 + 0x400 with ESR, ELR and SPSR set', () => {
    const body = `adr x0, vectors\nmsr vbar_el2, x0\nmov x0, #(1 << 31)\nmsr hcr_el2, x0\nmov x0, #0x3c5\nmsr spsr_el2, x0\nadr x0, guest\nmsr elr_el2, x0\neret\nguest:\n  cmp xzr, xzr\n  hvc #0x123\n${VECTORS}`;
    const m = runSnippet(body, { sp: 0x5000n });
    const guestHvc = m.state.stored(systemRegisterByName('elr_el2')!) - 4n;
    expect(m.state.X(10)).toBe(0x400n);
    expect(sysreg(m, 'esr_el2')).toBe(0x5a000123n);
    expect(guestHvc).toBe(BASE + 40n);
    expect(sysreg(m, 'spsr_el2')).toBe(0x600003c5n); // Z and C from the cmp, DAIF masked, EL1h
    expect(m.state.pstate).toMatchObject({ EL: 2, SP: 1, nRW: 0 });
    expect(Number(m.state.DAIF())).toBe(0b1111);
    expect(m.state.SP()).toBe(0x5000n);
  });
  it('eret from EL2 to EL1 switches the stack pointer and restores PSTATE', () => {
    const m = runSnippet('msr sp_el1, x1\nmov x0, #(1 << 31)\nmsr hcr_el2, x0\nmov x0, #0x80000000\nadd x0, x0, #0x5\nmsr spsr_el2, x0\nadr x0, 1f\nmsr elr_el2, x0\neret\n1: mov x2, sp\nmrs x3, currentel', { x: { 1: 0x7000n }, sp: 0x5000n });
    expect([m.state.X(2), m.state.X(3)]).toEqual([0x7000n, 4n]);
    expect(Number(m.state.NZCV())).toBe(flags('N'));
    expect(Number(m.state.DAIF())).toBe(0);
  });
  it('hvc at EL2 uses the current-EL groups: SP_ELx at +0x200, SP_EL0 at +0x000', () => {
    expect(runSnippet(`adr x0, vectors\nmsr vbar_el2, x0\nhvc #1\n${VECTORS}`).state.X(10)).toBe(0x200n);
    expect(runSnippet(`adr x0, vectors\nmsr vbar_el2, x0\nmsr spsel, #0\nhvc #1\n${VECTORS}`).state.X(10)).toBe(0n);
  });
  it('hvc from an EL1 whose HCR_EL2.RW says AArch32 uses the lower-EL AArch32 group', () => {
    const image = prepare(`hvc #0\n${VECTORS}`);
    const vectors = image.symbols.get('vectors')!;
    const m = machineFor(image, { el: 1, sysregs: { vbar_el2: vectors, hcr_el2: 0n } });
    const r = run(image, m, { stopBefore: (_m, slot) => slot.address === image.symbols.get('_end') });
    expect(r.status).toBe('stopped');
    expect(m.state.X(10)).toBe(0x600n);
  });
  it('svc at EL1 goes to VBAR_EL1 + 0x200; brk keeps the brk as the return address', () => {
    const setup = { el: 1 as const, x: {} };
    const svc = runSnippet(`adr x0, vectors\nmsr vbar_el1, x0\nsvc #7\n${VECTORS}`, setup);
    expect([svc.state.X(10), sysreg(svc, 'esr_el1'), sysreg(svc, 'elr_el1')]).toEqual([0x200n, 0x56000007n, BASE + 12n]);
    const brk = runSnippet(`adr x0, vectors\nmsr vbar_el1, x0\nbrk #1\n${VECTORS}`, setup);
    expect([sysreg(brk, 'esr_el1'), sysreg(brk, 'elr_el1')]).toEqual([0xf2000001n, BASE + 8n]);
  });
  it('hvc at EL0, smc without EL3, and hvc with HCR_EL2.HCD are UNDEFINED', () => {
    expectFault('smc #0', 'HL0702');
    expectFault('hvc #0', 'HL0702', { sysregs: { hcr_el2: 1n << 29n } });
  });
  it('an eret to a higher EL or to an invalid mode is an illegal return (HL0707)', () => {
    expectFault('mov x0, #0x9\nmsr spsr_el1, x0\neret', 'HL0707', { el: 1 });
    expectFault('mov x0, #0x2\nmsr spsr_el2, x0\neret', 'HL0707');
  });
  it('an eret into AArch32 stops at the next fetch (HL0708)', () => {
    const r = runUntilEnd('mov x0, #0x13\nmsr spsr_el2, x0\nadr x0, _end\nmsr elr_el2, x0\neret');
    expect(r.diagnostic?.code).toBe('HL0708');
    expect(r.machine.state.pstate).toMatchObject({ EL: 1, nRW: 1 });
  });
});

describe('semihosting', () => {
  it('SYS_EXIT ends the run with its status; SYS_WRITE0 collects output', () => {
    const r = runUntilEnd('mov w0, #4\nadr x1, msg\nhlt #0xf000\nmov w0, #0x18\nadr x1, blk\nhlt #0xf000\nb .\n.balign 8\nblk: .quad 0x20026, 3\nmsg: .asciz "hi"');
    expect([r.status, r.exitStatus, r.machine.output]).toEqual(['exit', 3n, 'hi']);
  });
});
