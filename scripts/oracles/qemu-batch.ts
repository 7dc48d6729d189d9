// One batch of oracle cases as one bare-metal program: a runner (assembled by hyplab's own front end
// together with the cases) that, for each case, sets the initial state from the case's init block,
// enters the case with eret, and when the case ends (a branch to `report`, or any exception into the
// EL2 vectors; EL1 vectors forward to EL2 with hvc) stores X0-X30, the stack pointers, NZCV, DAIF,
// CurrentEL, SPSel, FPSR/FPCR, Q0-Q31, every dumped system register and the data area as a binary
// record. At the end the runner writes all records as one hex string through semihosting SYS_WRITE0
// and exits with SYS_EXIT. QEMU runs the ELF; the core runs the same image and stops before the hex
// conversion, and the records are read from its memory.
//
// Memory map (QEMU virt: RAM from 0x40000000, 128 MiB):
//   0x40000000  code: runner, vector tables, cases (the ELF's first segment)
//   0x41000000  case blocks, 4 KiB each: init block at +0, data area at +0x800 (second segment)
//   0x44000000  records, RECORD_BYTES each
//   0x46000000  the hex string

import { assembleText } from '../../src/asm/assemble.ts';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { applyReservedBits, systemRegisterByName } from '../../src/a64/sysregs.ts';
import { prepareProgram } from '../../src/machine/image.ts';
import type { Image } from '../../src/machine/image.ts';
import { DATA_AREA_BYTES, DUMPED_REGISTERS, EL1_VECTOR_HVC, FUZZED_REGISTERS, entrySPSR, renderCase } from './qemu-cases.ts';
import type { OracleCase } from './qemu-cases.ts';
import { writeElf64 } from './elf.ts';

export const CODE_BASE = 0x4000_0000n;
export const BLOB_BASE = 0x4100_0000n;
export const CASE_STRIDE = 0x1000;
export const DATA_OFFSET = 0x800;
export const DUMP_BASE = 0x4400_0000n;
export const HEX_BASE = 0x4600_0000n;
/** Records and their hex must fit below HEX_BASE and the end of RAM. */
export const MAX_BATCH = 3000;

/** Init block: what the runner loads before entering a case. */
export const INIT = {
  x: 0,
  sp: 256, // SP_EL0, SP_EL1, SP_EL2
  elr: 280,
  spsr: 288,
  fpsr: 296,
  fpcr: 304,
  q: 320,
  sysregs: 832,
} as const;

/** Record: what the runner dumps after a case. */
export const RECORD = {
  kind: 0,
  nzcv: 8,
  daif: 16,
  currentel: 24,
  spsel: 32,
  x: 40,
  sp: 288, // SP_EL0, SP_EL1, SP_EL2
  fpsr: 312,
  fpcr: 320,
  q: 336,
  sysregs: 848,
  data: 848 + DUMPED_REGISTERS.length * 8 + ((848 + DUMPED_REGISTERS.length * 8) % 16 === 0 ? 0 : 8),
} as const;
export const RECORD_BYTES = Math.ceil((RECORD.data + DATA_AREA_BYTES) / 64) * 64;

if (INIT.sysregs + FUZZED_REGISTERS.length * 8 > DATA_OFFSET) throw new Error('init block overlaps the data area');

/** Record kind: EL2 vector 0-15 (group * 4 + sync/irq/fiq/serror), or REPORT for `b report`. */
export const REPORT_KIND = 16;
export const VECTOR_NAMES = ['current EL, SP0', 'current EL, SPx', 'lower EL, AArch64', 'lower EL, AArch32'].flatMap((g) =>
  ['sync', 'irq', 'fiq', 'serror'].map((t) => `${t} (${g})`),
);

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

const RUNNER_SCTLR_EL2 = applyReservedBits(systemRegisterByName('sctlr_el2')!, 0n);

