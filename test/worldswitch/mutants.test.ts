// The laws have teeth: small, deliberate bugs in a copy of variants/original each break exactly the
// law they should, by name; panics, runaways and wrong returns are coded diagnostics whose origin is
// the instruction responsible (file:line in the mutant's hyp.S).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editedOriginal } from '../helpers/original-copy.ts';
import { runWorldSwitch } from '../../src/worldswitch/scenario.ts';
import { expectedGuestEntry, expectedGuestRetry, expectedHostReturn, expectedVcpuAtExit, mismatches, specificationContext } from '../../src/worldswitch/specification.ts';
import { loadVariant } from '../../src/worldswitch/variant.ts';
import type { Variant } from '../../src/worldswitch/variant.ts';
import { generateWorld } from '../../src/worldswitch/world.ts';
import type { ExitKind, GuestWidth, WorldConfig } from '../../src/worldswitch/world.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-mutants-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of original with `from` (which must occur exactly once) replaced by `to`; and the line it is on. */
function mutant(name: string, from: string, to: string): { variant: Variant; line: number } {
  const { dir, line } = editedOriginal(work, name, from, to);
  return { variant: loadVariant(dir), line };
}

function world(exit: ExitKind, guest: GuestWidth = 'aarch64', config: Partial<WorldConfig> = {}) {
  return generateWorld(11, { exit, guest, config });
}

/** The names of the values that break the specification. */
function broken(variant: Variant, exit: ExitKind, guest: GuestWidth = 'aarch64', config: Partial<WorldConfig> = {}): string[] {
  const w = world(exit, guest, config);
  const run = runWorldSwitch(variant, w);
  expect(run.failure).toBeUndefined();
  return [
    ...mismatches(expectedGuestEntry(w), run.guestEntry!),
    ...(run.guestRetry ? mismatches(expectedGuestRetry(w), run.guestRetry) : []),
    ...mismatches(expectedHostReturn(w, specificationContext(variant)), run.hostReturn!),
    ...mismatches(expectedVcpuAtExit(w), run.hostReturn!),
  ].map((m) => m.name);
}

describe('a wrong value is named by the law it breaks', () => {
  it('save_guest_regs storing x18/x19 swapped: vcpu.regs[18] and vcpu.regs[19]', () => {
    const { variant } = mutant('swap-guest-x18', 'stp\tx18, x19, [x2], #16', 'stp\tx19, x18, [x2], #16');
    expect(broken(variant, 'hvc')).toEqual(['vcpu.regs[18]', 'vcpu.regs[19]']);
    expect(broken(variant, 'irq', 'aarch32')).toEqual(['vcpu.regs[18]', 'vcpu.regs[19]']);
  });

  it('restore_host_regs popping x27/x28 swapped: host-return.x27 and host-return.x28', () => {
    const { variant } = mutant('swap-host-x27', 'pop\tx27, x28', 'pop\tx28, x27');
    expect(broken(variant, 'dabt').sort()).toEqual(['host-return.x27', 'host-return.x28']);
  });

  it('load_sysregs not writing VMPIDR_EL2: the guest reads the host MPIDR (and the host its own stale one)', () => {
    const { variant } = mutant('no-vmpidr', 'msr\tvmpidr_el2,\tx4', 'nop');
    expect(broken(variant, 'hvc')).toContain('guest-entry.mpidr_el1');
  });

  it('the PAR_EL1.F retry restoring x0-x3 in the wrong order: guest-retry.x0 .. x3', () => {
    const { variant } = mutant('retry-order', '5:\tpop\tx2, x3\n\tpop\tx0, x1', '5:\tpop\tx0, x1\n\tpop\tx2, x3');
    // The guest then faults again with the swapped registers, which the vcpu keeps.
    expect(broken(variant, 'perm', 'aarch64', { parFault: true }).sort()).toEqual(
      ['guest-retry.x0', 'guest-retry.x1', 'guest-retry.x2', 'guest-retry.x3', 'vcpu.regs[0]', 'vcpu.regs[1]', 'vcpu.regs[2]', 'vcpu.regs[3]'],
    );
    // Without the retry the path is not taken: nothing breaks.
    expect(broken(variant, 'perm', 'aarch64', { parFault: false })).toEqual([]);
  });
});

describe('a run that cannot complete is a coded diagnostic at the instruction responsible', () => {
  it('a load from an unmapped address at EL2 ends in __kvm_hyp_panic: HL0711 at that load', () => {
    const { variant, line } = mutant('unmapped-vttbr', 'ldr\tx2, [x2, #KVM_VTTBR]', 'ldr\tx2, [x2, x2]');
    const run = runWorldSwitch(variant, world('hvc'));
    expect(run.failure?.code).toBe('HL0711');
    expect(run.failure?.message).toMatch(/__kvm_hyp_panic.*data abort/);
    expect(run.failure?.origin.location).toMatchObject({ file: join(work, 'unmapped-vttbr', 'hyp.S'), line });
    expect(run.failure?.origin.stack[0]?.macro).toBe('activate_vm');
    expect(run.guestEntry).toBeUndefined();
  });

  it('a guest entry that loops instead of its eret: HL0704 (step limit) listing the loop', () => {
    const { variant, line } = mutant('entry-loop', '__kvm_vcpu_guest_entry:\n\teret', '__kvm_vcpu_guest_entry:\n\tb\t__kvm_vcpu_guest_entry');
    const run = runWorldSwitch(variant, world('hvc'), { maxSteps: 2000 });
    expect(run.failure?.code).toBe('HL0704');
    expect(run.failure?.origin.location.line).toBe(line + 1);
  });

  it('a trap that returns to the guest instead of exiting: HL0712 at that eret', () => {
    const { variant } = mutant('trap-returns', 'mov\tx1, #ARM_EXCEPTION_TRAP\n\tb\t__kvm_vcpu_return', 'mov\tx1, #ARM_EXCEPTION_TRAP\n\tb\t5f');
    const run = runWorldSwitch(variant, world('dabt'));
    expect(run.failure?.code).toBe('HL0712');
    expect(run.failure?.message).toMatch(/__kvm_hyp_host_return/);
    expect(run.guestEntry).toBeDefined();
    expect(run.hostReturn).toBeUndefined();
    const eret = readFileSync(join(work, 'trap-returns', 'hyp.S'), 'utf8').split('\n').findIndex((l, i, all) => l === '\teret' && all[i - 2] === '5:\tpop\tx2, x3');
    expect(run.failure?.origin.location.line).toBe(eret + 1);
  });

  it('restore_host_regs popping lr and x29 swapped: the ret goes to the host x29, HL0705 at that ret', () => {
    const { variant } = mutant('swap-host-lr', 'pop\tx29, lr', 'pop\tlr, x29');
    const w = world('dabt');
    const run = runWorldSwitch(variant, w);
    expect(run.failure?.code).toBe('HL0705');
    expect(run.failure?.message).toContain(`0x${w.host.x[29]!.toString(16)}`);
    expect(run.failure?.message).toContain("'ret'");
  });

  it('a variant without a contract symbol is refused when loaded (HL0301)', () => {
    expect(() => mutant('no-panic-symbol', 'ENTRY(__kvm_hyp_panic)\n\tb\t__kvm_hyp_panic\nENDPROC(__kvm_hyp_panic)', 'hyp_panic_renamed:\n\tb\thyp_panic_renamed')).toThrow(/HL0301|__kvm_hyp_panic/);
  });
});
