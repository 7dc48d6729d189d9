// Loads and stores: every addressing mode with its writeback, every size with its extension, pairs,
// SIMD&FP registers, literals, SP alignment checking and data aborts.

import { describe, expect, it } from 'vitest';
import { BASE, MASK64, expectFault, runSnippet } from '../machine/helpers.ts';
import type { Machine } from '../../src/machine/machine.ts';
import type { AccessBytes } from '../../src/machine/memory.ts';

const BUF = BASE + 0x8000n;
const load = (m: Machine<bigint>, a: bigint, n: AccessBytes = 8): bigint => m.memory.load(a, n);

describe('addressing modes and writeback', () => {
  const cases: [string, bigint, bigint][] = [
    // instruction, address of the access (relative to BUF), x1 afterwards (relative to BUF)
    ['str x2, [x1]', 0n, 0n],
    ['str x2, [x1, #8]', 8n, 0n],
    ['str x2, [x1, #8]!', 8n, 8n],
    ['str x2, [x1], #-16', 0n, -16n],
    ['stur x2, [x1, #-3]', -3n, 0n],
    ['str x2, [x1, x3, lsl #3]', 16n, 0n],
    ['str x2, [x1, x3]', 2n, 0n],
    ['str x2, [x1, w4, sxtw #3]', -8n, 0n],
    ['str x2, [x1, w5, uxtw #3]', 16n, 0n],
  ];
  it.each(cases)('%s', (insn, at, after) => {
    const m = runSnippet(insn, { x: { 1: BUF, 2: 0x1122334455667788n, 3: 2n, 4: 0xffffffffn, 5: 0x100000002n } }, {});
    expect(load(m, BUF + at)).toBe(0x1122334455667788n);
    expect(m.state.X(1)).toBe(BUF + after);
  });

  it('loads write the register after the base writeback, in every mode', () => {
    const m = runSnippet('str x2, [x1, #16]\nldr x5, [x1, #16]!\nldr x6, [x1], #-16\nldr x7, [x1, #16]', { x: { 1: BUF, 2: 0xabcdn } });
    expect([m.state.X(5), m.state.X(6), m.state.X(7), m.state.X(1)]).toEqual([0xabcdn, 0xabcdn, 0xabcdn, BUF]);
  });

  it('SP as base register, with pre- and post-index writeback', () => {
    const m = runSnippet('stp x1, x2, [sp, #-16]!\nstr x3, [sp, #-8]!\nldr x4, [sp], #8\nldp x5, x6, [sp], #16', { sp: BUF + 0x100n, x: { 1: 1n, 2: 2n, 3: 3n } });
    expect(m.state.SP()).toBe(BUF + 0x100n);
    expect([m.state.X(4), m.state.X(5), m.state.X(6)]).toEqual([3n, 1n, 2n]);
    expect(load(m, BUF + 0xf0n)).toBe(1n);
    expect(load(m, BUF + 0xf8n)).toBe(2n);
  });
});

describe('sizes, extension and byte order', () => {
  it('is little-endian and byte-exact', () => {
    const m = runSnippet('str x2, [x1]\nstrb w3, [x1, #9]\nstrh w3, [x1, #12]\nstr w3, [x1, #16]', { x: { 1: BUF, 2: 0x1122334455667788n, 3: 0xaabbccddn } });
    expect([0, 1, 7].map((k) => load(m, BUF + BigInt(k), 1))).toEqual([0x88n, 0x77n, 0x11n]);
    expect([8, 9, 10].map((k) => load(m, BUF + BigInt(k), 1))).toEqual([0n, 0xddn, 0n]);
    expect(load(m, BUF + 12n, 4)).toBe(0xccddn);
    expect(load(m, BUF + 16n, 8)).toBe(0xaabbccddn);
  });
  const loads: [string, bigint][] = [
    ['ldrb w0, [x1]', 0x80n],
    ['ldrsb w0, [x1]', 0xffffff80n],
    ['ldrsb x0, [x1]', 0xffffffffffffff80n],
    ['ldrh w0, [x1]', 0x9080n],
    ['ldrsh w0, [x1]', 0xffff9080n],
    ['ldrsh x0, [x1]', 0xffffffffffff9080n],
    ['ldr w0, [x1]', 0xa0b09080n],
    ['ldrsw x0, [x1]', 0xffffffffa0b09080n],
    ['ldr x0, [x1]', 0x0102030405060708n ^ 0x0102030405060708n ^ 0x11223344a0b09080n],
    ['ldurh w0, [x1, #1]', 0xb090n],
    ['ldursw x0, [x1, #4]', 0x11223344n],
  ];
  it.each(loads)('%s', (insn, value) => {
    const m = runSnippet(`str x2, [x1]\n${insn}`, { x: { 0: MASK64, 1: BUF, 2: 0x11223344a0b09080n } });
    expect(m.state.X(0).toString(16)).toBe(value.toString(16));
  });

  it('pairs of W, X and sign-extended words', () => {
    const m = runSnippet('stp w2, w3, [x1]\nldp w4, w5, [x1]\nldpsw x6, x7, [x1]\nstp x2, x3, [x1, #16]\nldnp x8, x9, [x1, #16]', {
      x: { 1: BUF, 2: 0x80000000n, 3: 0x7fffffffn },
    });
    expect(load(m, BUF)).toBe(0x7fffffff80000000n);
    expect([m.state.X(4), m.state.X(5)]).toEqual([0x80000000n, 0x7fffffffn]);
    expect([m.state.X(6), m.state.X(7)]).toEqual([0xffffffff80000000n, 0x7fffffffn]);
    expect([m.state.X(8), m.state.X(9)]).toEqual([0x80000000n, 0x7fffffffn]);
  });
});

