// The WebAssembly form of staged traces (src/machine/stage-wasm.ts) computes what the concrete domain
// computes: every operation it compiles, at every width, on random values (law); loads and stores in
// RAM and outside it; guards; and what it must refuse it refuses.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import type { Domain } from '../../src/a64/domain.ts';
import { ARENA, Arena } from '../../src/machine/arena.ts';
import { blockModule, compilable } from '../../src/machine/stage-wasm.ts';
import type { Expr, Step } from '../../src/machine/stage-wasm.ts';

const CD = concreteDomain;
const RAM_BASE = 0x4000_0000n;

/** Runs one instruction's steps on a fresh arena with x0..x3 = `x`; returns what it did. */
function runSteps(steps: Step[], x: bigint[], options: { check?: number; memory?: Map<bigint, bigint> } = {}) {
  const arena = new Arena(RAM_BASE, 4096);
  const regs = arena.registers('x', 31);
  x.forEach((v, n) => (regs[n] = v));
  const slow: string[] = [];
  const env = {
    memory: arena.memory,
    storedAt: (i: number) => void slow.push(`storedAt ${i}`),
    touch: (i: number) => void slow.push(`touch ${i}`),
    load: (a: bigint, bytes: number) => {
      slow.push(`load ${BigInt.asUintN(64, a).toString(16)} ${bytes}`);
      return options.memory?.get(BigInt.asUintN(64, a)) ?? 0x1234n;
    },
    store: (a: bigint, bytes: number, v: bigint) => void slow.push(`store ${BigInt.asUintN(64, a).toString(16)} ${bytes} ${BigInt.asUintN(bytes * 8, v).toString(16)}`),
  };
  const run = new WebAssembly.Instance(blockModule([steps]), { env }).exports.run as (check: number) => number;
  const done = run(options.check ?? 0);
  return { done, x: Array.from(regs.slice(0, 8)), arena, slow };
}

const entries: Step[] = [0, 1, 2].map((n) => ({ kind: 'entry', name: `e${n}`, from: 'x', n }));
const local = (name: string): Expr => ({ kind: 'local', name });

/** x7 = op(e0, e1, e2 and the numbers), compiled; the concrete domain's answer beside it. */
function viaWasm(op: keyof Domain<bigint>, values: bigint[], numbers: number[], shape: ('v' | 'n')[]): { wasm: bigint; concrete: bigint } {
  let v = 0;
  let k = 0;
  const args = shape.map((s) => (s === 'v' ? local(`e${v++}`) : numbers[k++]!));
  v = 0;
  k = 0;
  const concreteArgs = shape.map((s) => (s === 'v' ? values[v++]! : numbers[k++]!));
  const steps: Step[] = [...entries, { kind: 'let', name: 't0', expr: { kind: 'op', op, args } }, { kind: 'set', file: 'x', n: 7, value: local('t0') }];
  const r = runSteps(steps, values);
  const f = CD[op] as (...a: (bigint | number)[]) => bigint;
  return { wasm: r.x[7]!, concrete: f(...concreteArgs) };
}

const width = fc.constantFrom(1, 5, 8, 16, 31, 32, 33, 63, 64);
const valueOf = (w: number) => fc.bigInt(0n, (1n << BigInt(w)) - 1n);
const edgy = (w: number) => fc.oneof(valueOf(w), fc.constantFrom(0n, 1n, (1n << BigInt(w)) - 1n, 1n << BigInt(w - 1)));

