// Every variant in variants/, every exit kind, both guest widths: the example-based laws of a world
// switch (test/worldswitch/laws.ts). A new variant folder gets all of them without a line here.

import { describe, expect, it } from 'vitest';
import { listVariants, loadVariant, VARIANTS_DIR } from '../../src/worldswitch/variant.ts';
import { EXIT_KINDS, GUEST_WIDTHS, generateWorld } from '../../src/worldswitch/world.ts';
import type { WorldConfig } from '../../src/worldswitch/world.ts';
import { expectWorldSwitchLaws } from './laws.ts';
import { join } from 'node:path';
import { runWorldSwitch } from '../../src/worldswitch/scenario.ts';
import type { Variant } from '../../src/worldswitch/variant.ts';
import type { World } from '../../src/worldswitch/world.ts';

const variants = listVariants();

it('finds the variants, original among them', () => {
  expect(variants).toContain('original');
});

/** Worlds per case: two seeds, and the configurations worth forcing (retry path; no timer, no GIC). */
const CONFIGS: Partial<WorldConfig>[] = [{}, { timerEnabled: true, gic: { present: true, nrLr: 4 }, parFault: true }, { timerEnabled: false, gic: { present: false, nrLr: 4 }, parFault: false }];

describe.each(variants)('variant %s', (name) => {
  const variant = () => loadVariant(join(VARIANTS_DIR, name));
  for (const exit of EXIT_KINDS) {
    for (const guest of GUEST_WIDTHS) {
      it(`${exit} exit from an ${guest} guest: guest entry = vcpu, host return = host, vcpu = guest at exit`, () => {
        const v = variant();
        CONFIGS.forEach((config, k) => expectWorldSwitchLaws(v, generateWorld(100 + k, { exit, guest, config })));
      });
    }
  }
});

describe('original: what the run measures', () => {
  it('uses 352 bytes of hyp stack at its deepest, as variants/README.md says', () => {
    const v = loadVariant(join(VARIANTS_DIR, 'original'));
    const run = expectWorldSwitchLaws(v, generateWorld(7, { exit: 'hvc', guest: 'aarch64' }));
    expect(run.hypStackDepth).toBe(352);
    expect(run.steps).toBeGreaterThan(300);
  });

  it('takes the AArch32 vectors (0x600/0x680) for a 32-bit guest and the AArch64 ones (0x400/0x480) for a 64-bit one', () => {
    const v = loadVariant(join(VARIANTS_DIR, 'original'));
    const vectors = (guest: 'aarch64' | 'aarch32', exit: 'hvc' | 'irq'): bigint[] =>
      exitVectors(v, generateWorld(3, { exit, guest })).map((a) => a - v.symbols.__kvm_hyp_vector);
    expect(vectors('aarch64', 'hvc')).toEqual([0x400n]);
    expect(vectors('aarch64', 'irq')).toEqual([0x480n]);
    expect(vectors('aarch32', 'hvc')).toEqual([0x600n]);
    expect(vectors('aarch32', 'irq')).toEqual([0x680n]);
  });
});

/** The vector addresses the guest's exits entered (from the trace's first instruction after each exit). */
function exitVectors(v: Variant, world: World): bigint[] {
  const run = runWorldSwitch(v, world, { trace: true });
  const out: bigint[] = [];
  const segments = run.trace ?? [];
  segments.forEach((seg, i) => {
    if (seg.kind === 'scenario' && seg.title.startsWith('exit:')) {
      const next = segments[i + 1];
      if (next?.kind === 'run' && next.entries.length > 0) out.push(next.entries[0]!.pc);
    }
  });
  return out;
}
