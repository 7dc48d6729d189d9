// The concrete core's fast paths must not change what it computes: the memory's last-region shortcut
// against a byte-array model, the unboxed register file against clone and by-name access, the cached
// SP alignment check against SCTLR writes and EL changes, the step-limit history ring, and staged
// execution against the interpreter.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { systemRegisterByName } from '../../src/a64/sysregs.ts';
import { ByteStore, Memory, concreteRam } from '../../src/machine/memory.ts';
import type { AccessBytes } from '../../src/machine/memory.ts';
import { MachineFault } from '../../src/machine/faults.ts';
import { Arena } from '../../src/machine/arena.ts';
import { State, sysregIndex } from '../../src/machine/state.ts';
import { concreteReset, run, stagedBlocks, stagedInstructions } from '../../src/machine/run.ts';
import type { RunOptions, RunResult } from '../../src/machine/run.ts';
import type { Machine } from '../../src/machine/machine.ts';
import type { Slot } from '../../src/machine/image.ts';
import { stageSlot, stagedTemplateCount } from '../../src/machine/stage.ts';
import { arbitraryInstruction, generatableEntries } from '../../src/a64/generate.ts';
import { BASE, expectFault, machineFor, prepare, runSnippet, runUntilEnd } from './helpers.ts';

const D = concreteDomain;

/** Two RAM regions and a ROM, with a byte model of each; `undefined` from the model means "aborts". */
function memoryAndModel() {
  const mem = new Memory(D);
  const layout = [
    { base: 0x1000, size: 0x40, kind: 'ram' as const },
    { base: 0x1040, size: 0x40, kind: 'rom' as const },
    { base: 0x9000, size: 0x40, kind: 'ram' as const },
  ];
  for (const r of layout) mem.map(concreteRam(`r${r.base}`, BigInt(r.base), r.size, r.kind));
  const bytes = new Map<number, number>();
  const regionOf = (a: number, n: number) => layout.find((r) => a >= r.base && a + n <= r.base + r.size);
  const model = {
    load(a: number, n: number): bigint | undefined {
      if (regionOf(a, n) === undefined) return undefined;
      let v = 0n;
      for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes.get(a + k) ?? 0);
      return v;
    },
    store(a: number, n: number, value: bigint): 'ok' | 'unmapped' | 'read-only' {
      const r = regionOf(a, n);
      if (r === undefined) return 'unmapped';
      if (r.kind === 'rom') return 'read-only';
      for (let k = 0; k < n; k++) bytes.set(a + k, Number((value >> BigInt(8 * k)) & 0xffn));
      return 'ok';
    },
  };
  return { mem, model };
}

function outcome(f: () => bigint | void): bigint | string {
  try {
    return f() ?? 'ok';
  } catch (e) {
    if (e instanceof MachineFault) return e.kind;
    throw e;
  }
}

describe('memory: the last-region fast path', () => {
  it('agrees with a byte model on random accesses across regions, their edges and the ROM (law)', () => {
    const sizes: AccessBytes[] = [1, 2, 4, 8, 16];
    const access = fc.record({
      write: fc.boolean(),
      address: fc.oneof(fc.integer({ min: 0xff0, max: 0x1090 }), fc.integer({ min: 0x8ff0, max: 0x9050 })),
      bytes: fc.constantFrom(...sizes),
      value: fc.bigInt(0n, (1n << 128n) - 1n),
    });
    fc.assert(
      fc.property(fc.array(access, { maxLength: 60 }), (accesses) => {
        const { mem, model } = memoryAndModel();
        for (const { write, address, bytes, value } of accesses) {
          const v = value & ((1n << BigInt(bytes * 8)) - 1n);
          if (write) expect(outcome(() => mem.store(BigInt(address), bytes, v))).toBe(model.store(address, bytes, v));
          else expect(outcome(() => mem.load(BigInt(address), bytes))).toBe(model.load(address, bytes) ?? 'unmapped');
        }
      }),
      { seed: 3, numRuns: 300 },
    );
  });
  it('a load from read-only memory does not make the next store to it pass', () => {
    const { mem } = memoryAndModel();
    expect(mem.load(0x1048n, 8)).toBe(0n);
    expect(outcome(() => mem.store(0x1048n, 8, 1n))).toBe('read-only');
  });
  it('an address above 2^53 whose low bits fall in a region aborts', () => {
    const { mem } = memoryAndModel();
    mem.store(0x1008n, 8, 5n);
    for (const high of [1n << 53n, 1n << 60n, 0xffff_ffff_0000_0000n]) {
      expect(outcome(() => mem.load(high + 0x1008n, 8))).toBe('unmapped');
      expect(outcome(() => mem.store(high + 0x1008n, 8, 1n))).toBe('unmapped');
    }
    expect(mem.load(0x1008n, 8)).toBe(5n);
  });
});

