// The world as data: deterministic from its seed, every register value valid for its register, the
// regions apart and below kern_hyp_va's 2^39; the GICH device as the GICv2 architecture has it.

import { describe, expect, it } from 'vitest';
import { MachineFault } from '../../src/machine/faults.ts';
import { GICH, GichDevice } from '../../src/worldswitch/gich.ts';
import { SYSREG_SLOTS, validFor } from '../../src/worldswitch/registers.ts';
import { EXIT_KINDS, GICH_SIZE, GUEST_WIDTHS, HYP_STACK_SIZE, RAM_BASE, RAM_SIZE, generateWorld } from '../../src/worldswitch/world.ts';

describe('generateWorld', () => {
  it('is a function of the seed and the choices', () => {
    expect(generateWorld(42, { exit: 'dabt' })).toEqual(generateWorld(42, { exit: 'dabt' }));
    expect(generateWorld(42)).not.toEqual(generateWorld(43));
    expect(generateWorld(5, { exit: 'irq', guest: 'aarch32' }).config).toMatchObject({ exit: 'irq', guest: 'aarch32' });
  });

  it('covers every exit kind, guest width and configuration across seeds', () => {
    const worlds = Array.from({ length: 200 }, (_, s) => generateWorld(s));
    for (const exit of EXIT_KINDS) expect(worlds.some((w) => w.config.exit === exit)).toBe(true);
    for (const guest of GUEST_WIDTHS) expect(worlds.some((w) => w.config.guest === guest)).toBe(true);
    for (const flag of [true, false]) {
      expect(worlds.some((w) => w.config.timerEnabled === flag)).toBe(true);
      expect(worlds.some((w) => w.config.gic.present === flag)).toBe(true);
      expect(worlds.some((w) => w.config.parFault === flag)).toBe(true);
    }
  });

  it('gives every system register a value it can hold (RES0 clear, RES1 set, AArch32 registers 32 bits)', () => {
    for (let seed = 0; seed < 50; seed++) {
      const w = generateWorld(seed);
      for (const ctx of [w.vcpu, w.run]) {
        for (const s of SYSREG_SLOTS) {
          const v = ctx.sysregs[s.slot]!;
          expect(validFor(s.readAtEL1 ?? s.register, v), `${s.slot} = 0x${v.toString(16)}`).toBe(v);
        }
        expect(validFor('spsr_el2', ctx.pstate)).toBe(ctx.pstate);
        expect(ctx.pstate & (1n << 20n), 'PSTATE.IL clear').toBe(0n);
      }
      expect(validFor('cpacr_el1', w.host.sysregs.CPACR_EL1!) >> 20n & 3n, 'host FP/SIMD enabled at EL1').toBe(3n);
      expect(w.vcpu.hcr_el2 & 1n, 'HCR_EL2.VM').toBe(1n);
      expect((w.vcpu.hcr_el2 >> 4n) & 1n, 'HCR_EL2.IMO').toBe(1n);
      expect((w.vcpu.hcr_el2 >> 31n) & 1n, 'HCR_EL2.RW follows the guest width').toBe(w.config.guest === 'aarch64' ? 1n : 0n);
      expect(w.kvm.vttbr).not.toBe(0n);
    }
  });

  it('gives an AArch32 guest 32-bit registers and a PC it can execute from', () => {
    for (let seed = 0; seed < 50; seed++) {
      const w = generateWorld(seed, { guest: 'aarch32' });
      for (const ctx of [w.vcpu, w.run]) {
        for (const x of ctx.x) expect(x >> 32n).toBe(0n);
        expect(ctx.pc >> 32n).toBe(0n);
        expect([0x10n, 0x11n, 0x12n, 0x13n, 0x17n, 0x1bn, 0x1fn]).toContain(ctx.pstate & 0x1fn);
      }
    }
  });

  it('places the regions apart, aligned, inside RAM (or the GICH below RAM), all below 2^39', () => {
    for (let seed = 0; seed < 100; seed++) {
      const w = generateWorld(seed);
      const p = w.placement;
      const regions: [bigint, bigint][] = [
        [p.vcpu, p.vcpu + 0x8000n],
        [p.kvm, p.kvm + 0x100n],
        [p.hostContext, p.hostContext + 0x1000n],
        [p.hypStackTop - BigInt(HYP_STACK_SIZE), p.hypStackTop],
        [w.host.sp_el1 - 0x1000n, w.host.sp_el1],
      ];
      for (const [lo, hi] of regions) {
        expect(lo % 16n).toBe(0n);
        expect(lo >= RAM_BASE && hi <= RAM_BASE + BigInt(RAM_SIZE)).toBe(true);
      }
      for (let i = 0; i < regions.length; i++) for (let j = i + 1; j < regions.length; j++) expect(regions[i]![1] <= regions[j]![0] || regions[j]![1] <= regions[i]![0]).toBe(true);
      expect(p.gich + BigInt(GICH_SIZE) <= RAM_BASE).toBe(true);
    }
  });
});

describe('GichDevice', () => {
  it('keeps the hypervisor out of the read-only and status registers and out of unimplemented LRs', () => {
    const d = new GichDevice(0x0803_0000n, 4);
    expect(d.read(GICH.VTR, 4)).toBe(3n);
    d.write(GICH.VTR, 4, 0xffn);
    d.write(GICH.MISR, 4, 1n);
    d.write(GICH.ELRSR0, 4, 1n);
    expect([d.read(GICH.VTR, 4), d.read(GICH.MISR, 4), d.read(GICH.ELRSR0, 4)]).toEqual([3n, 0n, 0n]);
    d.write(GICH.HCR, 4, 0x1_0000_0005n);
    expect(d.read(GICH.HCR, 4)).toBe(5n);
    d.write(GICH.LR0 + 12, 4, 7n);
    d.write(GICH.LR0 + 16, 4, 9n);
    expect([d.read(GICH.LR0 + 12, 4), d.read(GICH.LR0 + 16, 4)]).toEqual([7n, 0n]);
    d.set(GICH.MISR, 2n);
    expect(d.read(GICH.MISR, 4)).toBe(2n);
  });

  it('takes only aligned 32-bit accesses: anything else is a data abort with its address', () => {
    const d = new GichDevice(0x0803_0000n, 4);
    expect(() => d.read(GICH.HCR, 8)).toThrow(MachineFault);
    try {
      d.write(GICH.VMCR + 2, 4, 0n);
    } catch (e) {
      expect((e as MachineFault).access).toEqual({ address: 0x0803_000an, bytes: 4, write: true });
    }
  });
});