describe('WebAssembly staged code computes what the concrete domain computes (law)', () => {
  const agree = (r: { wasm: bigint; concrete: bigint }) => expect(r.wasm).toBe(r.concrete);

  it('add, sub, mul, and, or, xor at every width', () => {
    const ops = ['add', 'sub', 'mul', 'and', 'or', 'xor'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...ops), width.chain((w) => fc.tuple(fc.constant(w), edgy(w), edgy(w))), (op, [w, a, b]) => {
        agree(viaWasm(op, [a, b], [w], ['v', 'v', 'n']));
      }),
      { seed: 1, numRuns: 400 },
    );
  });
  it('neg, not, countLeadingZeros', () => {
    fc.assert(
      fc.property(fc.constantFrom('neg', 'not', 'countLeadingZeros' as const), width.chain((w) => fc.tuple(fc.constant(w), edgy(w))), (op, [w, a]) => {
        agree(viaWasm(op, [a], [w], ['v', 'n']));
      }),
      { seed: 2, numRuns: 300 },
    );
  });
  it('shifts and rotates by constants, including amounts past the width', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('shl', 'lshr', 'ashr', 'ror' as const),
        width.chain((w) => fc.tuple(fc.constant(w), edgy(w), fc.integer({ min: 0, max: 70 }))),
        (op, [w, a, n]) => {
          if (op === 'ror' && n >= w) return; // the domain rotates by less than the width
          agree(viaWasm(op, [a], [n, w], ['v', 'n', 'n']));
        },
      ),
      { seed: 3, numRuns: 500 },
    );
  });
  it('shifts and rotates by register amounts (any 64-bit amount), udiv and sdiv (zero and overflowing divisors)', () => {
    const amount = fc.oneof(fc.bigInt(0n, 130n), edgy(64));
    fc.assert(
      fc.property(fc.constantFrom('shlBy', 'lshrBy', 'ashrBy', 'rorBy' as const), width.chain((w) => fc.tuple(fc.constant(w), edgy(w))), amount, (op, [w, a], n) => {
        agree(viaWasm(op, [a, n], [w], ['v', 'v', 'n']));
      }),
      { seed: 8, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.constantFrom('udiv', 'sdiv' as const), fc.constantFrom(32, 64), fc.boolean(), (op, w, special) => {
        const edges = [0n, 1n, (1n << BigInt(w)) - 1n, 1n << BigInt(w - 1)];
        const pairs = special ? edges.flatMap((a) => edges.map((b) => [a, b] as const)) : [[5n, 0n] as const];
        for (const [a, b] of pairs) agree(viaWasm(op, [a, b], [w], ['v', 'v', 'n']));
      }),
      { seed: 9, numRuns: 20 },
    );
    fc.assert(
      fc.property(fc.constantFrom('udiv', 'sdiv' as const), width.chain((w) => fc.tuple(fc.constant(w), edgy(w), edgy(w))), (op, [w, a, b]) => {
        agree(viaWasm(op, [a, b], [w], ['v', 'v', 'n']));
      }),
      { seed: 10, numRuns: 400 },
    );
  });
  it('extract, signExtend, concat', () => {
    fc.assert(
      fc.property(edgy(64), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }), (a, p, q) => {
        const [hi, lo] = p >= q ? [p, q] : [q, p];
        agree(viaWasm('extract', [a], [hi, lo], ['v', 'n', 'n']));
        const from = hi + 1;
        const small = a & ((1n << BigInt(from)) - 1n);
        agree(viaWasm('signExtend', [small], [from, 64], ['v', 'n', 'n']));
        if (from <= 32) agree(viaWasm('signExtend', [small], [from, 32], ['v', 'n', 'n']));
      }),
      { seed: 4, numRuns: 300 },
    );
    // concat's high part as the semantics give it: a field of known width (an extract).
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 63 }).chain((lw) => fc.tuple(fc.constant(lw), valueOf(64 - lw), valueOf(lw))), ([lw, h, l]) => {
        const field: Expr = { kind: 'op', op: 'extract', args: [local('e0'), 63 - lw, 0] };
        const steps: Step[] = [...entries, { kind: 'let', name: 'h', expr: field }, { kind: 'let', name: 't0', expr: { kind: 'op', op: 'concat', args: [local('h'), local('e1'), lw] } }, { kind: 'set', file: 'x', n: 7, value: local('t0') }];
        expect(runSteps(steps, [h, l]).x[7]).toBe(CD.concat(h, l, lw));
      }),
      { seed: 5, numRuns: 200 },
    );
  });
  it('eq, ult, slt and ite', () => {
    fc.assert(
      fc.property(fc.constantFrom('eq', 'ult', 'slt' as const), width.chain((w) => fc.tuple(fc.constant(w), edgy(w), edgy(w))), (op, [w, a, b]) => {
        agree(viaWasm(op, [a, b], [w], ['v', 'v', 'n']));
        agree(viaWasm(op, [a, a], [w], ['v', 'v', 'n']));
      }),
      { seed: 6, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom(0n, 1n), edgy(64), edgy(64), (c, a, b) => {
        agree(viaWasm('ite', [c, a, b], [64], ['v', 'v', 'v', 'n']));
      }),
      { seed: 7, numRuns: 50 },
    );
  });
});

