// The execution core against QEMU 7.2 at EL2 (qemu-system-aarch64 -M virt,virtualization=on -cpu
// cortex-a57): random cases (data processing with flags, loads/stores in every addressing mode, mrs/msr
// of EL1/EL2/AArch32 registers, forward branches, eret to EL1, hvc/svc/brk into vector tables) run in
// batches on both, and every architecturally defined value must agree, outside the exclusion table
// (src/machine/qemu-exclusions.ts).
//
// A fresh seed each run (printed); HYPLAB_QEMU_SEED=S replays a run, and with HYPLAB_QEMU_PATH=P only
// the case at fast-check path P of batch seed S. HYPLAB_QEMU_CASES sets the number of cases.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWithQemu } from '../helpers/qemu.ts';
import { arbitraryCase, renderCase } from '../../scripts/oracles/qemu-cases.ts';
import type { OracleCase } from '../../scripts/oracles/qemu-cases.ts';
import { buildBatch, dataAddress, parseHexDump, parseRecord } from '../../scripts/oracles/qemu-batch.ts';
import { checkCases, compareObservations, runOnCore } from '../../scripts/oracles/qemu-differential.ts';
import { runQemu } from '../../scripts/oracles/qemu.ts';
import { formatDisagreement, formatSummary, replayCase, runOracle, shrinkDisagreement } from '../../scripts/oracles/qemu-oracle.ts';
import { QEMU_EXCLUSIONS, excludedBits } from '../../src/machine/qemu-exclusions.ts';

const CASES = Number(process.env.HYPLAB_QEMU_CASES ?? 5000);
const seedText = process.env.HYPLAB_QEMU_SEED;
const SEED = seedText !== undefined ? Number(seedText) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const PATH = process.env.HYPLAB_QEMU_PATH;

function sampleCase(seed: number): OracleCase {
  return fc.sample(arbitraryCase, { seed, numRuns: 1 })[0]!;
}

describe('QEMU oracle plumbing', () => {
  it('renders every case with its entry label and an end that returns to the runner', () => {
    for (const c of fc.sample(arbitraryCase, { seed: 7, numRuns: 50 })) {
      const lines = renderCase(c, { prefix: 'c0', dataAddress: dataAddress(0) });
      expect(lines[0]).toBe('c0:');
      expect(lines.some((l) => /^\s+(b report|hvc|svc|brk) ?/.test(l))).toBe(true);
    }
  });

  it('compares 128-bit Q registers whole and masks only what the exclusion table names', () => {
    const q = new Map<string, bigint>([['kind', 16n], ['esr_el2', 0n], ['q3', 1n << 100n], ['x1', 5n], ['nzcv', 0n]]);
    const c = new Map<string, bigint>([['kind', 16n], ['esr_el2', 0n], ['q3', 0n], ['x1', 5n], ['nzcv', 0x40000000n]]);
    expect(compareObservations(q, c).map((d) => d.name)).toEqual(['q3', 'nzcv']);
    // After an exception (kind = an EL2 vector), QEMU's cleared flags are excluded.
    q.set('kind', 4n);
    c.set('kind', 4n);
    expect(compareObservations(q, c).map((d) => d.name)).toEqual(['q3']);
    expect(excludedBits('nzcv', { exception: true, el1Exception: false })).toBe(0xf0000000n);
    expect(excludedBits('x1', { exception: true, el1Exception: true })).toBe(0n);
    for (const e of QEMU_EXCLUSIONS) expect(e.reason.length).toBeGreaterThan(20);
  });

  it('rejects a dump that is not a whole number of records', () => {
    expect(parseHexDump('abcd', 1)).toBeUndefined();
  });
});

describeWithQemu('the core against QEMU at EL2', (qemu) => {
  it('notices a difference: QEMU runs one case, the core the same case with X5 changed', async () => {
    const a = sampleCase(11);
    const b: OracleCase = { ...a, init: { ...a.init, x: a.init.x.map((v, n) => (n === 5 ? v ^ 1n : v)) }, first: [], second: [], end: { kind: 'report' } };
    delete (b as { eret?: unknown }).eret;
    const onlyReport: OracleCase = { ...b, init: a.init };
    const q = await runQemu(qemu, buildBatch([onlyReport]).elf, 20_000);
    const dump = parseHexDump(q.stdout, 1);
    expect(dump, q.stderr).toBeDefined();
    const core = runOnCore(buildBatch([b]));
    const differences = compareObservations(parseRecord(dump!, 0), parseRecord(core.dump, 0));
    expect(differences.map((d) => d.name)).toEqual(['x5']);
  }, 60_000);

  it('finds the case that hangs QEMU by bisection (wfi with nothing pending waits forever)', async () => {
    const cases = fc.sample(arbitraryCase, { seed: 13, numRuns: 4 });
    cases[2] = { ...cases[2]!, first: [{ kind: 'insn', text: 'wfi' }], second: [], end: { kind: 'report' }, init: { ...cases[2]!.init, mode: 'EL2h' } };
    delete (cases[2] as { eret?: unknown }).eret;
    const result = await checkCases(cases, { qemu, timeoutMs: 2_000 });
    expect(result.disagreements.map((d) => [d.index, d.qemuFailure])).toEqual([[2, 'QEMU timed out']]);
  }, 60_000);

  if (PATH !== undefined) {
    it(`replays the case at seed ${SEED}, path ${PATH}`, async () => {
      const replay = { seed: SEED, path: PATH };
      const shrunk = await shrinkDisagreement(qemu, replay, 120_000);
      if (shrunk !== undefined) throw new Error(formatDisagreement({ replay, ...shrunk }, 'disagreement (shrunk)'));
      expect(replayCase(replay)).toBeDefined();
    }, 300_000);
    return;
  }

  it(`agrees on ${CASES} random cases (seed ${SEED}; replay with HYPLAB_QEMU_SEED=${SEED})`, async () => {
    console.log(`QEMU oracle: seed ${SEED} (replay with HYPLAB_QEMU_SEED=${SEED})`);
    const summary = await runOracle({ qemu, seed: SEED, cases: CASES });
    console.log(formatSummary(summary).split('\nexclusions:')[0]);
    if (summary.disagreements.length === 0) return;
    const first = summary.disagreements[0]!;
    const shrunk = await shrinkDisagreement(qemu, first.replay, 60_000);
    const report = [
      `${summary.disagreements.length} of ${summary.cases} cases disagree with QEMU (seed ${SEED}).`,
      formatDisagreement(first),
      ...(shrunk ? [formatDisagreement({ replay: first.replay, ...shrunk }, 'after shrinking')] : []),
      ...summary.disagreements.slice(1, 5).map((d) => formatDisagreement(d)),
    ].join('\n\n');
    throw new Error(report);
  }, 600_000);
});