/** The runner's assembly: everything but the cases. */
function runnerText(): string[] {
  const L: string[] = [];
  const emit = (...lines: string[]): void => {
    L.push(...lines.map((l) => (l.endsWith(':') || l.startsWith('.') ? l : `  ${l}`)));
  };
  emit('.text', '.globl _start', '_start:');
  emit('adr x0, vectors_el2', 'msr vbar_el2, x0', 'adr x0, vectors_el1', 'msr vbar_el1, x0', 'ldr x0, runner_sctlr_el2', 'msr sctlr_el2, x0', 'isb');

  emit('batch_next:');
  emit('adr x20, runner_state', 'ldr x1, [x20]', 'ldr x2, [x20, #8]', 'cmp x1, x2', 'b.cs batch_done');
  emit(`mov x3, #${hex(RECORD_BYTES)}`, 'ldr x4, runner_dump_base', 'madd x4, x1, x3, x4', 'str x4, [x20, #16]');
  emit(`mov x3, #${hex(CASE_STRIDE)}`, 'ldr x28, runner_blob_base', 'madd x28, x1, x3, x28', `add x4, x28, #${hex(DATA_OFFSET)}`, 'str x4, [x20, #24]');
  FUZZED_REGISTERS.forEach((f, i) => emit(`ldr x0, [x28, #${INIT.sysregs + 8 * i}]`, `msr ${f.register.name}, x0`));
  emit(`ldr x0, [x28, #${INIT.fpsr}]`, 'msr fpsr, x0', `ldr x0, [x28, #${INIT.fpcr}]`, 'msr fpcr, x0');
  for (let q = 0; q < 32; q += 2) emit(`ldp q${q}, q${q + 1}, [x28, #${INIT.q + 16 * q}]`);
  emit(`ldr x0, [x28, #${INIT.sp}]`, 'msr sp_el0, x0', `ldr x0, [x28, #${INIT.sp + 8}]`, 'msr sp_el1, x0', `ldr x0, [x28, #${INIT.sp + 16}]`, 'mov sp, x0');
  emit(`ldr x0, [x28, #${INIT.elr}]`, 'msr elr_el2, x0', `ldr x0, [x28, #${INIT.spsr}]`, 'msr spsr_el2, x0');
  for (let x = 0; x < 28; x += 2) emit(`ldp x${x}, x${x + 1}, [x28, #${INIT.x + 8 * x}]`);
  emit(`ldr x30, [x28, #${INIT.x + 8 * 30}]`, `ldp x28, x29, [x28, #${INIT.x + 8 * 28}]`, 'eret');

  // The end of a case: `b report` at EL2, or an exception into the EL2 vectors (x1 = kind).
  emit('report:', 'msr tpidr_el2, x0', 'ldr x0, runner_cursor', `stp x1, x2, [x0, #${RECORD.x + 8}]`, `mov x1, #${REPORT_KIND}`);
  emit('save_common:', `str x1, [x0, #${RECORD.kind}]`, 'mrs x1, tpidr_el2', `str x1, [x0, #${RECORD.x}]`);
  for (let x = 3; x < 31; x += 2) emit(`stp x${x}, x${x + 1}, [x0, #${RECORD.x + 8 * x}]`);
  emit('mrs x1, nzcv', `str x1, [x0, #${RECORD.nzcv}]`, 'mrs x1, daif', `str x1, [x0, #${RECORD.daif}]`);
  emit('mrs x1, currentel', `str x1, [x0, #${RECORD.currentel}]`, 'mrs x1, spsel', `str x1, [x0, #${RECORD.spsel}]`, 'msr spsel, #1');
  emit('mrs x1, sp_el0', `str x1, [x0, #${RECORD.sp}]`, 'mrs x1, sp_el1', `str x1, [x0, #${RECORD.sp + 8}]`, 'mov x1, sp', `str x1, [x0, #${RECORD.sp + 16}]`);
  emit('mrs x1, fpsr', `str x1, [x0, #${RECORD.fpsr}]`, 'mrs x1, fpcr', `str x1, [x0, #${RECORD.fpcr}]`);
  for (let q = 0; q < 32; q += 2) emit(`stp q${q}, q${q + 1}, [x0, #${RECORD.q + 16 * q}]`);
  DUMPED_REGISTERS.forEach((r, i) => emit(`mrs x1, ${r.name}`, `str x1, [x0, #${RECORD.sysregs + 8 * i}]`));
  emit('ldr x2, runner_data', `add x3, x0, #${RECORD.data}`);
  for (let k = 0; k < DATA_AREA_BYTES; k += 16) emit('ldp x4, x5, [x2], #16', 'stp x4, x5, [x3], #16');
  emit('adr x20, runner_state', 'ldr x1, [x20]', 'add x1, x1, #1', 'str x1, [x20]', 'b batch_next');

  // All records as one hex string, then exit. The core stops at `hexdump`.
  emit('batch_done:', 'hexdump:', 'ldr x0, runner_dump_base', 'ldr x1, runner_hex_base', 'ldr x2, [x20, #8]', `mov x3, #${hex(RECORD_BYTES)}`, 'mul x2, x2, x3', 'adr x5, hex_digits', 'cbz x2, hex_end');
  emit('hex_loop:', 'ldrb w3, [x0], #1', 'lsr w4, w3, #4', 'ldrb w4, [x5, x4]', 'strb w4, [x1], #1', 'and w4, w3, #15', 'ldrb w4, [x5, x4]', 'strb w4, [x1], #1', 'subs x2, x2, #1', 'b.ne hex_loop');
  emit('hex_end:', 'strb wzr, [x1]', 'mov w0, #4', 'ldr x1, runner_hex_base', 'hlt #0xf000', 'adr x1, runner_exit', 'mov w0, #0x18', 'hlt #0xf000', 'hang:', 'b hang');

  emit('.align 3', 'runner_state: .quad 0', 'runner_count: .quad 0', 'runner_cursor: .quad 0', 'runner_data: .quad 0');
  emit(`runner_sctlr_el2: .quad ${hex(RUNNER_SCTLR_EL2)}`, `runner_dump_base: .quad ${hex(DUMP_BASE)}`, `runner_hex_base: .quad ${hex(HEX_BASE)}`, `runner_blob_base: .quad ${hex(BLOB_BASE)}`);
  emit('runner_exit: .quad 0x20026, 0', 'hex_digits: .ascii "0123456789abcdef"');

  // Vector tables: 16 entries of 0x80 bytes, the table 2 KiB aligned.
  emit('.align 11', 'vectors_el2:');
  for (let i = 0; i < 16; i++) emit('.align 7', 'msr tpidr_el2, x0', 'ldr x0, runner_cursor', `stp x1, x2, [x0, #${RECORD.x + 8}]`, `mov x1, #${i}`, 'b save_common');
  emit('.align 11', 'vectors_el1:');
  for (let i = 0; i < 16; i++) emit('.align 7', `hvc #${hex(EL1_VECTOR_HVC + i)}`);
  emit('.align 2');
  return L;
}

