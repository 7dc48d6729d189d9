// Struct layout known answers (the facts the issue states about the arm64 KVM structs), the C rules
// one at a time, enums and constants, and naming a byte by its field path.

import { describe, expect, it } from 'vitest';
import { computeLayout, type Layout } from '../../src/layout/layout.ts';

const KVM = 'test/fixtures/layout/kvm.ts';

function offset(layout: Layout, struct: string, path: string): number {
  return layout.locate(struct, path).offset;
}

/** A layout from text: the type imports, then `body`. */
function layoutOf(body: string): Layout {
  return computeLayout('inline.ts', `import type { u8, u16, u32, u64, u128, s8, Array, Ptr } from '../src/layout/types.ts';\n${body}`);
}

describe('the arm64 KVM structs (uapi/asm/kvm.h)', () => {
  const layout = computeLayout(KVM);

  it('struct kvm_regs: sp_el1 at 272, spsr at 288, fp_regs at 336 (aligned to 16), fpsr at 848, sizeof 864', () => {
    expect(offset(layout, 'kvm_regs', 'sp_el1')).toBe(272);
    expect(offset(layout, 'kvm_regs', 'elr_el1')).toBe(280);
    expect(offset(layout, 'kvm_regs', 'spsr')).toBe(288);
    expect(offset(layout, 'kvm_regs', 'fp_regs')).toBe(336);
    expect(offset(layout, 'kvm_regs', 'fp_regs.fpsr')).toBe(848);
    expect(offset(layout, 'kvm_regs', 'fp_regs.fpcr')).toBe(852);
    expect(layout.struct('kvm_regs')).toMatchObject({ size: 864, align: 16 });
  });

  it('struct user_pt_regs and user_fpsimd_state', () => {
    expect(layout.struct('user_pt_regs')).toMatchObject({ size: 272, align: 8 });
    expect(offset(layout, 'user_pt_regs', 'regs[30]')).toBe(240);
    expect(offset(layout, 'user_pt_regs', 'pstate')).toBe(264);
    expect(layout.struct('user_fpsimd_state')).toMatchObject({ size: 528, align: 16 });
    expect(offset(layout, 'user_fpsimd_state', 'vregs[31]')).toBe(496);
  });

  it('indices may be numbers, constant names, enum members written either way', () => {
    const tpidr = offset(layout, 'kvm_vcpu', 'arch.ctxt.sys_regs[18]');
    expect(offset(layout, 'kvm_vcpu', 'arch.ctxt.sys_regs[TPIDR_EL1]')).toBe(tpidr);
    expect(offset(layout, 'kvm_vcpu', 'arch.ctxt.sys_regs[SysReg.TPIDR_EL1]')).toBe(tpidr);
    expect(offset(layout, 'kvm_vcpu', 'arch.ctxt.gp_regs.spsr[KVM_SPSR_FIQ]')).toBe(offset(layout, 'kvm_vcpu', 'arch.ctxt.gp_regs.spsr[0x4]'));
    expect(layout.locate('kvm_vcpu', 'arch.ctxt.sys_regs[SysReg.CNTKCTL_EL1]').path).toBe('arch.ctxt.sys_regs[20]');
  });

  it('enum members follow C: explicit values, then the previous plus one', () => {
    expect(layout.value('MPIDR_EL1')).toBe(1n);
    expect(layout.value('CNTKCTL_EL1')).toBe(20n);
    expect(layout.value('DBGVCR32_EL2')).toBe(24n);
    expect(layout.value('NR_SYS_REGS')).toBe(25n);
    const sysRegs = layout.locate('kvm_cpu_context', 'sys_regs').type;
    expect(sysRegs).toMatchObject({ kind: 'array', length: 25, size: 200 });
  });

  it('names a byte by its field path (for reports and counterexamples)', () => {
    const spsr0 = offset(layout, 'kvm_vcpu', 'arch.ctxt.gp_regs.spsr[0]');
    expect(layout.fieldAt('kvm_vcpu', spsr0)).toBe('kvm_vcpu.arch.ctxt.gp_regs.spsr[0]');
    expect(layout.fieldAt('kvm_vcpu', spsr0 + 8 + 3)).toBe('kvm_vcpu.arch.ctxt.gp_regs.spsr[1]+3');
    expect(layout.fieldAt('kvm_vcpu', 12)).toBe('kvm_vcpu (padding after .vcpu_id, at +12)');
    expect(layout.fieldAt('kvm_vcpu', offset(layout, 'kvm_vcpu', 'arch.fault') + 4)).toBe('kvm_vcpu.arch.fault (padding after .esr_el2, at +4)');
    expect(layout.fieldAt('kvm_vcpu', 100000)).toContain('outside the struct');
  });

  it('lists every scalar in address order, without overlaps, inside the struct', () => {
    const fields = layout.scalarFields('kvm_vcpu');
    expect(fields.length).toBe(1 + 1 + 31 + 3 + 2 + 5 + 32 + 2 + 25 + 1 + 3 + 1);
    for (let i = 1; i < fields.length; i++) {
      expect(fields[i]!.offset).toBeGreaterThanOrEqual(fields[i - 1]!.offset + fields[i - 1]!.type.size);
    }
    const last = fields[fields.length - 1]!;
    expect(last.offset + last.type.size).toBeLessThanOrEqual(layout.struct('kvm_vcpu').size);
    for (const f of fields) expect(layout.locate('kvm_vcpu', f.path).offset).toBe(f.offset);
  });
});

