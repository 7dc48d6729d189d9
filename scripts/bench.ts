// Side-by-side measurements: each benchmark runs hyplab and its peer on the same work in one run and
// prints both. Numbers are medians over --runs repetitions after one warm-up.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { assembleFile } from '../src/asm/assemble.ts';

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 20;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMs(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown cpu'} x${cpu.length}, node ${process.version}`;
}

function tool(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Assembling the largest fixture in-process, beside GNU as (with gcc -E for cpp) on the same file. */
function benchAssemble(): void {
  const dir = 'test/fixtures/asm';
  const largest = readdirSync(dir)
    .filter((f) => f.endsWith('.S'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!largest) throw new Error(`no fixtures in ${dir}`);
  const includeDirs = [join(dir, 'include')];
  const cold = timeMs(() => assembleFile(largest, { includeDirs }));
  const program = assembleFile(largest, { includeDirs });
  const ours = median(Array.from({ length: runs }, () => timeMs(() => assembleFile(largest, { includeDirs }))));
  console.log(`assemble ${largest} (${program.instructions.length} instructions after expansion), median of ${runs}:`);
  console.log(`  hyplab (in-process)        ${ours.toFixed(2)} ms   (first, cold run ${cold.toFixed(2)} ms)`);
  if (!tool('aarch64-linux-gnu-as') || !tool('gcc')) {
    console.log('  GNU as                     not installed: apt-get install -y binutils-aarch64-linux-gnu gcc');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'hyplab-bench-'));
  try {
    const pre = join(work, 'in.s');
    const obj = join(work, 'out.o');
    const cpp = ['-E', '-P', '-x', 'assembler-with-cpp', '-undef', '-D__ASSEMBLER__=1', '-D__aarch64__=1', '-I', includeDirs[0]!, largest, '-o', pre];
    const gnu = () => {
      if (spawnSync('gcc', cpp).status !== 0) throw new Error('gcc -E failed');
      if (spawnSync('aarch64-linux-gnu-as', [pre, '-o', obj]).status !== 0) throw new Error('as failed');
    };
    gnu();
    const theirs = median(Array.from({ length: runs }, () => timeMs(gnu)));
    const asOnly = median(Array.from({ length: runs }, () => timeMs(() => spawnSync('aarch64-linux-gnu-as', [pre, '-o', obj]))));
    console.log(`  gcc -E + aarch64-linux-gnu-as (processes) ${theirs.toFixed(2)} ms   (as alone ${asOnly.toFixed(2)} ms)`);
    console.log(`  ratio hyplab / (gcc -E + as)             ${(ours / theirs).toFixed(2)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

console.log(`machine: ${machine()}`);
benchAssemble();
