// Every variant (variants/<name>/ with hyp.S and layout.ts) assembles with its layout's constants,
// byte for byte as GNU as 2.40 does (--fatal-warnings), and keeps the contract of variants/README.md:
// the symbols the scenario looks up, the vector table's shape, and the layout names observation reads.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleFile } from '../../src/asm/assemble.ts';
import type { Program } from '../../src/asm/program.ts';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { asmConstants } from '../../src/layout/asm-constants.ts';
import { prepareProgram } from '../../src/machine/image.ts';
import { describeWithGnuAs, gnuAssemble } from '../helpers/gnu-as.ts';

const VARIANTS = 'variants';
const variants = readdirSync(VARIANTS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(VARIANTS, d.name, 'hyp.S')) && existsSync(join(VARIANTS, d.name, 'layout.ts')))
  .map((d) => d.name)
  .sort();

/** The README's symbols: name and whether it must be global. */
const CONTRACT_SYMBOLS: [string, boolean][] = [
  ['__kvm_hyp_vector', true],
  ['__kvm_vcpu_run', true],
  ['__kvm_vcpu_guest_entry', true],
  ['__kvm_vcpu_return', true],
  ['__kvm_hyp_host_return', true],
  ['__kvm_hyp_panic', true],
];

/** Vector offsets that do work (sync and IRQ from a lower EL, AArch64 and AArch32); the other twelve panic. */
const LIVE_VECTORS = new Set([0x400, 0x480, 0x600, 0x680]);

/** The README's field paths (index names of the variant's own enum) and constants. */
const VCPU_PATHS = [
  'kvm',
  'arch.ctxt.gp_regs.regs.regs[0]',
  'arch.ctxt.gp_regs.regs.regs[30]',
  'arch.ctxt.gp_regs.regs.sp',
  'arch.ctxt.gp_regs.regs.pc',
  'arch.ctxt.gp_regs.regs.pstate',
  'arch.ctxt.gp_regs.sp_el1',
  'arch.ctxt.gp_regs.elr_el1',
  ...['KVM_SPSR_EL1', 'KVM_SPSR_ABT', 'KVM_SPSR_UND', 'KVM_SPSR_IRQ', 'KVM_SPSR_FIQ'].map((n) => `arch.ctxt.gp_regs.spsr[${n}]`),
  'arch.ctxt.gp_regs.fp_regs.vregs[31]',
  'arch.ctxt.gp_regs.fp_regs.fpsr',
  'arch.ctxt.gp_regs.fp_regs.fpcr',
  ...[
    'MPIDR_EL1', 'CSSELR_EL1', 'SCTLR_EL1', 'ACTLR_EL1', 'CPACR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'TCR_EL1', 'ESR_EL1', 'AFSR0_EL1', 'AFSR1_EL1', 'FAR_EL1',
    'MAIR_EL1', 'VBAR_EL1', 'CONTEXTIDR_EL1', 'TPIDR_EL0', 'TPIDRRO_EL0', 'TPIDR_EL1', 'AMAIR_EL1', 'CNTKCTL_EL1', 'DACR32_EL2', 'IFSR32_EL2', 'FPEXC32_EL2', 'DBGVCR32_EL2',
  ].map((n) => `arch.ctxt.sys_regs[${n}]`),
  'arch.hcr_el2',
  'arch.fault.esr_el2',
  'arch.fault.far_el2',
  'arch.fault.hpfar_el2',
  'arch.host_cpu_context',
  'arch.timer_cpu.cntv_ctl',
  'arch.timer_cpu.cntv_cval',
  'arch.vgic_cpu.vgic_hcr',
  'arch.vgic_cpu.vgic_vmcr',
  'arch.vgic_cpu.vgic_misr',
  'arch.vgic_cpu.vgic_eisr[1]',
  'arch.vgic_cpu.vgic_elrsr[1]',
  'arch.vgic_cpu.vgic_apr',
  'arch.vgic_cpu.vgic_lr[63]',
  'arch.vgic_cpu.nr_lr',
];
const KVM_PATHS = ['arch.vttbr', 'arch.timer.cntvoff', 'arch.timer.enabled', 'arch.vgic.vctrl_base'];
const CONSTANTS = ['ARM_EXCEPTION_IRQ', 'ARM_EXCEPTION_TRAP', 'KVM_NR_SPSR', 'NR_SYS_REGS', 'VGIC_MAX_LRS'];

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** B imm26 (Arm ARM C6.2.33): the target of an unconditional branch word at `at`, or undefined. */
function branchTarget(word: number, at: number): number | undefined {
  if (word >>> 26 !== 0b000101) return undefined;
  const imm26 = word & 0x3ffffff;
  return at + ((imm26 << 6) >> 6) * 4;
}

