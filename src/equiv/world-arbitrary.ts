// The fast-check arbitrary of a World: the same description of valid values as generateWorld
// (src/worldswitch/world.ts, `buildWorld`), read from fast-check instead of a seeded Random. Every
// choice is a fast-check value, so a failing world shrinks choice by choice toward 0: the first exit
// kind (hvc), an AArch64 guest, no timer, no GIC, the first placement, zero registers.

import fc from 'fast-check';
import { buildWorld } from '../worldswitch/world.ts';
import type { ValueSource, World, WorldChoice } from '../worldswitch/world.ts';

/** Arbitraries built once per width/range (a world draws ~600 values). */
const bitsArbitraries = new Map<number, () => fc.Arbitrary<bigint>>();
const belowArbitraries = new Map<number, () => fc.Arbitrary<number>>();

function bitsArbitrary(n: number): () => fc.Arbitrary<bigint> {
  let a = bitsArbitraries.get(n);
  if (a === undefined) {
    const arbitrary = fc.bigInt({ min: 0n, max: (1n << BigInt(n)) - 1n });
    a = () => arbitrary;
    bitsArbitraries.set(n, a);
  }
  return a;
}

function belowArbitrary(n: number): () => fc.Arbitrary<number> {
  let a = belowArbitraries.get(n);
  if (a === undefined) {
    const arbitrary = fc.integer({ min: 0, max: n - 1 });
    a = () => arbitrary;
    belowArbitraries.set(n, a);
  }
  return a;
}

/** fast-check's imperative generator as a ValueSource. */
class GeneratedValues implements ValueSource {
  constructor(private readonly g: fc.GeneratorValue) {}
  u64(): bigint {
    return this.g(bitsArbitrary(64));
  }
  bits(n: number): bigint {
    return this.g(bitsArbitrary(n));
  }
  below(n: number): number {
    return n <= 1 ? 0 : this.g(belowArbitrary(n));
  }
  pick<T>(choices: readonly T[]): T {
    return choices[this.below(choices.length)]!;
  }
  coin(): boolean {
    return this.below(2) === 1;
  }
}

/**
 * Worlds as fast-check values. `seed` in each World is 0: a property-test world is replayed by the
 * fast-check seed and path of its run (`hyplab check VARIANT --seed S --path P`), not by generateWorld.
 */
export function worldArbitrary(choice: WorldChoice = {}): fc.Arbitrary<World> {
  return fc.gen().map((g) => buildWorld(new GeneratedValues(g), 0, choice));
}
