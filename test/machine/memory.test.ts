// Memory: regions, devices, read-only faults, and the law that the generic cell store (used by the
// symbolic domain) agrees with the concrete byte store on every sequence of accesses.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concreteDomain } from '../../src/a64/domain-concrete.ts';
import { ByteStore, CellStore, Memory, concreteRam } from '../../src/machine/memory.ts';
import type { AccessBytes } from '../../src/machine/memory.ts';
import { MachineFault } from '../../src/machine/faults.ts';

const D = concreteDomain;
const SIZES: AccessBytes[] = [1, 2, 4, 8, 16];

function fault(f: () => unknown): MachineFault {
  try {
    f();
  } catch (e) {
    if (e instanceof MachineFault) return e;
    throw e;
  }
  throw new Error('expected a fault');
}

describe('regions', () => {
  it('faults outside every region, across a region end, and on writes to read-only memory', () => {
    const mem = new Memory(D);
    mem.map(concreteRam('ram', 0x1000n, 0x100));
    mem.map(concreteRam('rom', 0x2000n, 0x100, 'rom'));
    expect(fault(() => mem.load(0xff8n, 8)).access).toEqual({ address: 0xff8n, bytes: 8, write: false });
    expect(fault(() => mem.store(0x10f8n + 4n, 8, 0n)).kind).toBe('unmapped');
    expect(fault(() => mem.store(0x2000n, 4, 0n)).kind).toBe('read-only');
    expect(mem.load(0x2000n, 4)).toBe(0n);
    expect(() => mem.map(concreteRam('overlap', 0x10f0n, 0x100))).toThrow(/overlaps/);
  });
  it('passes device accesses through with their offset and size', () => {
    const mem = new Memory(D);
    const seen: string[] = [];
    mem.mapDevice('gich', 0x8000n, 0x1000, {
      read: (offset, bytes) => BigInt(offset * 16 + bytes),
      write: (offset, bytes, value) => void seen.push(`${offset}:${bytes}:${value}`),
    });
    expect(mem.load(0x8010n, 4)).toBe(0x104n);
    mem.store(0x8004n, 4, 7n);
    expect(seen).toEqual(['4:4:7']);
  });
});

describe('cell store (terms per 8-byte cell)', () => {
  it('a 4-byte load of half an 8-byte store extracts it; a full reload returns the stored value itself', () => {
    const cells = new CellStore(D, () => 0n);
    cells.store(8, 8, 0x1122334455667788n);
    expect(cells.load(12, 4)).toBe(0x11223344n);
    expect(cells.load(8, 8)).toBe(0x1122334455667788n);
    cells.store(10, 2, 0xabcdn);
    expect(cells.load(8, 8)).toBe(0x11223344abcd7788n);
    expect(cells.load(4, 8)).toBe(0xabcd778800000000n);
  });
  it('agrees with the byte store on random access sequences (law)', () => {
    const access = fc.record({
      write: fc.boolean(),
      bytes: fc.constantFrom(...SIZES),
      offset: fc.integer({ min: 0, max: 48 }),
      value: fc.bigInt(0n, (1n << 128n) - 1n),
    });
    fc.assert(
      fc.property(fc.array(access, { maxLength: 40 }), (ops) => {
        const bytes = new ByteStore(64);
        const cells = new CellStore(D, () => 0n);
        for (const op of ops) {
          const value = op.value & ((1n << BigInt(op.bytes * 8)) - 1n);
          if (op.write) {
            bytes.store(op.offset, op.bytes, value);
            cells.store(op.offset, op.bytes, value);
          } else {
            expect(cells.load(op.offset, op.bytes)).toBe(bytes.load(op.offset, op.bytes));
          }
        }
        for (let k = 0; k < 64; k += 8) expect(cells.load(k, 8)).toBe(bytes.load(k, 8));
      }),
      { numRuns: 300 },
    );
  });
});
