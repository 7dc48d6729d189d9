// The main job at CI scale: `hyplab check` on every variant with the proof and at least 1,000 random
// worlds each, a fresh seed every run (printed, so a failure replays). HYPLAB_CHECK_RUNS changes the
// count for a quicker local run; CI leaves it unset.

import { describe, expect, it } from 'vitest';
import { listVariants } from '../../src/worldswitch/variant.ts';
import { runCli } from '../helpers/cli.ts';

const runs = Number(process.env.HYPLAB_CHECK_RUNS ?? 1000);

describe(`hyplab check, every variant, ${runs} random worlds each`, () => {
  it('proves and property-tests every variant, and every verdict agrees with the declared deltas', async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    console.log(`hyplab check --runs ${runs} --seed ${seed} (fresh seed; replay with this command)`);
    const r = await runCli('check', '--runs', String(runs), '--seed', String(seed));
    if (r.status !== 0) console.log(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    for (const name of listVariants()) {
      expect(r.stdout).toMatch(new RegExp(`^${name}: HOLDS .*seed ${seed}`, 'm'));
    }
    expect(r.stdout).toMatch(/proved on \d+ paths/);
  }, 900_000);
});