describe('state: unboxed register file and indexed system registers', () => {
  it('a clone shares no storage with its original', () => {
    const s = new State(D, concreteReset());
    s.setX(3, 0xffff_ffff_ffff_fff0n);
    s.setSPOf(2, 0x4000_1000n);
    const tpidr = systemRegisterByName('tpidr_el2')!;
    s.writeSysreg(tpidr, 0x1234n);
    const c = s.clone();
    c.setX(3, 1n);
    c.setSPOf(2, 2n);
    c.writeSysregAt(sysregIndex(tpidr), 3n);
    expect([s.X(3), s.SPOf(2), s.readSysreg(tpidr)]).toEqual([0xffff_ffff_ffff_fff0n, 0x4000_1000n, 0x1234n]);
    expect([c.X(3), c.SPOf(2), c.readSysreg(tpidr)]).toEqual([1n, 2n, 3n]);
    expect(c.hasStored(tpidr) && c.touched.has(tpidr)).toBe(true);
  });
  it('a clone of a machine\'s state (its storage in the machine\'s arena) has storage of its own', () => {
    const s = new State(D, concreteReset({}, new Arena(0x4000_0000n, 4096)));
    s.setX(3, 7n);
    s.writeSysreg(systemRegisterByName('tpidr_el2')!, 9n);
    const c = s.clone();
    c.setX(3, 1n);
    c.writeSysreg(systemRegisterByName('tpidr_el2')!, 2n);
    expect([s.X(3), s.readSysreg(systemRegisterByName('tpidr_el2')!)]).toEqual([7n, 9n]);
  });
  it('a W write zeroes the top half; a register keeps all 64 bits', () => {
    const s = new State(D, concreteReset());
    s.setX(5, 0xffff_ffff_ffff_ffffn);
    expect(s.X(5)).toBe(0xffff_ffff_ffff_ffffn);
    s.setX(5, 0x8000_0000n, 32);
    expect(s.X(5)).toBe(0x8000_0000n);
  });
  it('RES0/RES1 masks apply through the index as through the name', () => {
    const s = new State(D, concreteReset());
    const sctlr = systemRegisterByName('sctlr_el2')!;
    s.writeSysregAt(sysregIndex(sctlr), 0n);
    const viaIndex = s.stored(sctlr);
    s.writeSysreg(sctlr, 0n);
    expect(s.stored(sctlr)).toBe(viaIndex);
    expect(viaIndex & sctlr.res1).toBe(sctlr.res1);
  });
});

describe('the cached SP alignment check', () => {
  it('follows an msr to SCTLR_EL2 in the middle of a run', () => {
    const body = 'ldr x0, [sp]\n  mov x1, #8\n  msr sctlr_el2, x1\n  ldr x0, [sp]';
    const r = expectFault(body, 'HL0703', { sp: 0x4000_8008n });
    expect(r.fault?.text).toBe('ldr x0, [sp]');
    expect(r.steps).toBe(4); // the fourth instruction, the second load, is the one that faults
  });
  it('follows the EL: SCTLR_EL2.SA checks at EL2, not after an eret to EL1 with SCTLR_EL1.SA clear', () => {
    const body = `
      ldr x0, [sp, #16]
      msr sp_el1, x3
      adr x2, 1f
      msr elr_el2, x2
      eret
    1:
      ldr x0, [sp]`;
    const setup = { sp: 0x4000_8000n, x: { 3: 0x4000_8008n }, sysregs: { sctlr_el2: 1n << 3n, sctlr_el1: 0n, hcr_el2: 1n << 31n, spsr_el2: 0x3c5n } };
    const m = runSnippet(body, setup);
    expect(m.state.pstate.EL).toBe(1);
    expectFault(body.replace('msr sp_el1, x3', 'msr sp_el1, x3\n      mov x4, #8\n      msr sctlr_el1, x4'), 'HL0703', setup);
  });
});

