// Running small A64 snippets on the concrete machine: assemble the text (with `_start` and a final
// `_end` label), load it at 0x40000000 with 1 MiB of RAM, set registers, run until `_end`.

import { expect } from 'vitest';
import { assembleText } from '../../src/asm/assemble.ts';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { systemRegisterByName } from '../../src/a64/sysregs.ts';
import { prepareProgram } from '../../src/machine/image.ts';
import type { Image } from '../../src/machine/image.ts';
import { concreteMachine, run } from '../../src/machine/run.ts';
import type { ConcreteMachineOptions, RunOptions, RunResult } from '../../src/machine/run.ts';
import type { Machine } from '../../src/machine/machine.ts';
import type { DiagnosticCode } from '../../src/asm/diagnostics.ts';

export const BASE = 0x4000_0000n;
export const RAM = 1 << 20;

export interface Setup {
  x?: Record<number, bigint>;
  sp?: bigint;
  nzcv?: number;
  sysregs?: Record<string, bigint>;
  el?: 1 | 2;
  /** Extra changes to the machine before the run. */
  before?: (m: Machine<bigint>) => void;
}

export function prepare(body: string): Image<bigint> {
  const text = `.globl _start\n_start:\n${body}\n_end:\n  nop\n`;
  return prepareProgram(assembleText('snippet.S', text), concreteDomain);
}

export function machineFor(image: Image<bigint>, setup: Setup = {}): Machine<bigint> {
  const options: ConcreteMachineOptions = { ramSize: RAM, ...(setup.el ? { el: setup.el } : {}), ...(setup.sysregs ? { sysregs: setup.sysregs } : {}) };
  const m = concreteMachine(image, options);
  for (const [n, v] of Object.entries(setup.x ?? {})) m.state.setX(Number(n), v);
  if (setup.sp !== undefined) m.state.setSP(setup.sp);
  if (setup.nzcv !== undefined) m.state.setNZCV(BigInt(setup.nzcv));
  setup.before?.(m);
  return m;
}

/** Runs `body` until `_end`; the run must stop there (no fault, no exit). */
export function runSnippet(body: string, setup: Setup = {}, options: RunOptions<bigint> = {}): Machine<bigint> {
  const r = runUntilEnd(body, setup, options);
  expect(r.diagnostic?.message, body).toBeUndefined();
  expect(r.status, body).toBe('stopped');
  return r.machine;
}

export function runUntilEnd(body: string, setup: Setup = {}, options: RunOptions<bigint> = {}): RunResult<bigint> {
  const image = prepare(body);
  const end = image.symbols.get('_end')!;
  return run(image, machineFor(image, setup), { maxSteps: 10_000, stopBefore: (_m, slot) => slot.address === end, ...options });
}

/** Running `body` ends with a fault diagnostic of `code`; returns the result. */
export function expectFault(body: string, code: DiagnosticCode, setup: Setup = {}): RunResult<bigint> {
  const r = runUntilEnd(body, setup);
  expect(r.status, body).toBe('fault');
  expect(r.diagnostic?.code, r.diagnostic?.message).toBe(code);
  expect(r.diagnostic?.origin.location.file).toBe('snippet.S');
  return r;
}

/** NZCV as a 4-bit number. */
export function nzcv(m: Machine<bigint>): number {
  return Number(m.state.NZCV());
}

export function sysreg(m: Machine<bigint>, name: string): bigint {
  return m.state.stored(systemRegisterByName(name)!);
}

export const flags = (s: string): number => (s.includes('N') ? 8 : 0) | (s.includes('Z') ? 4 : 0) | (s.includes('C') ? 2 : 0) | (s.includes('V') ? 1 : 0);

export const MASK64 = (1n << 64n) - 1n;

/**
 * Law: one instruction with the given inputs leaves `result` in x0 and the flags `nzcv` (a string of
 * the set flags, e.g. 'ZC'; undefined when the instruction must leave the flags alone).
 */
export function expectResult(insn: string, inputs: Record<number, bigint>, result: bigint, nzcvFlags?: string, startFlags = 0): void {
  const m = runSnippet(insn, { x: inputs, nzcv: startFlags });
  expect(m.state.X(0).toString(16), `${insn} with ${JSON.stringify(inputs, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`).toBe(result.toString(16));
  const expected = nzcvFlags === undefined ? startFlags : flags(nzcvFlags);
  expect(nzcv(m).toString(2).padStart(4, '0'), `${insn} flags`).toBe(expected.toString(2).padStart(4, '0'));
}