describe('SIMD&FP registers', () => {
  it('Q loads and stores move 128 bits; narrower loads zero the rest of the register', () => {
    const m = runSnippet('stp x2, x3, [x1]\nldr q0, [x1]\nstr q0, [x1, #32]\nldr d1, [x1]\nldr s2, [x1, #4]\nldr h3, [x1, #2]\nldr b4, [x1, #15]\nldp q5, q6, [x1], #32', {
      x: { 1: BUF, 2: 0x1111222233334444n, 3: 0x5555666677778888n },
      before: (mm) => [1, 2, 3, 4].forEach((n) => mm.state.setVreg(n, (1n << 128n) - 1n)),
    });
    const q = (0x5555666677778888n << 64n) | 0x1111222233334444n;
    expect(m.state.Vreg(0)).toBe(q);
    expect(load(m, BUF + 32n, 16)).toBe(q);
    expect(m.state.Vreg(1)).toBe(0x1111222233334444n);
    expect(m.state.Vreg(2)).toBe(0x11112222n);
    expect(m.state.Vreg(3)).toBe(0x3333n);
    expect(m.state.Vreg(4)).toBe(0x55n);
    expect([m.state.Vreg(5), m.state.Vreg(6), m.state.X(1)]).toEqual([q, 0n, BUF + 32n]);
  });
  it('B/H/S/D stores write only their bytes', () => {
    const m = runSnippet('str x3, [x1]\nstr h0, [x1, #2]\nstr s0, [x1, #8]', { x: { 1: BUF, 3: MASK64 }, before: (mm) => mm.state.setVreg(0, 0x1234567890abcdefn) });
    expect(load(m, BUF)).toBe(0xffffffffcdefffffn);
    expect(load(m, BUF + 8n)).toBe(0x90abcdefn);
  });
});

describe('literals', () => {
  it('ldr from a literal pool and from a label', () => {
    const m = runSnippet('ldr x0, =0x1122334455667788\nldr w2, word\nldrsw x3, word\nb _end\n.ltorg\nword: .word 0x80000001');
    expect(m.state.X(0)).toBe(0x1122334455667788n);
    expect(m.state.X(2)).toBe(0x80000001n);
    expect(m.state.X(3)).toBe(0xffffffff80000001n);
  });
});

describe('faults', () => {
  it('an access to an unmapped address is a data abort with address, size and instruction (HL0701)', () => {
    const r = expectFault('nop\nldr w0, [x1, #4]', 'HL0701', { x: { 1: 0x1000n } });
    expect(r.fault).toMatchObject({ kind: 'unmapped', pc: BASE + 4n, text: 'ldr w0, [x1, #4]', access: { address: 0x1004n, bytes: 4, write: false } });
    expect(r.diagnostic!.origin.location.line).toBe(4);
  });
  it('an access that runs off the end of RAM faults', () => {
    expectFault('str q0, [x1]', 'HL0701', { x: { 1: BASE + (1n << 20n) - 8n } });
  });
  it('SP alignment is checked when SCTLR_EL2.SA is set, at EL2', () => {
    expectFault('ldr x0, [sp]', 'HL0703', { sp: BUF + 8n, sysregs: { sctlr_el2: 1n << 3n } });
    const m = runSnippet('ldr x0, [sp, #8]', { sp: BUF, sysregs: { sctlr_el2: 1n << 3n } });
    expect(m.state.X(0)).toBe(0n);
    runSnippet('ldr x0, [sp]', { sp: BUF + 8n }); // SA clear: no check
    runSnippet('ldr x0, [x1]', { x: { 1: BUF + 8n }, sysregs: { sctlr_el2: 1n << 3n } }); // not SP-based
  });
  it('at EL1 SCTLR_EL1.SA decides, not SCTLR_EL2.SA', () => {
    expectFault('str x0, [sp, #-16]!', 'HL0703', { el: 1, sp: BUF + 4n, sysregs: { sctlr_el1: 1n << 3n } });
    runSnippet('str x0, [sp, #-16]!', { el: 1, sp: BUF + 4n, sysregs: { sctlr_el2: 1n << 3n } });
  });
});