describe('the step-limit history ring', () => {
  it('shows exactly the last N instructions for an N that is not a power of two', () => {
    for (const history of [1, 3, 5]) {
      const r = runUntilEnd('1: add x0, x0, #1\n  add x1, x1, #1\n  b 1b', {}, { maxSteps: 20, history });
      expect(r.diagnostic?.message).toMatch(new RegExp(`the last ${history} instructions`));
      const lines = r.diagnostic!.message.split('\n').slice(1);
      expect(lines).toHaveLength(history);
      // Steps 0..19 run add, add, b, add, ...: the last one (step 19) is the second add.
      expect(lines[history - 1]).toMatch(/add x1, x1, #1/);
    }
  });
});

describe('staged execution (src/machine/stage.ts)', () => {
  const families = ['data-processing', 'loads-stores', 'system-registers'];
  const program = fc.array(arbitraryInstruction({ families }), { minLength: 1, maxLength: 12 });
  const setup = fc.record({ el: fc.constantFrom(1 as const, 2 as const), sa: fc.boolean(), nzcv: fc.integer({ min: 0, max: 15 }), spOffset: fc.constantFrom(0n, 8n) });

  /** Everything a run leaves that the lab can observe. */
  function observe(r: RunResult<bigint>): unknown {
    const s = r.machine.state;
    const ram = r.machine.memory.mapped[0]!.store as ByteStore;
    return {
      status: r.status,
      steps: r.steps,
      code: r.diagnostic?.code,
      pc: s.pc,
      x: Array.from({ length: 31 }, (_, n) => s.X(n)),
      sp: [0, 1, 2].map((el) => s.SPOf(el)),
      v: Array.from({ length: 32 }, (_, n) => s.Vreg(n)),
      flags: [s.NZCV(), s.DAIF()],
      pstate: { ...s.pstate },
      sysregs: [...s.touched].map((reg) => [reg.name, s.stored(reg)]),
      ram: Buffer.from(ram.bytes).toString('base64'),
      events: r.machine.events.map((e) => e.name),
    };
  }

  /**
   * The law: staged runs (the first traces, the second and third run staged; without a stop condition
   * the third runs blocks) leave exactly the state the interpreter leaves. Returns the blocks made in
   * WebAssembly.
   */
  function stagedRunsAgree(insns: { word: number }[], { el, sa, nzcv, spOffset }: { el: 1 | 2; sa: boolean; nzcv: number; spOffset: bigint }): number {
    const body = insns.map((g) => `.inst 0x${g.word.toString(16).padStart(8, '0')}`).join('\n');
    const image = prepare(body);
    const end = image.symbols.get('_end')!;
    const start = (): Machine<bigint> =>
      machineFor(image, {
        el,
        nzcv,
        sp: BASE + 0x8_0000n + spOffset,
        x: Object.fromEntries(Array.from({ length: 31 }, (_, n) => [n, BASE + 0x4_0000n + BigInt(n) * 0x100n])),
        sysregs: { sctlr_el1: sa ? 8n : 0n, sctlr_el2: sa ? 8n : 0n, hcr_el2: 1n << 31n },
      });
    const options = { maxSteps: 100, stopBefore: (_m: Machine<bigint>, slot: Slot<bigint>) => slot.address === end };
    const expected = observe(run(image, start(), { ...options, stageAfter: Infinity }));
    for (let k = 0; k < 3; k++) expect(observe(run(image, start(), { ...options, stageAfter: 0 }))).toEqual(expected);
    // With no stop condition the run goes on past `_end` (out of the program): the third run uses blocks.
    const free = { maxSteps: 100 };
    const unstopped = observe(run(image, start(), { ...free, stageAfter: Infinity }));
    for (let k = 0; k < 3; k++) expect(observe(run(image, start(), { ...free, stageAfter: 0 }))).toEqual(unstopped);
    return stagedBlocks(image).wasm;
  }

  it('leaves exactly the state the interpreter leaves, on random programs run three times (law)', () => {
    fc.assert(
      fc.property(program, setup, (insns, s) => void stagedRunsAgree(insns, s)),
      { seed: 11, numRuns: 250 },
    );
  });

  it('the same on programs of what WebAssembly blocks can hold: integer data processing, loads and stores of X and W registers, mrs/msr (law)', () => {
    const integer = /^(ADD|SUB|AND|ORR|EOR|BIC|ORN|EON|MOV[NZK]|S?BFM|UBFM|EXTR|[LA]S[LR]V|RORV|RBIT|REV|CLZ|CLS|MADD|MSUB|[SU]M(ADD|SUB)L|[SU]MULH|ADRP?)_/;
    const memory = /^(ST|LD)(U?R[BH]?|URS?[BHW]?|RS[BHW])_(32|64)_|^(ST|LD)N?P(SW)?_(32|64)_/;
    const ids = generatableEntries({ families }).map((e) => e.id).filter((id) => (integer.test(id) && !/^(ADDS|SUBS|ANDS|BICS)/.test(id)) || memory.test(id) || /^M(RS|SR)_(RS|SR)_systemmove$/.test(id));
    const plain = fc.array(arbitraryInstruction({ ids }), { minLength: 2, maxLength: 16 });
    let wasmBlocks = 0;
    fc.assert(
      fc.property(plain, setup, (insns, s) => {
        wasmBlocks += stagedRunsAgree(insns, s);
      }),
      { seed: 12, numRuns: 200 },
    );
    expect(wasmBlocks).toBeGreaterThan(50); // many of these programs ran as WebAssembly blocks
  });

  describe('blocks of staged instructions', () => {
    // x9 counts down; x3 walks down through RAM by 0x100 a loop, so that a load can be made to leave it.
    // The b.eq is staged not taken (it is traced at the 257th run) and taken once, in the middle of a block.
    // With `cbz` the skip is inside a WebAssembly block; with `b.eq` (the flags) inside a JavaScript one.
    const loop = (skip: 'cbz' | 'b.eq' = 'b.eq') => `
      mov x9, #600
    1:
      add x10, x10, #3
      ldr x11, [x3]
      sub x3, x3, #0x100
      eor x12, x12, x10
      msr tpidr_el2, x12
      mrs x13, tpidr_el2
      ${skip === 'cbz' ? 'sub x8, x9, #100\n      cbz x8, 2f' : 'cmp x9, #100\n      b.eq 2f'}
      add x15, x15, #1
    2:
      subs x9, x9, #1
      b.ne 1b`;
    const go = (body: string, x3: bigint, options: RunOptions<bigint>) => {
      const image = prepare(body);
      const r = run(image, machineFor(image, { x: { 3: x3 } }), { maxSteps: 10_000, ...options });
      return { image, r, seen: observe(r) };
    };

    for (const skip of ['cbz', 'b.eq'] as const) {
      it(`run a loop as the interpreter does, and are used (a branch staged not taken, taken once: ${skip})`, () => {
        const x3 = BASE + 0x8_0000n + 600n * 0x100n; // in RAM on every iteration
        const staged = go(loop(skip), x3, {});
        const interpreted = go(loop(skip), x3, { stageAfter: Infinity });
        expect(staged.seen).toEqual(interpreted.seen);
        expect(staged.r.diagnostic?.code).toBe('HL0705'); // the PC runs off the end of the program
        expect(staged.r.machine.state.X(15)).toBe(599n);
        expect(stagedBlocks(staged.image).wasm).toBeGreaterThan(0);
        expect(stagedBlocks(staged.image).instructions).toBeGreaterThanOrEqual(11); // the loop body in blocks
      });
    }
    it('a fault in the middle of a block stops at that instruction, at the step the interpreter stops', () => {
      const x3 = BASE + 0x40n + 400n * 0x100n; // RAM starts at BASE: the 401st load is below it
      const staged = go(loop(), x3, {});
      const interpreted = go(loop(), x3, { stageAfter: Infinity });
      expect(staged.r.status).toBe('fault');
      expect(staged.r.fault?.text).toBe('ldr x11, [x3]');
      expect(staged.seen).toEqual(interpreted.seen);
    });
    it('a step limit inside a block is reached at the same step, with the same last instructions', () => {
      const x3 = BASE + 0x8_0000n + 600n * 0x100n;
      // One limit in each position of the loop: one of them ends a block exactly.
      for (let maxSteps = 4_000; maxSteps < 4_012; maxSteps++) {
        const staged = go(loop(), x3, { maxSteps });
        const interpreted = go(loop(), x3, { maxSteps, stageAfter: Infinity });
        expect(staged.r.diagnostic?.message).toBe(interpreted.r.diagnostic?.message);
        expect(staged.seen).toEqual(interpreted.seen);
      }
    });
    it('an msr to SCTLR_EL2 inside a block turns SP alignment checking on for the next instruction', () => {
      // SP is misaligned; SCTLR_EL2.SA is set on the 500th iteration only, so the ldr faults then.
      const body = `
      mov x9, #600
    1:
      cmp x9, #100
      cset x1, eq
      lsl x1, x1, #3
      msr sctlr_el2, x1
      ldr x0, [sp, #8]
      subs x9, x9, #1
      b.ne 1b`;
      const image = prepare(body);
      const start = () => machineFor(image, { sp: BASE + 0x8_0008n });
      const staged = run(image, start(), { maxSteps: 10_000 });
      const interpreted = run(image, start(), { maxSteps: 10_000, stageAfter: Infinity });
      expect(interpreted.diagnostic?.code).toBe('HL0703');
      expect(observe(staged)).toEqual(observe(interpreted));
      expect(stagedBlocks(image).blocks).toBeGreaterThan(0);
    });
    it('an address translation answers from the machine\'s own walk, staged or not', () => {
      // The walk succeeds on this machine (PAR_EL1.F = 0); the staging machine would fault it.
      const body = `
      mov x9, #600
    1:
      add x1, x1, #0x1000
      at s1e1r, x1
      mrs x2, par_el1
      add x3, x3, x2
      subs x9, x9, #1
      b.ne 1b`;
      const image = prepare(body);
      const start = () => {
        const m = machineFor(image);
        m.translate = (_op, va) => ({ pa: va + 0x8000_0000n });
        return m;
      };
      const staged = run(image, start(), { maxSteps: 10_000 });
      const interpreted = run(image, start(), { maxSteps: 10_000, stageAfter: Infinity });
      expect(observe(staged)).toEqual(observe(interpreted));
      expect(staged.machine.state.X(2) & 1n).toBe(0n);
    });
    it('a scheduled interrupt is taken at its step, not at the end of a block', () => {
      const body = `
      adr x0, vectors
      msr vbar_el2, x0
      mov x1, #(1 << 4) | (1 << 3)
      msr hcr_el2, x1
      msr daifclr, #2
      ${loop().trim()}
      b _end
      .balign 2048
    vectors:
      .space 0x280
      mov x20, x9
      b _end`;
      const x3 = BASE + 0x8_0000n + 600n * 0x100n;
      const options = { interrupts: [{ step: 3_001, line: 'irq' as const }] };
      const staged = go(body, x3, options);
      const interpreted = go(body, x3, { ...options, stageAfter: Infinity });
      expect(staged.seen).toEqual(interpreted.seen);
      expect(staged.r.machine.state.X(20)).not.toBe(0n);
    });
  });

  it('stages by default once an instruction has run 256 times, and the result is the interpreter\'s', () => {
    const body = `
      mov x9, #1000
    1:
      stp x9, x10, [sp, #-16]!
      ldp x11, x12, [sp], #16
      add x10, x10, x11, lsl #2
      eor x13, x13, x10
      msr tpidr_el2, x13
      mrs x14, tpidr_el2
      subs x9, x9, #1
      b.ne 1b`;
    const image = prepare(body);
    const end = image.symbols.get('_end')!;
    const go = (stageAfter?: number) =>
      run(image, machineFor(image, { sp: BASE + 0x8_0000n }), { maxSteps: 20_000, stopBefore: (_m, slot) => slot.address === end, ...(stageAfter === undefined ? {} : { stageAfter }) });
    const staged = go();
    expect(stagedInstructions(image)).toBe(8); // the loop body; the mov before it runs once
    const interpreted = go(Infinity);
    expect(staged.steps).toBe(8001);
    expect([staged.machine.state.X(10), staged.machine.state.X(13), staged.machine.state.X(14)]).toEqual([
      interpreted.machine.state.X(10),
      interpreted.machine.state.X(13),
      interpreted.machine.state.X(14),
    ]);
  });
  it('stages the benchmark kinds of instruction, and instructions of one shape share one function', () => {
    const body = ['stp x3, x4, [sp, #-16]!', 'ldp x5, x6, [sp], #16', 'add x7, x7, #1', 'add x8, x9, #2', 'orr x3, x4, x5, lsl #3', 'mrs x3, tpidr_el1', 'msr tpidr_el1, x4'];
    const image = prepare(body.join('\n'));
    const end = image.symbols.get('_end')!;
    const before = stagedTemplateCount();
    for (let k = 0; k < 2; k++) run(image, machineFor(image, { sp: BASE + 0x8_0000n }), { stageAfter: 0, stopBefore: (_m, slot) => slot.address === end });
    const m = machineFor(image, { sp: BASE + 0x8_0000n });
    m.state.pc = Number(image.symbols.get('_start')!);
    const staged = image.slots.slice(0, body.length).map((slot) => stageSlot(slot!, m));
    expect(staged.every((f) => f !== undefined)).toBe(true);
    expect(stagedTemplateCount() - before).toBeLessThanOrEqual(body.length - 1); // the two adds share one
  });
});
