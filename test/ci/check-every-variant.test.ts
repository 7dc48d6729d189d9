// The main job at CI scale: README.md's main-job command as written (`hyplab check --proof full`, every
// variant with the full proof) with at least 1,000 random worlds each and a fresh seed every run
// (printed, so a failure replays). HYPLAB_CHECK_RUNS changes the count for a quicker local run; CI
// leaves it unset.

import { describe, expect, it } from 'vitest';
import { listVariants } from '../../src/worldswitch/variant.ts';
import { runCli } from '../helpers/cli.ts';
import { readmeMainJob } from '../helpers/readme.ts';

const runs = Number(process.env.HYPLAB_CHECK_RUNS ?? 1000);

describe(`hyplab check, every variant, ${runs} random worlds each`, () => {
  it('proves and property-tests every variant, and every verdict agrees with the declared deltas', async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const command = [...readmeMainJob(), '--runs', String(runs), '--seed', String(seed)];
    console.log(`hyplab ${command.join(' ')} (fresh seed; replay with this command)`);
    const r = await runCli(...command);
    if (r.status !== 0) console.log(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    for (const name of listVariants()) {
      expect(r.stdout).toMatch(new RegExp(`^${name}: HOLDS .*seed ${seed}`, 'm'));
    }
    expect(r.stdout.match(/proved on \d+ paths/g)).toHaveLength(listVariants().length);
    expect(r.stdout.match(/nr_lr in 1\.\.64/g)).toHaveLength(listVariants().length);
  }, 900_000);
});