describe('WebAssembly staged code: memory, system registers, guards', () => {
  const load = (address: bigint, bytes: number): Step[] => [
    { kind: 'let', name: 't0', expr: { kind: 'load', address: { kind: 'const', value: address }, bytes } },
    { kind: 'set', file: 'x', n: 7, value: local('t0') },
  ];

  it('a load or store inside RAM touches the arena; one that crosses its end goes to the memory', () => {
    for (const bytes of [1, 2, 4, 8]) {
      const inside = runSteps(
        [{ kind: 'store', address: { kind: 'const', value: RAM_BASE + 0x10n }, bytes, value: { kind: 'const', value: 0x1122_3344_5566_7788n & ((1n << BigInt(bytes * 8)) - 1n) } }, ...load(RAM_BASE + 0x10n, bytes)],
        [],
      );
      expect(inside.slow).toEqual([]);
      expect(inside.x[7]).toBe(0x1122_3344_5566_7788n & ((1n << BigInt(bytes * 8)) - 1n));
      expect(Array.from(new Uint8Array(inside.arena.memory.buffer, ARENA.ram + 0x10, 1))).toEqual([0x88]);
      // The last bytes of RAM are inside; one byte further is not.
      expect(runSteps(load(RAM_BASE + 4096n - BigInt(bytes), bytes), []).slow).toEqual([]);
      const crossing = runSteps(load(RAM_BASE + 4097n - BigInt(bytes), bytes), []);
      expect(crossing.slow).toEqual([`load ${(RAM_BASE + 4097n - BigInt(bytes)).toString(16)} ${bytes}`]);
      expect(crossing.x[7]).toBe(0x1234n);
    }
    expect(runSteps(load(RAM_BASE - 8n, 8), []).slow).toEqual([`load ${(RAM_BASE - 8n).toString(16)} 8`]);
    expect(runSteps(load(0xffff_ffff_ffff_fff8n, 8), []).slow).toEqual(['load fffffffffffffff8 8']);
    const store = runSteps([{ kind: 'store', address: { kind: 'const', value: RAM_BASE + 4096n }, bytes: 4, value: { kind: 'const', value: 0xabcdn } }], []);
    expect(store.slow).toEqual([`store ${(RAM_BASE + 4096n).toString(16)} 4 abcd`]);
  });

  it('a system register the run has not given is reset by the state first; a touch is reported once', () => {
    const steps: Step[] = [
      { kind: 'let', name: 't0', expr: { kind: 'sys', index: 7 } },
      { kind: 'set', file: 'x', n: 7, value: local('t0') },
      { kind: 'sysreg', index: 9, value: { kind: 'const', value: 5n } },
      { kind: 'touch', index: 7 },
    ];
    const r = runSteps(steps, []);
    expect(r.slow).toEqual(['storedAt 7', 'touch 7']);
    expect(r.arena.bytes('given', 16)[9]).toBe(1);
    expect(r.arena.registers('sys', 16)[9]).toBe(5n);
  });

  it('a failed guard returns before the instruction, having done nothing', () => {
    const steps: Step[] = [...entries, { kind: 'guard', value: { kind: 'op', op: 'eq', args: [local('e0'), { kind: 'const', value: 5n }, 64] }, expect: 1n }, { kind: 'set', file: 'x', n: 7, value: local('e1') }];
    expect(runSteps(steps, [5n, 9n])).toMatchObject({ done: 1, x: [5n, 9n, 0n, 0n, 0n, 0n, 0n, 9n] });
    expect(runSteps(steps, [6n, 9n])).toMatchObject({ done: 0, x: [6n, 9n, 0n, 0n, 0n, 0n, 0n, 0n] });
    const aligned: Step[] = [{ kind: 'guard', value: { kind: 'alignment' }, expect: 0n }];
    expect(runSteps(aligned, [], { check: 0 }).done).toBe(1);
    expect(runSteps(aligned, [], { check: 1 }).done).toBe(0);
  });

  it('refuses what it cannot express: wide values, V registers, flags, opaque effects', () => {
    expect(compilable([{ kind: 'entry', name: 'e0', from: 'v', n: 0 }])).toBe(false);
    expect(compilable([{ kind: 'entry', name: 'e0', from: 'flag', n: 0 }])).toBe(false);
    expect(compilable([{ kind: 'opaque', what: 'a flags write' }])).toBe(false);
    expect(compilable([{ kind: 'let', name: 't0', expr: { kind: 'load', address: { kind: 'const', value: 0n }, bytes: 16 } }])).toBe(false);
    expect(compilable([...entries, { kind: 'let', name: 't0', expr: { kind: 'op', op: 'concat', args: [local('e0'), local('e1'), 64] } }])).toBe(false);
    expect(compilable([...entries, { kind: 'let', name: 't0', expr: { kind: 'op', op: 'mul', args: [local('e0'), local('e1'), 128] } }])).toBe(false);
    expect(compilable([...entries, { kind: 'let', name: 't0', expr: { kind: 'op', op: 'add', args: [local('e0'), local('e1'), 128] } }])).toBe(false);
  });
});