export function caseBlock(i: number): bigint {
  return BLOB_BASE + BigInt(i * CASE_STRIDE);
}

export function dataAddress(i: number): bigint {
  return caseBlock(i) + BigInt(DATA_OFFSET);
}

export interface Batch {
  cases: readonly OracleCase[];
  image: Image<bigint>;
  /** Case blocks, to load at BLOB_BASE. */
  blob: Uint8Array;
  elf: Uint8Array;
  /** Where the core stops: the start of the hex conversion. */
  hexdump: bigint;
  batchNext: bigint;
  runnerState: bigint;
  /** Milliseconds spent assembling. */
  assembleMs: number;
}

function putU64(view: DataView, offset: number, value: bigint): void {
  view.setBigUint64(offset, BigInt.asUintN(64, value), true);
}

/** The init block and data area of case i, with its entry address. */
function writeCaseBlock(blob: Uint8Array, i: number, c: OracleCase, entry: bigint): void {
  const at = i * CASE_STRIDE;
  const view = new DataView(blob.buffer, blob.byteOffset + at, CASE_STRIDE);
  const init = c.init;
  init.x.forEach((v, n) => putU64(view, INIT.x + 8 * n, v));
  init.sp.forEach((v, n) => putU64(view, INIT.sp + 8 * n, v));
  putU64(view, INIT.elr, entry);
  putU64(view, INIT.spsr, entrySPSR(init));
  putU64(view, INIT.fpsr, init.fpsr);
  putU64(view, INIT.fpcr, init.fpcr);
  init.q.forEach((v, n) => {
    putU64(view, INIT.q + 16 * n, v & ((1n << 64n) - 1n));
    putU64(view, INIT.q + 16 * n + 8, v >> 64n);
  });
  init.sysregs.forEach((v, n) => putU64(view, INIT.sysregs + 8 * n, v));
  blob.set(init.data, at + DATA_OFFSET);
}

