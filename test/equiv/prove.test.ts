// The proof: original is equivalent to itself and to every variant under variants/ on every path
// (respecting declared deltas); deliberately broken copies of original are refuted with a difference
// naming the right value and a counterexample confirmed by concrete runs; a difference the
// normalisation cannot decide is "undecided", never a proof. Proof times are printed per variant.
//
// The tests enumerate nr_lr in {1, 4, 64} to stay fast; `hyplab check` enumerates 1..64.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editedOriginal } from '../helpers/original-copy.ts';
import { proveVariant } from '../../src/equiv/prove.ts';
import { proposalOf } from '../../src/equiv/deltas.ts';
import type { ProofResult, ProveOptions } from '../../src/equiv/prove.ts';
import { runWorldSwitch } from '../../src/worldswitch/scenario.ts';
import { listVariants, loadVariant, VARIANTS_DIR } from '../../src/worldswitch/variant.ts';

const FAST: ProveOptions = { nrLr: [1, 4, 64] };
const original = join(VARIANTS_DIR, 'original');
const work = mkdtempSync(join(tmpdir(), 'hyplab-prove-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of original with `from` (exactly once in hyp.S) replaced by `to`. */
function broken(name: string, from: string, to: string): string {
  return editedOriginal(work, name, from, to).dir;
}

function report(r: ProofResult): string {
  return `${r.variant}: ${r.summary}\n${r.differences.slice(0, 5).map((d) => `  ${d.value} vs ${d.against}: ${d.original} / ${d.variant} [${d.path}]`).join('\n')}`;
}

describe('every variant is proved equivalent to original on every path', () => {
  for (const name of listVariants()) {
    it(name, () => {
      const r = proveVariant(join(VARIANTS_DIR, name), FAST);
      console.log(`proof time: ${name}: ${r.summary}`);
      expect(r.verdict, report(r)).toBe('proved');
      // 5 exit paths (perm twice) x 2 widths x 2 timer x (no GIC + 3 nr_lr), no symbolic decisions.
      expect(r.paths).toBe(80);
      expect(r.differences).toEqual([]);
    }, 120_000);
  }
});

describe('broken copies are refuted, naming the value, with a confirmed counterexample', () => {
  /** Proves a broken copy and checks its first difference: `value` vs whom, confirmed on the concrete core. */
  function expectRefuted(dir: string, value: string | RegExp, options: ProveOptions = FAST): ProofResult {
    const r = proveVariant(dir, options);
    expect(r.verdict, report(r)).toBe('refuted');
    const d = r.differences.find((x) => (typeof value === 'string' ? x.value === value : value.test(x.value)));
    expect(d, report(r)).toBeDefined();
    expect(d!.counterexample?.confirmed, report(r)).toBe(true);
    // The counterexample's world replays on the concrete core and shows the difference there too.
    const c = d!.counterexample!;
    expect(c.original).not.toBe(c.variant);
    return r;
  }

  it('a swapped ldp pair in restore_guest_regs: guest-entry.x28 and x29', () => {
    const r = expectRefuted(broken('swap-ldp', 'ldp\tx28, x29, [x2], #16', 'ldp\tx29, x28, [x2], #16'), 'guest-entry.x28');
    expect(r.differences.map((d) => d.value)).toContain('guest-entry.x29');
  });

  it('a swapped host pop: host-return.x27 and x28', () => {
    expectRefuted(broken('swap-pop', 'pop\tx27, x28', 'pop\tx28, x27'), 'host-return.x27');
  });

  it('a wrong sysreg slot (CNTKCTL_EL1 saved one slot up): vcpu.sys_regs[CNTKCTL_EL1]', () => {
    const r = expectRefuted(broken('wrong-slot', 'str\tx23, [x2]\n', 'str\tx23, [x2, #8]\n'), 'vcpu.sys_regs[CNTKCTL_EL1]');
    expect(r.differences.map((d) => d.value)).toContain('vcpu.sys_regs[DACR32_EL2]');
  });

  it('a missing msr (cntv_cval_el0 not restored): guest-entry.cntv_cval_el0, on the timer paths', () => {
    const r = expectRefuted(broken('no-msr-cval', 'msr\tcntv_cval_el0, x2', 'nop'), 'guest-entry.cntv_cval_el0');
    expect(r.differences[0]!.path).toContain('timer on');
  });

  it('a missing msr (vmpidr_el2 not loaded): guest-entry.mpidr_el1', () => {
    expectRefuted(broken('no-msr-vmpidr', 'msr\tvmpidr_el2,\tx4', 'nop'), 'guest-entry.mpidr_el1');
  });

  it('a data abort that reaches the `at` walk (the FSC_PERM branch dropped): the failed walk is explored there too', () => {
    // Found by `hyplab mutate original` (M1361): PAR_EL1.F was enumerated only for permission faults.
    const dir = broken('dabt-walk', '\tcmp\tx3, #ESR_EL2_FSC_PERM\n\tb.ne\t2f\n', '\tcmp\tx3, #ESR_EL2_FSC_PERM\n');
    const r = proveVariant(dir, { nrLr: [1] });
    expect(r.verdict, report(r)).toBe('refuted');
    expect(r.differences.some((d) => d.path.startsWith('dabt (PAR_EL1.F)')), report(r)).toBe(true);
  });

  it('the counterexample world replays: the concrete runs of original and the broken copy differ in that value', () => {
    const dir = broken('swap-ldp-replay', 'ldp\tx24, x25, [x2], #16', 'ldp\tx25, x24, [x2], #16');
    const r = proveVariant(dir, { ...FAST, exits: ['hvc'], guests: ['aarch64'] });
    const d = r.differences.find((x) => x.value === 'guest-entry.x24')!;
    expect(d, report(r)).toBeDefined();
    const world = d.counterexample!.world;
    expect(runWorldSwitch(loadVariant(original), world).guestEntry!['guest-entry.x24']).toBe(d.counterexample!.original);
    expect(runWorldSwitch(loadVariant(dir), world).guestEntry!['guest-entry.x24']).toBe(d.counterexample!.variant);
  });
});

describe('honesty', () => {
  it('a value computed differently but equal (x ^ y ^ y) is undecided, not proved and not refuted', () => {
    const dir = broken('xor-twice', 'ldp\tx28, x29, [x2], #16', 'ldp\tx28, x29, [x2], #16\n\teor\tx28, x28, x3\n\teor\tx28, x28, x3');
    const r = proveVariant(dir, { ...FAST, exits: ['hvc'], guests: ['aarch64'] });
    expect(r.verdict, report(r)).toBe('undecided');
    expect(r.summary).toMatch(/fall back to property tests/);
    expect(r.differences[0]!.value).toBe('guest-entry.x28');
    expect(r.differences[0]!.counterexample).toBeUndefined();
  });

  it('a declared delta is allowed; a declared "differs" that does not happen fails', () => {
    const dir = broken('swap-pop-declared', 'pop\tx27, x28', 'pop\tx28, x27');
    const clobbered = proveVariant(dir, { ...FAST, exits: ['irq'], deltas: [{ value: 'host-return.x27', change: 'clobbered', why: 'test' }, { value: 'host-return.x28', change: 'clobbered', why: 'test' }] });
    expect(clobbered.verdict, report(clobbered)).toBe('proved');
    const differs = proveVariant(original, { ...FAST, exits: ['irq'], guests: ['aarch64'], deltas: [{ value: 'host-return.x19', change: 'differs', why: 'test' }] });
    expect(differs.verdict).toBe('refuted');
    expect(differs.differences[0]!.value).toBe('delta:host-return.x19');
  });

  it('deltas are read from the ```json deltas block of the proposal naming the variant', () => {
    const deltas = proposalOf('slim-host-vcpu').deltas;
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((d) => d.change === 'extra-region' || d.change === 'clobbered' || d.change === 'differs')).toBe(true);
    expect(proposalOf('original').deltas).toEqual([]);
  });
});
