// Soak run of the QEMU differential oracle: 100,000 random cases by default, in batches, with progress
// and a summary (cases, batches, disagreements, time). Exits 1 on any disagreement, 2 without QEMU.
// Usage: scripts/oracle-soak [--cases N] [--seed S] [--batch B]

import { findQemu, INSTALL_QEMU } from './oracles/qemu.ts';
import { DEFAULT_BATCH_SIZE, formatDisagreement, formatSummary, runOracle, shrinkDisagreement } from './oracles/qemu-oracle.ts';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const cases = Number(flag('cases') ?? 100_000);
const seed = Number(flag('seed') ?? ((Date.now() ^ (Math.random() * 0x7fffffff)) | 0));
const batchSize = Number(flag('batch') ?? DEFAULT_BATCH_SIZE);
if (!Number.isInteger(cases) || cases <= 0 || !Number.isInteger(seed) || !Number.isInteger(batchSize) || batchSize <= 0) {
  console.error('usage: scripts/oracle-soak [--cases N] [--seed S] [--batch B]');
  process.exit(2);
}

const qemu = findQemu();
if (qemu === undefined) {
  console.error(`qemu-system-aarch64 not found on PATH; install it with: ${INSTALL_QEMU}`);
  process.exit(2);
}

console.log(`oracle-soak: ${cases} cases, batches of ${batchSize}, seed ${seed} (replay with --seed ${seed})`);
const summary = await runOracle({
  qemu,
  seed,
  cases,
  batchSize,
  progress: (done, total, disagreements, ms) =>
    console.log(`  ${done}/${total} cases, ${disagreements} disagreements, ${(ms / 1000).toFixed(1)} s (${Math.round(done / (ms / 1000))} cases/s)`),
});
console.log(formatSummary(summary));
for (const d of summary.disagreements.slice(0, 10)) console.log(`\n${formatDisagreement(d)}`);
if (summary.disagreements.length > 0) {
  const first = summary.disagreements[0]!;
  const shrunk = await shrinkDisagreement(qemu, first.replay);
  if (shrunk !== undefined) console.log(`\n${formatDisagreement({ replay: first.replay, ...shrunk }, 'first disagreement after shrinking')}`);
  process.exit(1);
}
