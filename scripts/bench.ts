// Side-by-side measurements: each benchmark runs hyplab and its peer on the same work in one run and
// prints both. Numbers are medians over --runs repetitions after one warm-up. `--only assemble|execute`
// runs one benchmark. `--record` also writes what it printed to scripts/bench.recorded.txt, which
// REPORT.md's measured section quotes (`hyplab report` after it).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { assembleFile, assembleText } from '../src/asm/assemble.ts';
import { concreteDomain } from '../src/a64/domain-concrete.ts';
import { prepareProgram } from '../src/machine/image.ts';
import { concreteMachine, run, stagedBlocks, stagedInstructions } from '../src/machine/run.ts';

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

/** CPU time (user + system) of `fn`, in ms: a busy machine distorts it less than wall time. */
function timeCpu(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
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

// ------------------------------------------------------------------------------------------------
// Execution: a 10,000-instruction straight-line block of stp/ldp/add/orr/mrs/msr at EL1, looped

const BLOCK_LENGTH = 10_000;
const LOOPS = 100;
/** Registers the block computes with: x0/x1 end the hyplab run (semihosting exit), x28 counts loops. */
const POOL = Array.from({ length: 26 }, (_, i) => i + 2);
/** EL1 registers both engines model as plain 64-bit storage (no RES0 bits, no side effects). */
const EL1_REGISTERS = ['tpidr_el1', 'tpidr_el0', 'tpidrro_el0', 'elr_el1', 'far_el1', 'sp_el0'];
const STACK_TOP = 0x4010_0000;

/** A small deterministic generator (xorshift32), so that every run benchmarks the same block. */
function generator(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** The block as assembler text: one sixth each of stp, ldp, add, orr, mrs, msr; the stack balanced. */
function blockText(): string {
  const pick = generator(0x5eed);
  const reg = (): string => `x${POOL[pick(POOL.length)]}`;
  const pair = (): [string, string] => {
    const a = reg();
    let b = reg();
    while (b === a) b = reg();
    return [a, b];
  };
  const lines: string[] = [];
  let depth = 0;
  while (lines.length < BLOCK_LENGTH) {
    const left = BLOCK_LENGTH - lines.length;
    const kind = left <= depth ? 1 : pick(6);
    if (kind === 0) {
      const [a, b] = pair();
      if (depth < 32 && pick(2) === 0) {
        lines.push(`stp ${a}, ${b}, [sp, #-16]!`);
        depth++;
      } else lines.push(`stp ${a}, ${b}, [sp, #${16 * pick(16)}]`);
    } else if (kind === 1) {
      const [a, b] = pair();
      if (depth > 0 && (left <= depth || pick(2) === 0)) {
        lines.push(`ldp ${a}, ${b}, [sp], #16`);
        depth--;
      } else lines.push(`ldp ${a}, ${b}, [sp, #${16 * pick(16)}]`);
    } else if (kind === 2) lines.push(`add ${reg()}, ${reg()}, #${pick(4096)}`);
    else if (kind === 3) lines.push(`orr ${reg()}, ${reg()}, ${reg()}${pick(2) === 0 ? '' : `, lsl #${pick(64)}`}`);
    else if (kind === 4) lines.push(`mrs ${reg()}, ${EL1_REGISTERS[pick(EL1_REGISTERS.length)]}`);
    else lines.push(`msr ${EL1_REGISTERS[pick(EL1_REGISTERS.length)]}, ${reg()}`);
  }
  return lines.join('\n');
}

/**
 * The program both engines run: set SP, loop the block LOOPS times, stop at the sentinel `brk`. Unicorn
 * stops there in its interrupt hook; hyplab takes the exception to VBAR_EL1 + 0x200 (current EL, SPx,
 * synchronous), whose handler ends the run with the semihosting exit.
 */
function programText(): string {
  return [
    '.globl _start',
    '_start:',
    `  movz x0, #${STACK_TOP >>> 16}, lsl #16`,
    '  mov sp, x0',
    `  mov x28, #${LOOPS}`,
    'loop:',
    blockText(),
    '  subs x28, x28, #1',
    '  b.ne loop',
    'sentinel:',
    '  brk #0xfff',
    '  .balign 2048',
    'vectors:',
    '  .space 0x200',
    '  mov x0, #0x18',
    '  adr x1, exit_block',
    '  hlt #0xf000',
    '  .balign 8',
    'exit_block:',
    '  .quad 0x20026, 0',
  ].join('\n');
}

const PROLOGUE = 3;
const EXIT_PATH = 4; // brk, mov, adr, hlt

function benchExecute(): void {
  const text = programText();
  const assembleMs = timeMs(() => assembleText('bench-block.S', text));
  const image = prepareProgram(assembleText('bench-block.S', text), concreteDomain);
  const vectors = image.symbols.get('vectors')!;
  const sentinel = image.symbols.get('sentinel')!;
  const instructions = PROLOGUE + LOOPS * (BLOCK_LENGTH + 2);
  /** Runs on fresh machines, `stageAfter` as in RunOptions (Infinity: the interpreter only): first run and median. */
  const measure = (img: typeof image, stageAfter: number) => {
    const once = () => {
      const m = concreteMachine(img, { el: 1, ramSize: 2 << 20, sysregs: { vbar_el1: vectors } });
      let r: ReturnType<typeof run<bigint>> | undefined;
      const ms = timeCpu(() => (r = run(img, m, { maxSteps: instructions + EXIT_PATH, stageAfter })));
      if (r!.status !== 'exit' || r!.steps !== instructions + EXIT_PATH) throw new Error(`hyplab run ended ${r!.status} after ${r!.steps} steps: ${r!.diagnostic?.message ?? ''}`);
      return { ms, m };
    };
    const cold = once().ms;
    const samples = Array.from({ length: runs }, once);
    return { cold, ms: median(samples.map((x) => x.ms)), final: samples[0]!.m.state };
  };
  const interpreted = measure(image, Infinity);
  // Staged execution (src/machine/stage.ts) on its own image, so that its first run includes the tracing.
  const stagedImage = prepareProgram(assembleText('bench-block.S', text), concreteDomain);
  const stagedRun = measure(stagedImage, 2);
  const ours = interpreted.ms;
  const final = interpreted.final;
  const rate = (ms: number) => `${(instructions / ms / 1000).toFixed(2)} M insn/s`;
  console.log(`execute a ${BLOCK_LENGTH}-instruction block of stp/ldp/add/orr/mrs/msr (EL1) looped ${LOOPS}x = ${instructions} instructions, median of ${runs}, CPU time:`);
  console.log(`  hyplab (concrete, interpreter)   ${ours.toFixed(1)} ms = ${rate(ours)}   (first run ${interpreted.cold.toFixed(1)} ms; assembling the block ${assembleMs.toFixed(0)} ms)`);
  const blocks = stagedBlocks(stagedImage);
  console.log(`  hyplab (staged, stageAfter 2)    ${stagedRun.ms.toFixed(1)} ms = ${rate(stagedRun.ms)}   (first run, tracing every instruction, ${stagedRun.cold.toFixed(1)} ms; ${stagedInstructions(stagedImage)} instructions staged, in ${blocks.blocks} blocks, ${blocks.wasm} of them WebAssembly)`);

  const python = '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import unicorn'], { stdio: 'ignore' }).status !== 0) {
    console.log('  Unicorn 2                  not installed: apt-get install -y python3-unicorn');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'hyplab-bench-'));
  try {
    const code = join(work, 'block.bin');
    writeFileSync(code, image.bytes);
    const hex = (v: bigint | number) => v.toString(16);
    const peer = spawnSync(python, [join(import.meta.dirname, 'peers', 'unicorn-bench.py'), code, hex(image.base), hex(image.entry), hex(sentinel), String(runs + 1)], { encoding: 'utf8' });
    if (peer.status !== 0) throw new Error(`unicorn-bench.py failed: ${peer.stdout}${peer.stderr}`);
    const result = JSON.parse(peer.stdout) as { version: string; seconds: number[]; x: string[]; sp: string };
    const [uniCold, ...uniRuns] = result.seconds.map((s) => s * 1000);
    const theirs = median(uniRuns);
    // Same work: every register the block computes with, the loop counter and SP agree at the sentinel.
    const differing = [...POOL, 28].filter((n) => BigInt(result.x[n]!) !== final.X(n) || BigInt(result.x[n]!) !== stagedRun.final.X(n)).map((n) => `x${n}`);
    if (BigInt(result.sp) !== final.SP() || BigInt(result.sp) !== stagedRun.final.SP()) differing.push('sp');
    console.log(`  Unicorn ${result.version} (python3, EL1)  ${theirs.toFixed(1)} ms = ${rate(theirs)}   (first run ${uniCold!.toFixed(1)} ms, with translation)`);
    console.log(`  ratio hyplab / Unicorn throughput  ${(theirs / ours).toFixed(2)}x interpreter, ${(theirs / stagedRun.ms).toFixed(2)}x staged   (goal: >= 2x)`);
    console.log(`  final registers ${differing.length === 0 ? 'agree' : `DIFFER in ${differing.join(', ')}`} (x2-x28, sp; Unicorn, interpreter, staged)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const recorded: string[] = [];
if (process.argv.includes('--record')) {
  const print = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    recorded.push(args.map(String).join(' '));
    print(...args);
  };
}
console.log(`machine: ${machine()}`);
const only = process.argv.indexOf('--only');
const selected = only >= 0 ? process.argv[only + 1] : undefined;
if (selected === undefined || selected === 'assemble') benchAssemble();
if (selected === undefined || selected === 'execute') benchExecute();
if (recorded.length > 0) writeFileSync(join(import.meta.dirname, 'bench.recorded.txt'), `${recorded.join('\n')}\n`);
