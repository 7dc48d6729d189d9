// Deliberately broken copies of real variants fail `checkVariant` with a counterexample that names the
// right value and the right source line: the value the break corrupts, and the mutated line, where the
// two runs' first divergent write is (and, where the break is the value's last writer, as that too).

import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkVariant, loadOriginal } from '../../src/equiv/check-variant.ts';
import type { CheckFailure } from '../../src/equiv/check-variant.ts';
import { loadVariant, VARIANTS_DIR } from '../../src/worldswitch/variant.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-broken-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of variants/<name> (in a folder of the same name, so its proposal's deltas apply) with `from` replaced by `to`. */
function broken(name: string, tag: string, from: string, to: string) {
  const text = readFileSync(join(VARIANTS_DIR, name, 'hyp.S'), 'utf8');
  const at = text.indexOf(from);
  expect(at, `'${from}' is in variants/${name}/hyp.S`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(from, at + 1), `'${from}' occurs once`).toBe(-1);
  const dir = join(work, tag, name);
  mkdirSync(join(work, tag));
  cpSync(join(VARIANTS_DIR, name), dir, { recursive: true });
  writeFileSync(join(dir, 'hyp.S'), text.replace(from, to));
  return { variant: loadVariant(dir), file: join(dir, 'hyp.S'), line: text.slice(0, at).split('\n').length };
}

function failureOf(variant: ReturnType<typeof loadVariant>): CheckFailure {
  const verdict = checkVariant(variant, { runs: 5, seed: 1, original: loadOriginal() });
  expect(verdict.holds).toBe(false);
  const failure = verdict.properties.find((p) => p.failure !== undefined)?.failure;
  expect(failure?.explanation).toBeDefined();
  return failure!;
}

describe('a broken copy fails with a counterexample naming the value and the source line', () => {
  it('a swapped ldp pair in restore_guest_regs: guest-entry.x20, last written by that ldp', () => {
    const { variant, file, line: before } = broken('original', 'ldp-swap', 'ldp\tx18, x19, [x2], #16\n\tldp\tx20, x21, [x2], #16\n\tldp\tx22, x23, [x2], #16\n\tldp\tx24', 'ldp\tx18, x19, [x2], #16\n\tldp\tx21, x20, [x2], #16\n\tldp\tx22, x23, [x2], #16\n\tldp\tx24');
    const line = before + 1;
    const f = failureOf(variant);
    expect(f.differences.map((d) => d.name)).toEqual(expect.arrayContaining(['guest-entry.x20', 'guest-entry.x21']));
    expect(f.explanation!.difference.name).toBe('guest-entry.x20');
    const writer = f.explanation!.variantWriter!.entry!;
    expect(writer.origin.location).toMatchObject({ file, line });
    expect(writer.origin.stack[0]?.macro).toBe('restore_guest_regs');
    expect(f.explanation!.sideBySide.divergence?.variant?.location).toMatchObject({ file, line });
  });

  it('a wrong sysreg slot in save_guest_sysregs: vcpu.sys_regs[CSSELR_EL1], diverging at that add', () => {
    const { variant, file, line } = broken('original', 'slot', 'add\tx2, x0, #SYSREG_OFFSET(CSSELR_EL1)', 'add\tx2, x0, #SYSREG_OFFSET(SCTLR_EL1)');
    const f = failureOf(variant);
    expect(f.explanation!.difference.name).toBe('vcpu.sys_regs[CSSELR_EL1]');
    expect(f.differences.map((d) => d.name)).toContain('vcpu.sys_regs[SCTLR_EL1]');
    expect(f.explanation!.sideBySide.divergence?.variant?.location).toMatchObject({ file, line });
    expect(f.explanation!.sideBySide.divergence?.variant?.stack[0]?.macro).toBe('save_guest_sysregs');
    // The slot SCTLR_EL1 now holds CSSELR_EL1, stored by the first stp after the add.
    const sctlr = f.differences.find((d) => d.name === 'vcpu.sys_regs[SCTLR_EL1]')!;
    expect(sctlr.actual).toBe(f.world!.run.sysregs.CSSELR_EL1);
  });

  it('a missing msr in restore_guest_sysregs: guest-entry.ttbr0_el1 keeps the host value, diverging at that line', () => {
    const { variant, file, line } = broken('original', 'no-msr', 'msr\tttbr0_el1,\tx9', 'nop');
    const f = failureOf(variant);
    const d = f.explanation!.difference;
    expect(d.name).toBe('guest-entry.ttbr0_el1');
    expect(d.actual).toBe(f.world!.host.sysregs.TTBR0_EL1);
    expect(d.expected).toBe(f.world!.vcpu.sysregs.TTBR0_EL1);
    expect(f.explanation!.variantWriter!.entry).toBeUndefined();
    expect(f.explanation!.originalWriter!.entry!.text).toMatch(/^msr\s+ttbr0_el1,\s+x9$/);
    expect(f.explanation!.sideBySide.divergence?.variant?.location).toMatchObject({ file, line });
  });

  it('a wrong offset in save_guest_regs: vcpu.elr_el1 not saved, diverging at that str', () => {
    const { variant, file, line } = broken('original', 'offset', 'str\tx5, [x0, #VCPU_ELR_EL1]', 'str\tx5, [x0, #VCPU_ELR_EL1 + 8]');
    const f = failureOf(variant);
    expect(f.explanation!.difference.name).toBe('vcpu.elr_el1');
    expect(f.explanation!.difference.actual).toBe(f.world!.vcpu.elr_el1);
    expect(f.explanation!.sideBySide.divergence?.variant?.location).toMatchObject({ file, line });
  });

  it('swapped pushes in save_host_regs without their pops: host-return.x19, last written by the pop, diverging at the push', () => {
    const { variant, file, line } = broken('original', 'push-order', 'push\tx19, x20\n\tpush\tx21, x22\n\tpush\tx23, x24\n\tpush\tx25', 'push\tx21, x22\n\tpush\tx19, x20\n\tpush\tx23, x24\n\tpush\tx25');
    const f = failureOf(variant);
    expect(f.explanation!.difference.name).toBe('host-return.x19');
    expect(f.differences.map((d) => d.name)).toEqual(expect.arrayContaining(['host-return.x20', 'host-return.x21', 'host-return.x22']));
    const writer = f.explanation!.variantWriter!.entry!;
    expect(writer.text).toBe('ldp x19, x20, [sp], #16');
    expect(writer.origin.stack.map((s) => s.macro)).toEqual(['pop', 'restore_host_regs']);
    // The divergent instruction is push's stp; the push line is where save_host_regs expands it.
    const at = f.explanation!.sideBySide.divergence!.variant!;
    expect(at.stack.map((s) => s.macro)).toEqual(['push', 'save_host_regs']);
    expect(at.stack[0]!.at).toMatchObject({ file, line });
  });

  it('slim-host-vcpu without its msr elr_el1 on the way back: host-return.elr_el1 (its extra-region deltas still allowed)', () => {
    const { variant, file, line } = broken('slim-host-vcpu', 'slim-no-msr', 'msr\telr_el1, x21', 'nop');
    const f = failureOf(variant);
    expect(f.differences.map((d) => d.name)).toEqual(['host-return.elr_el1']);
    expect(f.explanation!.sideBySide.divergence).toBeDefined();
    // The variant's last writer is the guest's run: nothing in HYP restored it.
    expect(f.explanation!.variantWriter!.stretch).toMatch(/^the guest runs/);
    expect(readFileSync(file, 'utf8').split('\n')[line - 1]).toBe('\tnop');
  });
});