describe('C layout rules for AArch64 LP64', () => {
  it('each member starts at a multiple of its alignment; the struct aligns to its largest member', () => {
    const l = layoutOf('export interface s { a: u8; b: u16; c: u8; d: u32; e: u8; f: u64 }');
    expect(l.struct('s').fields.map((f) => f.offset)).toEqual([0, 2, 4, 8, 12, 16]);
    expect(l.struct('s')).toMatchObject({ size: 24, align: 8 });
  });

  it('u128 aligns to 16, inside arrays and nested structs too', () => {
    const l = layoutOf('export interface v { x: u8; q: u128 }\nexport interface w { c: u8; arr: Array<v, 2> }');
    expect(l.struct('v')).toMatchObject({ size: 32, align: 16 });
    expect(offset(l, 'w', 'arr')).toBe(16);
    expect(offset(l, 'w', 'arr[1].q')).toBe(64);
    expect(l.struct('w').size).toBe(80);
  });

  it('tail padding rounds the size up to the alignment', () => {
    const l = layoutOf('export interface t { a: u64; b: u8 }\nexport interface u { a: u32; b: u8; c: u8 }');
    expect(l.struct('t').size).toBe(16);
    expect(l.struct('u').size).toBe(8);
  });

  it('a byte-only struct aligns to 1; an empty struct has size 0 (GNU C)', () => {
    const l = layoutOf('export interface b { x: u8; y: Array<u8, 3> }\nexport interface e {}\nexport interface h { e: e; b: b; z: u8 }');
    expect(l.struct('b')).toMatchObject({ size: 4, align: 1 });
    expect(l.struct('e')).toMatchObject({ size: 0, align: 1 });
    expect(l.struct('h').size).toBe(5);
  });

  it('a pointer is 8 bytes aligned to 8, and lets a struct refer to itself', () => {
    const l = layoutOf('export interface node { tag: u8; next: Ptr<node>; data: Ptr<void> }');
    expect(l.struct('node')).toMatchObject({ size: 24, align: 8 });
    expect(l.locate('node', 'next').type).toMatchObject({ kind: 'pointer', target: 'node' });
  });

  it('typedefs, arrays of arrays, and lengths from constants, typeof and enum members', () => {
    const l = layoutOf(
      'const N = 2 * 3;\nexport const enum E { A = N - 2, B }\ntype reg = u64;\nexport interface m { g: Array<Array<u16, typeof N>, E.B>; r: Array<reg, 3> }',
    );
    expect(l.locate('m', 'g').type).toMatchObject({ kind: 'array', length: 5, size: 60 });
    expect(offset(l, 'm', 'g[4][5]')).toBe(58);
    expect(offset(l, 'm', 'r[2]')).toBe(80);
  });

  it('declarations may come in any order (a struct may use one declared below it)', () => {
    const l = layoutOf('export interface outer { i: inner; n: Array<u8, typeof LATER> }\nexport interface inner { x: u64 }\nconst LATER = 3;');
    expect(l.struct('outer').size).toBe(16);
  });

  it('constant expressions follow C integer arithmetic in 64 bits', () => {
    const l = layoutOf('export const A = (1 << 40) | 0xff;\nexport const B = -7 / 2;\nexport const C = -7 % 2;\nexport const D = ~0 & 0xffff;\nexport const E = 1_000 ^ 0b1010;');
    expect([l.value('A'), l.value('B'), l.value('C'), l.value('D'), l.value('E')]).toEqual([(1n << 40n) | 0xffn, -3n, -1n, 0xffffn, 1000n ^ 10n]);
  });
});

describe('layouts built on other layouts (imports work as a C #include)', () => {
  it('the structs and constants of an imported file join the importing one', () => {
    const l = computeLayout('test/fixtures/layout/host-context.ts');
    // 864 + 25 * 8 = 1064, rounded up to the u128 alignment of kvm_regs.
    expect(l.struct('kvm_host_context')).toMatchObject({ size: 1072, align: 16 });
    expect(offset(l, 'kvm_host_context', 'sys_regs[SysReg.TPIDR_EL1]')).toBe(864 + 18 * 8);
    expect(l.struct('kvm_vcpu').size).toBe(computeLayout(KVM).struct('kvm_vcpu').size);
    expect(l.struct('kvm_regs').at.file).toBe('test/fixtures/layout/kvm.ts');
  });

  it('a file imported twice is read once', () => {
    const l = computeLayout('test/fixtures/layout/diamond.ts');
    expect(l.value('BOTH_SIZES')).toBe(BigInt(l.struct('kvm_vcpu').size + l.struct('kvm_host_context').size));
    expect(l.structs.filter((s) => s.name === 'kvm_regs')).toHaveLength(1);
  });
});

