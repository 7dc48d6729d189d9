// `hyplab mutate`: usage errors are exit 2 with the problem named; a small run of original's mutants
// prints every mutant with its verdicts and the kill rates (text), and the same numbers in JSON.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('hyplab mutate: usage', () => {
  it.each([
    [['mutate'], /variant/],
    [['mutate', 'no-such-variant'], /no variant 'no-such-variant'/],
    [['mutate', 'original', '--runs', '0'], /--runs must be a positive integer/],
    [['mutate', 'original', '--limit', '-3'], /--limit must be a positive integer/],
    [['mutate', 'original', '--seed', '99999999999'], /--seed must be a 32-bit integer/],
    [['mutate', 'original', '--operators', 'swap-pair,flip'], /unknown operator\(s\) flip/],
    [['mutate', 'original', '--format', 'xml'], /format/],
  ])('%j is exit 2', async (argv, message) => {
    const r = await runCli(...argv);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('hyplab mutate original (3 branch mutants, 20 worlds)', () => {
  it('text: each mutant with both verdicts, then the kill rates; exit 0 when they agree', async () => {
    const r = await runCli('mutate', 'original', '--operators', 'branch', '--limit', '3', '--runs', '20', '--seed', '5');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^hyplab mutate original: 3 mutant\(s\), 20 random worlds each, seed 5\n/);
    expect(r.stdout.match(/^M\d{4} hyp\.S:\d+ branch /gm)).toHaveLength(3);
    expect(r.stdout).toMatch(/proof-detected \(non-equivalent\): \d+\/3/);
    expect(r.stdout).toMatch(/property-killed: +\d+\/3/);
    expect(r.stdout).toMatch(/GIC nr_lr in \{1, 4, 64\}/);
    const agree = r.stdout.includes('agree on every mutant');
    expect(r.status).toBe(agree ? 0 : 1);
  }, 120_000);

  it('json: the same mutants, rates that add up, the seed on every property result', async () => {
    const r = await runCli('mutate', 'original', '--operators', 'branch', '--limit', '3', '--runs', '20', '--seed', '5', '--format', 'json');
    const j = JSON.parse(r.stdout) as { seed: number; rates: { total: number; live: number; stillborn: number; propertyKilled: number }; mutants: { id: string; operator: string; property?: { seed: number; killed: boolean } }[] };
    expect(j.seed).toBe(5);
    expect(j.mutants).toHaveLength(3);
    expect(j.rates.total).toBe(3);
    expect(j.rates.live + j.rates.stillborn).toBe(3);
    expect(j.rates.propertyKilled).toBe(j.mutants.filter((m) => m.property?.killed).length);
    for (const m of j.mutants) {
      expect(m.operator).toBe('branch');
      if (m.property) expect(m.property.seed).toBe(5);
    }
  }, 120_000);
});
