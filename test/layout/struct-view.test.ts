// Reading and writing a struct in memory by field path: every scalar lands at the offset gcc would
// give it (checked by offsets in gcc-oracle.test.ts), at its own width, little-endian, and the
// machine's Memory serves as the accessor as it is.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { AsmError } from '../../src/asm/diagnostics.ts';
import { computeLayout } from '../../src/layout/layout.ts';
import { StructView } from '../../src/layout/struct-view.ts';
import { Memory, concreteRam } from '../../src/machine/memory.ts';

const layout = computeLayout('test/fixtures/layout/kvm.ts');
const BASE = 0x4000_1000n;

function machineMemory(): Memory<bigint> {
  const m = new Memory(concreteDomain);
  m.map(concreteRam('vcpu', BASE, 0x1000));
  return m;
}

describe('StructView over the machine memory', () => {
  it('writes a field where its offset says and at its width, little-endian', () => {
    const memory = machineMemory();
    const vcpu = new StructView(layout, 'kvm_vcpu', memory, BASE);
    vcpu.write('arch.ctxt.gp_regs.spsr[KVM_SPSR_EL1]', 0x1122334455667788n);
    const at = BASE + BigInt(layout.locate('kvm_vcpu', 'arch.ctxt.gp_regs.spsr[0]').offset);
    expect(memory.load(at, 1)).toBe(0x88n);
    expect(memory.load(at, 8)).toBe(0x1122334455667788n);
    expect(vcpu.address('arch.ctxt.gp_regs.spsr[0]')).toBe(at);
    vcpu.write('arch.ctxt.gp_regs.fp_regs.fpsr', 0xffff_ffffn);
    expect(memory.load(vcpu.address('arch.ctxt.gp_regs.fp_regs.fpcr'), 4)).toBe(0n);
    vcpu.write('arch.ctxt.gp_regs.fp_regs.vregs[31]', (1n << 128n) - 1n);
    expect(vcpu.read('arch.ctxt.gp_regs.fp_regs.vregs[31]')).toBe((1n << 128n) - 1n);
    expect(vcpu.read('arch.ctxt.gp_regs.fp_regs.fpsr')).toBe(0xffff_ffffn);
  });

  it('a view of a nested struct reads the same bytes', () => {
    const vcpu = new StructView(layout, 'kvm_vcpu', machineMemory(), BASE);
    const ctxt = vcpu.at('arch.ctxt');
    vcpu.write('arch.ctxt.sys_regs[SysReg.MPIDR_EL1]', 0x8000_0001n);
    expect(ctxt.struct).toBe('kvm_cpu_context');
    expect(ctxt.read('sys_regs[MPIDR_EL1]')).toBe(0x8000_0001n);
    expect(ctxt.base).toBe(BASE + 16n);
  });

  it('every scalar written with a distinct value reads back, none overwriting another', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (seed) => {
        const vcpu = new StructView(layout, 'kvm_vcpu', machineMemory(), BASE);
        const fields = layout.scalarFields('kvm_vcpu');
        const valueOf = (i: number, bytes: number): bigint => (seed * BigInt(i + 1) + BigInt(i)) & ((1n << BigInt(8 * bytes)) - 1n);
        fields.forEach((f, i) => vcpu.write(f.path, valueOf(i, f.type.size)));
        const all = vcpu.readAll();
        fields.forEach((f, i) => expect(all.get(f.path), f.path).toBe(valueOf(i, f.type.size)));
      }),
      { numRuns: 20, seed: 4 },
    );
  });

  it('refuses to read a struct or an array as one value (HL0811), and bad paths (HL0806)', () => {
    const vcpu = new StructView(layout, 'kvm_vcpu', machineMemory(), BASE);
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        if (e instanceof AsmError) return e.diagnostics[0]!.code;
        throw e;
      }
      return undefined;
    };
    expect(code(() => vcpu.read('arch.ctxt.gp_regs.spsr'))).toBe('HL0811');
    expect(code(() => vcpu.write('arch.fault', 0n))).toBe('HL0811');
    expect(code(() => vcpu.at('arch.hcr_el2'))).toBe('HL0811');
    expect(code(() => vcpu.read('arch.ctxt.gp_regs.spsr[5]'))).toBe('HL0806');
    expect(code(() => vcpu.read('arch..ctxt'))).toBe('HL0806');
    expect(code(() => new StructView(layout, 'kvm_vcpux', machineMemory(), BASE))).toBe('HL0803');
  });
});
