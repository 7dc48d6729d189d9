// The runner: pre-decode once and run many times, step limit and branch-out diagnostics with
// origins, relocations across sections, tracing, and every base entry having semantics.

import { describe, expect, it } from 'vitest';
import { assembleText } from '../../src/asm/assemble.ts';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { BASE_ENTRIES } from '../../src/a64/table/index.ts';
import { semanticsOf } from '../../src/a64/semantics/index.ts';
import { prepareProgram } from '../../src/machine/image.ts';
import { concreteMachine, run } from '../../src/machine/run.ts';
import { expectFault, runUntilEnd } from './helpers.ts';

describe('semantics coverage', () => {
  it('every base entry of the instruction table has semantics', () => {
    expect(BASE_ENTRIES.filter((e) => semanticsOf(e.id) === undefined).map((e) => e.id)).toEqual([]);
  });
});

describe('runaways and escapes', () => {
  it('a runaway ends at the step limit with the last instructions and their macro origins (HL0704)', () => {
    const r = runUntilEnd('.macro spin\n1: add x0, x0, #1\n  b 1b\n.endm\n  spin', {}, { maxSteps: 100, history: 4 });
    expect(r.status).toBe('step-limit');
    expect(r.diagnostic?.code).toBe('HL0704');
    expect(r.diagnostic?.message).toMatch(/last 4 instructions/);
    expect(r.diagnostic?.message).toMatch(/add x0, x0, #1 .*snippet\.S:4:\d+ in (macro )?'?spin'? at snippet\.S:7/);
    expect(r.steps).toBe(100);
    expect(r.machine.state.X(0)).toBe(50n);
  });
  it('a branch out of the program is reported at the branch (HL0705)', () => {
    const r = expectFault('mov x1, #0x1000\nbr x1', 'HL0705');
    expect(r.diagnostic?.origin.location.line).toBe(4);
    expectFault('adr x1, _end\nadd x1, x1, #2\nbr x1', 'HL0705');
  });
  it('data executed as code is UNDEFINED when it does not decode (HL0702)', () => {
    expectFault('b 1f\n1: .word 0xffffffff', 'HL0702');
    expectFault('udf #1', 'HL0702');
  });
});

describe('images', () => {
  const text = `
    .text
    .globl _start
  _start:
    bl helper
    adrp x1, value
    add x1, x1, :lo12:value
    ldr x2, [x1]
    ldr x3, pointer
    mov w0, #0x18
    adr x1, exit_block
    hlt #0xf000
    .section .text.helper, "ax"
    .globl helper
  helper:
    add x5, x5, #1
    ret
    .data
    .balign 8
  value: .quad 0x1234
  pointer: .quad helper
  exit_block: .quad 0x20026, 0
  `;
  const program = assembleText('image.S', text);
  const image = prepareProgram(program, concreteDomain);

  it('lays out sections, applies relocations and runs to the semihosting exit', () => {
    const m = concreteMachine(image, { ramSize: 1 << 20 });
    const r = run(image, m);
    expect(r.status).toBe('exit');
    expect(m.state.X(5)).toBe(1n);
    expect(m.state.X(2)).toBe(0x1234n);
    expect(m.state.X(3)).toBe(image.symbols.get('helper'));
  });
  it('runs many times from a reset state with the same result', () => {
    const results = [1, 2, 3].map(() => {
      const m = concreteMachine(image, { ramSize: 1 << 20 });
      return [run(image, m).steps, m.state.X(5), m.state.X(2)];
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
  it('traces every step with its origin and what it wrote', () => {
    const m = concreteMachine(image, { ramSize: 1 << 20 });
    const r = run(image, m, { trace: true });
    expect(r.trace!.length).toBe(r.steps);
    const first = r.trace![0]!;
    expect(first.text).toBe('bl helper');
    expect(first.origin.location).toMatchObject({ file: 'image.S', line: 5 });
    expect(first.writes.map((w) => w.where)).toEqual(['x30']);
    expect(r.trace![1]!.writes).toEqual([{ where: 'x5', value: 1n, width: 64 }]);
  });
  it('a traced run observes only while it runs: the caller\'s observers see every write and are given back', () => {
    const m = concreteMachine(image, { ramSize: 1 << 20 });
    const seen: string[] = [];
    const stateObserver = { wrote: (where: string) => void seen.push(where) };
    const memoryObserver = { stored: (address: bigint) => void seen.push(`[${address}]`) };
    m.state.observer = stateObserver;
    m.memory.observer = memoryObserver;
    const first = run(image, m, { trace: true });
    expect(m.state.observer).toBe(stateObserver);
    expect(m.memory.observer).toBe(memoryObserver);
    const written = first.trace!.flatMap((e) => e.writes.map((w) => w.where));
    expect(seen).toHaveLength(written.length);
    // A second traced run on the same machine adds nothing to the first run's trace.
    const steps = first.trace!.map((e) => e.writes.length);
    m.state.pc = Number(image.entry);
    m.exit = undefined;
    run(image, m, { trace: true });
    expect(first.trace!.map((e) => e.writes.length)).toEqual(steps);
  });
});
