// `hyplab exec FILE.S`: assemble a bare program and run it from the reset state QEMU's
// `-M virt,virtualization=on` gives an ELF (EL2h, DAIF masked, registers zero, loaded at 0x40000000 in
// 128 MiB of RAM), until the semihosting exit or a fault; print the final state (text or JSON whose
// keys are lower-case register names and whose values are 0x-prefixed hex, to compare with QEMU).

import type { CommandModule } from 'yargs';
import { assembleFile } from '../../asm/assemble.ts';
import { formatDiagnostic } from '../../asm/diagnostics.ts';
import { concreteDomain } from '../../a64/domain-concrete.ts';
import { AARCH64_MODE, GetPSRFromPSTATE, HCR_MASK } from '../../a64/semantics/exceptions.ts';
import type { SystemRegister } from '../../a64/sysregs.ts';
import { prepareProgram } from '../../machine/image.ts';
import { concreteMachine, run } from '../../machine/run.ts';
import type { RunResult, TraceEntry } from '../../machine/run.ts';
import type { ExceptionPolicy } from '../../machine/exception-policy.ts';
import type { Machine } from '../../machine/machine.ts';
import { REG } from '../../machine/state.ts';
import { EXIT, type CliIO } from '../io.ts';
import { formatOrigin, reportFailure } from '../report-errors.ts';
import { parseDefines } from '../options.ts';

interface ExecArgs {
  file: string;
  I: string[];
  D: string[];
  el: 1 | 2;
  'max-steps': number;
  trace: boolean;
  exceptions: ExceptionPolicy;
  format: 'text' | 'json';
}

const RAM_SIZE = 128 * 1024 * 1024;
/** `--el 1` starts an AArch64 EL1 (HCR_EL2.RW); every other EL2 control stays at reset (0). */
const EL1_START = { hcr_el2: HCR_MASK.RW };