/** Follows unconditional branches (at most `hops`) from a .text offset; true when one lands on the panic. */
function leadsToPanic(text: DataView, from: number, panic: number, hops = 3): boolean {
  let at = from;
  for (let k = 0; k <= hops; k++) {
    if (at === panic) return true;
    const next = branchTarget(text.getUint32(at, true), at);
    if (next === undefined) return false;
    at = next;
  }
  return at === panic;
}

for (const name of variants) {
  const dir = join(VARIANTS, name);
  const hypPath = join(dir, 'hyp.S');
  const constants = asmConstants(join(dir, 'layout.ts'));
  const options = { defines: constants.defines, includeDirs: [dir] };
  let program: Program | undefined;
  const assembled = (): Program => (program ??= assembleFile(hypPath, options));

  describe(`variants/${name}`, () => {
    it('assembles with its layout\'s constants, without warnings', () => {
      expect(assembled().warnings).toEqual([]);
      expect(assembled().sections.get('.text')!.bytes.length).toBeGreaterThan(2048);
    });

    it.each(CONTRACT_SYMBOLS)('defines %s (global: %s)', (symbol, global) => {
      const s = assembled().symbols.get(symbol);
      expect(s?.section, symbol).toBe('.text');
      expect(s!.global).toBe(global);
    });

    it('__kvm_hyp_vector: 2 KiB aligned, 16 entries; sync and IRQ from a lower EL live, the others panic', () => {
      const p = assembled();
      expect(p.sections.get('.text')!.alignment).toBeGreaterThanOrEqual(2048);
      // Linked (branches to global symbols are relocations in the object), at the scenario's load address.
      const image = prepareProgram(p, concreteDomain);
      const at = (symbol: string): number => Number(image.symbols.get(symbol)! - BigInt(image.base));
      const vector = at('__kvm_hyp_vector');
      const panic = at('__kvm_hyp_panic');
      expect((image.base + vector) % 2048).toBe(0);
      const view = new DataView(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength);
      for (let entry = 0; entry < 0x800; entry += 0x80) {
        expect(leadsToPanic(view, vector + entry, panic), `vector + 0x${entry.toString(16)}`).toBe(!LIVE_VECTORS.has(entry));
      }
    });

    it('its layout gives the names observation reads (variants/README.md)', () => {
      const layout = constants.layout;
      for (const path of VCPU_PATHS) expect(() => layout.locate('kvm_vcpu', path), path).not.toThrow();
      for (const path of KVM_PATHS) expect(() => layout.locate('kvm', path), path).not.toThrow();
      for (const c of CONSTANTS) expect(constants.get(c)?.value, c).toBeDefined();
      expect(constants.get('ARM_EXCEPTION_IRQ')!.value).not.toBe(constants.get('ARM_EXCEPTION_TRAP')!.value);
    });
  });

  describeWithGnuAs(`variants/${name}/hyp.S: hyplab and GNU as 2.40 give the same bytes`, (tools) => {
    it('.text and the contract symbols', () => {
      const gnu = gnuAssemble({ path: hypPath }, options, tools);
      expect(gnu.stderr).toBe('');
      const ours = assembled();
      expect(hex(ours.sections.get('.text')!.bytes)).toBe(hex(gnu.elf.sections.get('.text')!.bytes));
      for (const [symbol] of CONTRACT_SYMBOLS) {
        const theirs = gnu.elf.symbols.find((s) => s.name === symbol);
        expect(ours.symbols.get(symbol)!.value, symbol).toBe(theirs?.value);
      }
      const relocations = (list: { section: string; offset: number; type: string; symbol: string; addend: bigint }[]) =>
        list.map((r) => `${r.section}+0x${r.offset.toString(16)} ${r.type} ${r.symbol}${r.addend === 0n ? '' : `+${r.addend}`}`).sort();
      expect(relocations(ours.relocations)).toEqual(relocations(gnu.elf.relocations));
    });
  });
}

describe('variants/', () => {
  it('holds the original', () => {
    expect(variants).toContain('original');
  });
});