/** Assembles the runner and `cases` into one program and lays out the case blocks. */
export function buildBatch(cases: readonly OracleCase[]): Batch {
  if (cases.length === 0 || cases.length > MAX_BATCH) throw new Error(`a batch holds 1..${MAX_BATCH} cases, not ${cases.length}`);
  const lines = runnerText();
  cases.forEach((c, i) => lines.push(...renderCase(c, { prefix: `c${i}`, dataAddress: dataAddress(i) })));
  const started = performance.now();
  const program = assembleText('oracle-batch.S', lines.join('\n') + '\n');
  const assembleMs = performance.now() - started;
  const image = prepareProgram(program, concreteDomain, { base: CODE_BASE });
  const symbol = (name: string): bigint => {
    const v = image.symbols.get(name);
    if (v === undefined) throw new Error(`batch program lacks '${name}'`);
    return v;
  };
  const runnerState = symbol('runner_state');
  // The case count lives in the image, so that the runner's loop knows where to stop.
  new DataView(image.bytes.buffer, image.bytes.byteOffset).setBigUint64(Number(symbol('runner_count') - CODE_BASE), BigInt(cases.length), true);
  const blob = new Uint8Array(cases.length * CASE_STRIDE);
  cases.forEach((c, i) => writeCaseBlock(blob, i, c, symbol(`c${i}`)));
  const elf = writeElf64(
    [
      { address: CODE_BASE, bytes: image.bytes },
      { address: BLOB_BASE, bytes: blob },
    ],
    image.entry,
  );
  return { cases, image, blob, elf, hexdump: symbol('hexdump'), batchNext: symbol('batch_next'), runnerState, assembleMs };
}

// ------------------------------------------------------------------------------------------------
// Records

/** A case's observed end state: named values (registers, `data+0x10` words of the data area). */
export type Observation = Map<string, bigint>;

/** Parses record i of a dump. */
export function parseRecord(dump: Uint8Array, i: number): Observation {
  const view = new DataView(dump.buffer, dump.byteOffset + i * RECORD_BYTES, RECORD_BYTES);
  const u64 = (o: number): bigint => view.getBigUint64(o, true);
  const obs: Observation = new Map();
  obs.set('kind', u64(RECORD.kind));
  obs.set('nzcv', u64(RECORD.nzcv));
  obs.set('daif', u64(RECORD.daif));
  obs.set('currentel', u64(RECORD.currentel));
  obs.set('spsel', u64(RECORD.spsel));
  for (let n = 0; n < 31; n++) obs.set(`x${n}`, u64(RECORD.x + 8 * n));
  ['sp_el0', 'sp_el1', 'sp_el2'].forEach((name, n) => obs.set(name, u64(RECORD.sp + 8 * n)));
  obs.set('fpsr', u64(RECORD.fpsr));
  obs.set('fpcr', u64(RECORD.fpcr));
  for (let n = 0; n < 32; n++) obs.set(`q${n}`, (u64(RECORD.q + 16 * n + 8) << 64n) | u64(RECORD.q + 16 * n));
  DUMPED_REGISTERS.forEach((r, n) => obs.set(r.name, u64(RECORD.sysregs + 8 * n)));
  for (let k = 0; k < DATA_AREA_BYTES; k += 8) obs.set(`data+${hex(k)}`, u64(RECORD.data + k));
  return obs;
}

/** The hex string QEMU printed, as bytes; undefined when it is not a whole number of records. */
export function parseHexDump(text: string, cases: number): Uint8Array | undefined {
  const digits = text.trim();
  if (digits.length !== cases * RECORD_BYTES * 2 || !/^[0-9a-f]*$/.test(digits)) return undefined;
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}