export function execCommand(io: CliIO, setStatus: (status: number) => void): CommandModule<object, ExecArgs> {
  return {
    command: 'exec <file>',
    describe:
      'Run a bare program from _start as QEMU virt,virtualization=on starts an ELF, until the semihosting exit (hlt #0xf000, SYS_EXIT) or a fault, and print the final state',
    builder: (y) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'the .S file' })
        .option('I', { type: 'string', array: true, default: [], describe: 'add an include directory' })
        .option('D', { type: 'string', array: true, default: [], describe: 'define NAME or NAME=VALUE for cpp' })
        .option('el', {
          choices: [1, 2] as const,
          default: 2 as const,
          describe: 'start at EL2h, or at EL1h with EL2 left at reset except HCR_EL2.RW = 1 (no traps, no stage 2, interrupts to EL1, VBAR_EL2 = 0: an exception to EL2 ends the run with HL0710)',
        })
        .option('max-steps', { type: 'number', default: 1_000_000, describe: 'instructions before the run is called a runaway (HL0704)' })
        .option('trace', { type: 'boolean', default: false, describe: 'print every step: PC, origin, registers and memory written' })
        .option('exceptions', {
          choices: ['vectored', 'take', 'stop'] as const,
          default: 'vectored' as const,
          describe: 'take faults and exceptions through the vectors when the vector is in the program (vectored), always (take), or end the run at each (stop)',
        })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
        .check((argv) => {
          const n = argv['max-steps'];
          if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--max-steps must be a positive integer, not ${String(n)}`);
          return true;
        }),
    handler: (args) => {
      setStatus(
        reportFailure(io, () => {
          const program = assembleFile(args.file, { includeDirs: args.I, defines: parseDefines(args.D) });
          const image = prepareProgram(program, concreteDomain);
          const machine = concreteMachine(image, { ramSize: RAM_SIZE, el: args.el, ...(args.el === 1 ? { sysregs: EL1_START } : {}) });
          const written = recordWrites(machine);
          const result = run(image, machine, { maxSteps: args['max-steps'], trace: args.trace, exceptions: args.exceptions });
          const state = finalState(result, written);
          if (result.diagnostic !== undefined) io.stderr(`${formatDiagnostic(result.diagnostic)}\n`);
          if (args.format === 'json') {
            // Flat: one key per register, so that a QEMU run's dump compares line by line.
            const { registers, memory, ...head } = state;
            const trace = result.trace === undefined ? {} : { trace: result.trace.map(traceJson) };
            io.stdout(`${JSON.stringify({ ...head, ...registers, memory, ...trace }, null, 2)}\n`);
          } else {
            if (result.trace !== undefined) io.stdout(result.trace.map(traceLine).join(''));
            io.stdout(stateText(state));
          }
          return result.status === 'exit' ? EXIT.ok : EXIT.failed;
        }),
      );
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The final state as a flat record of named hex values

const hex = (value: bigint, bits: number): string => `0x${value.toString(16).padStart(bits / 4, '0')}`;

/** Doublewords (8-byte aligned addresses) the program stored to. */
function recordWrites(machine: Machine<bigint>): Set<bigint> {
  const doublewords = new Set<bigint>();
  machine.memory.observer = {
    stored: (address, bytes) => {
      for (let a = address & ~7n; a < address + BigInt(bytes); a += 8n) doublewords.add(a);
    },
  };
  return doublewords;
}

/** The value a system register shows: PSTATE views through PSTATE, the rest as stored. */
function shown(m: Machine<bigint>, r: SystemRegister): bigint {
  const s = m.state;
  switch (r) {
    case REG.nzcv:
      return s.NZCV() << 28n;
    case REG.daif:
      return s.DAIF() << 6n;
    case REG.currentel:
      return BigInt(s.pstate.EL) << 2n;
    case REG.spsel:
      return BigInt(s.pstate.SP);
  }
  return s.stored(r);
}

/** Shown with the general registers or the FP unit, not among the system registers. */
const SHOWN_ELSEWHERE = new Set<SystemRegister>([REG.sp_el0, REG.sp_el1, REG.sp_el2, REG.fpcr, REG.fpsr]);

/** The AArch64 state's name by SPSR.M (PSTATE.EL << 2 | PSTATE.SP). */
const MODE_NAMES = new Map<number, string>(Object.entries(AARCH64_MODE).map(([name, m]) => [m, name]));

interface FinalState {
  status: string;
  steps: number;
  exit_status?: string;
  diagnostic?: { code: string; message: string; origin: string };
  mode: string;
  output?: string;
  registers: Record<string, string>;
  memory: Record<string, string>;
}

function finalState(result: RunResult<bigint>, written: Set<bigint>): FinalState {
  const m = result.machine;
  const s = m.state;
  const registers: Record<string, string> = {};
  for (let n = 0; n <= 30; n++) registers[`x${n}`] = hex(s.X(n), 64);
  for (let el = 0; el <= 2; el++) registers[`sp_el${el}`] = hex(s.SPOf(el), 64);
  registers.pc = hex(BigInt(s.pc), 64);
  registers.pstate = hex(GetPSRFromPSTATE(s), 64);
  const sysregs = [...s.touched].filter((r) => !SHOWN_ELSEWHERE.has(r)).sort((a, b) => a.name.localeCompare(b.name));
  for (const r of sysregs) registers[r.name] = hex(shown(m, r), 64);
  for (let n = 0; n < 32; n++) registers[`v${n}`] = hex(s.Vreg(n), 128);
  registers.fpsr = hex(s.stored(REG.fpsr), 64);
  registers.fpcr = hex(s.stored(REG.fpcr), 64);
  const memory: Record<string, string> = {};
  for (const a of [...written].sort((x, y) => (x < y ? -1 : 1))) memory[hex(a, 64)] = hex(m.memory.load(a, 8), 64);
  const p = s.pstate;
  const mode = p.nRW === 1 ? 'AArch32' : (MODE_NAMES.get((p.EL << 2) | p.SP) ?? '?') + (p.IL ? ' IL' : '');
  return {
    status: result.status,
    steps: result.steps,
    ...(result.exitStatus !== undefined ? { exit_status: hex(result.exitStatus, 64) } : {}),
    ...(result.diagnostic !== undefined
      ? { diagnostic: { code: result.diagnostic.code, message: result.diagnostic.message, origin: formatOrigin(result.diagnostic.origin) } }
      : {}),
    mode,
    ...(m.output !== '' ? { output: m.output } : {}),
    registers,
    memory,
  };
}

function stateText(state: FinalState): string {
  const head =
    state.status === 'exit'
      ? `exit ${BigInt(state.exit_status!)} after ${state.steps} steps`
      : `${state.status} ${state.diagnostic?.code ?? ''} after ${state.steps} steps`.replace('  ', ' ');
  const lines = [`${head}, at ${state.mode}`];
  if (state.output !== undefined) lines.push(`output: ${JSON.stringify(state.output)}`);
  for (const [name, value] of Object.entries(state.registers)) lines.push(`${name.padEnd(16)}${value}`);
  const memory = Object.entries(state.memory);
  lines.push(memory.length === 0 ? 'memory written: none' : 'memory written (doublewords, little-endian):');
  for (const [address, value] of memory) lines.push(`  [${address}] ${value}`);
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------------------------------------------------
// Trace

function writeText(w: TraceEntry<bigint>['writes'][number]): string {
  const width = Math.max(w.width, 4);
  return `${w.where}=${hex(w.value, Math.ceil(width / 4) * 4)}`;
}

function traceLine(e: TraceEntry<bigint>): string {
  const writes = e.writes.map(writeText).join(' ');
  return `${hex(e.pc, 64)}  ${e.text.padEnd(32)} ${formatOrigin(e.origin)}${writes ? `\n    ${writes}` : ''}\n`;
}

function traceJson(e: TraceEntry<bigint>) {
  return { pc: hex(e.pc, 64), text: e.text, origin: formatOrigin(e.origin), writes: e.writes.map((w) => ({ where: w.where, value: hex(w.value, Math.ceil(Math.max(w.width, 4) / 4) * 4) })) };
}
