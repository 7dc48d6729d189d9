// Physical memory: mapped regions (RAM, read-only memory, MMIO devices), little-endian, byte-exact for
// 1/2/4/8/16-byte accesses. An access outside every region (or a write to a read-only region) is a
// data abort, recorded with its address, size and direction.
//
// Memory holds domain values. Two stores hold RAM:
//  - `ByteStore` (concrete only): a Uint8Array, the fast path for the concrete domain;
//  - `CellStore` (any domain): one 64-bit value per aligned 8-byte cell. A narrower or unaligned access
//    extracts from, or splices into, the cells it covers, so a symbolic 8-byte store followed by a
//    4-byte load of its upper half reads `extract(term, 63, 32)` and a symbolic domain sees the term
//    itself again when a full cell is reloaded.

import type { Domain, Width } from '../a64/domain.ts';
import { MachineFault, hex64 } from './faults.ts';

export type AccessBytes = 1 | 2 | 4 | 8 | 16;

/** The contents of one region; offsets are from the region's base. */
export interface RegionStore<V> {
  load(offset: number, bytes: AccessBytes): V;
  store(offset: number, bytes: AccessBytes, value: V): void;
  /** Initial contents (program sections): constant bytes. */
  writeBytes(offset: number, data: Uint8Array): void;
}

/** An MMIO device: sees every access to its region with the offset from its base. */
export interface Device<V> {
  read(offset: number, bytes: AccessBytes): V;
  write(offset: number, bytes: AccessBytes, value: V): void;
}

export interface Region<V> {
  name: string;
  base: bigint;
  size: number;
  kind: 'ram' | 'rom' | 'device';
  store: RegionStore<V>;
}

export interface MemoryObserver<V> {
  stored(address: bigint, bytes: AccessBytes, value: V): void;
}

export class Memory<V> {
  private regions: Region<V>[] = [];
  /** The region of the last access, with its bounds as numbers: most accesses hit it again. */
  private last: Region<V> | undefined;
  private lastStart = 0;
  private lastEnd = 0;
  private lastWritableEnd = 0;
  /** The last region's aligned 8-byte words, when it is concrete RAM. */
  private lastWords: V[] | undefined;
  observer: MemoryObserver<V> | undefined;

  constructor(readonly dom: Domain<V>) {}

  map(region: Region<V>): Region<V> {
    const end = region.base + BigInt(region.size);
    for (const r of this.regions) {
      if (region.base < r.base + BigInt(r.size) && r.base < end) throw new Error(`region '${region.name}' overlaps '${r.name}'`);
    }
    this.regions.push(region);
    this.regions.sort((a, b) => (a.base < b.base ? -1 : 1));
    return region;
  }

  mapDevice(name: string, base: bigint, size: number, device: Device<V>): Region<V> {
    const store: RegionStore<V> = {
      load: (offset, bytes) => device.read(offset, bytes),
      store: (offset, bytes, value) => device.write(offset, bytes, value),
      writeBytes: () => {
        throw new Error(`cannot load bytes into device '${name}'`);
      },
    };
    return this.map({ name, base, size, kind: 'device', store });
  }

  get mapped(): readonly Region<V>[] {
    return this.regions;
  }

  /** The region holding [address, address+bytes), or undefined. */
  regionAt(address: bigint, bytes: number): Region<V> | undefined {
    for (const r of this.regions) {
      if (address >= r.base && address + BigInt(bytes) <= r.base + BigInt(r.size)) {
        this.last = r;
        // Bounds as numbers for the fast path; a region beyond 2^53 is only ever found here.
        const start = Number(r.base);
        const exact = Number.isSafeInteger(start + r.size);
        this.lastStart = exact ? start : 0;
        this.lastEnd = exact ? start + r.size : 0;
        this.lastWritableEnd = r.kind === 'rom' ? 0 : this.lastEnd;
        this.lastWords = r.store instanceof ByteStore ? (r.store.words as unknown as V[] | undefined) : undefined;
        return r;
      }
    }
    return undefined;
  }

  load(address: bigint, bytes: AccessBytes): V {
    // Fast path, small enough for V8 to inline into the instruction: the region of the last access.
    ADDRESS64[0] = address; // addressNumber(), written out: V8 inlines this method only while it stays small
    const a = ADDRESS32[HI]! * 0x1_0000_0000 + ADDRESS32[LO]!;
    if (a >= this.lastStart && a + bytes <= this.lastEnd) {
      const offset = a - this.lastStart;
      // An aligned 8-byte word of concrete RAM: one typed-array element, no call, no BigInt allocated.
      if (bytes === 8 && (offset & 7) === 0 && this.lastWords !== undefined) return this.lastWords[offset >>> 3]!;
      return this.last!.store.load(offset, bytes);
    }
    return this.loadElsewhere(address, bytes);
  }

  private loadElsewhere(address: bigint, bytes: AccessBytes): V {
    const r = this.regionAt(address, bytes);
    if (r === undefined) throw abort(address, bytes, false);
    return r.store.load(Number(address - r.base), bytes);
  }

  store(address: bigint, bytes: AccessBytes, value: V): void {
    ADDRESS64[0] = address;
    const a = ADDRESS32[HI]! * 0x1_0000_0000 + ADDRESS32[LO]!;
    // lastEnd is 0 for a read-only or device region: their stores take the checked path.
    const offset = a - this.lastStart;
    if (a < this.lastStart || a + bytes > this.lastWritableEnd) this.storeElsewhere(address, bytes, value);
    else if (bytes === 8 && (offset & 7) === 0 && this.lastWords !== undefined) this.lastWords[offset >>> 3] = value;
    else this.last!.store.store(offset, bytes, value);
    if (this.observer !== undefined) this.observer.stored(address, bytes, value);
  }

  private storeElsewhere(address: bigint, bytes: AccessBytes, value: V): void {
    const r = this.regionAt(address, bytes);
    if (r === undefined) throw abort(address, bytes, true);
    if (r.kind === 'rom') {
      throw new MachineFault('read-only', `data abort: ${bytes}-byte write to read-only '${r.name}' at ${hex64(address)}`, { address, bytes, write: true });
    }
    r.store.store(Number(address - r.base), bytes, value);
  }

  /** Loads constant bytes (a program image) at `address`; the range must be mapped. */
  writeBytes(address: bigint, data: Uint8Array): void {
    const r = this.regionAt(address, data.length);
    if (r === undefined) throw abort(address, data.length, true);
    r.store.writeBytes(Number(address - r.base), data);
  }
}

// Memory.load/store take an address as a number without BigInt-to-Number conversion (which
// allocates): its two 32-bit halves through a shared buffer. Above 2^53 the result is inexact but stays above 2^53, where the
// fast path's bounds never are.
const ADDRESS64 = new BigUint64Array(1);
const ADDRESS32 = new Uint32Array(ADDRESS64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;


function abort(address: bigint, bytes: number, write: boolean): MachineFault {
  return new MachineFault('unmapped', `data abort: ${bytes}-byte ${write ? 'write to' : 'read from'} unmapped address ${hex64(address)}`, { address, bytes, write });
}

// ------------------------------------------------------------------------------------------------
// Concrete RAM on bytes

export class ByteStore implements RegionStore<bigint> {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Aligned 8-byte words (most accesses): a typed-array element read or write allocates no BigInt. */
  readonly words: BigUint64Array | undefined;

  /** `bytes`: where the contents live (a machine's arena), else new zeroed bytes of `size`. */
  constructor(size: number, bytes: Uint8Array = new Uint8Array(size)) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, size);
    this.words = LITTLE_ENDIAN ? new BigUint64Array(bytes.buffer, bytes.byteOffset, Math.floor(size / 8)) : undefined;
  }

  load(offset: number, bytes: AccessBytes): bigint {
    const v = this.view;
    switch (bytes) {
      case 8:
        return this.words !== undefined && (offset & 7) === 0 ? this.words[offset >>> 3]! : v.getBigUint64(offset, true);
      case 4:
        return BigInt(v.getUint32(offset, true));
      case 2:
        return BigInt(v.getUint16(offset, true));
      case 1:
        return BigInt(this.bytes[offset]!);
      case 16:
        return (v.getBigUint64(offset + 8, true) << 64n) | v.getBigUint64(offset, true);
    }
  }

  store(offset: number, bytes: AccessBytes, value: bigint): void {
    const v = this.view;
    switch (bytes) {
      case 8:
        if (this.words !== undefined && (offset & 7) === 0) this.words[offset >>> 3] = value;
        else v.setBigUint64(offset, value, true);
        return;
      case 4:
        return v.setUint32(offset, Number(BigInt.asUintN(32, value)), true);
      case 2:
        return v.setUint16(offset, Number(BigInt.asUintN(16, value)), true);
      case 1:
        this.bytes[offset] = Number(BigInt.asUintN(8, value));
        return;
      case 16:
        v.setBigUint64(offset, BigInt.asUintN(64, value), true);
        return v.setBigUint64(offset + 8, value >> 64n, true);
    }
  }

  writeBytes(offset: number, data: Uint8Array): void {
    this.bytes.set(data, offset);
  }
}

// ------------------------------------------------------------------------------------------------
// RAM of domain values, one 64-bit value per aligned 8-byte cell

export class CellStore<V> implements RegionStore<V> {
  private readonly cells = new Map<number, V>();

  /** `initial(i)` is the content of cell i (bytes 8i..8i+7) before any store: zero, or a symbol. */
  constructor(
    private readonly dom: Domain<V>,
    private readonly initial: (cell: number) => V,
  ) {}

  private cell(i: number): V {
    let v = this.cells.get(i);
    if (v === undefined) {
      v = this.initial(i);
      this.cells.set(i, v);
    }
    return v;
  }

  /** The cells an access covers, as pieces: cell index, first byte in the cell, byte count. */
  private *pieces(offset: number, bytes: number): Generator<{ i: number; lo: number; n: number }> {
    let at = offset;
    const end = offset + bytes;
    while (at < end) {
      const i = Math.floor(at / 8);
      const lo = at - i * 8;
      const n = Math.min(8 - lo, end - at);
      yield { i, lo, n };
      at += n;
    }
  }

  load(offset: number, bytes: AccessBytes): V {
    const D = this.dom;
    let out: V | undefined;
    let width = 0;
    for (const { i, lo, n } of this.pieces(offset, bytes)) {
      const c = this.cell(i);
      const piece = n === 8 ? c : D.extract(c, (lo + n) * 8 - 1, lo * 8);
      // Little-endian: later pieces are more significant.
      out = out === undefined ? piece : D.concat(piece, out, width);
      width += n * 8;
    }
    return out!;
  }

  store(offset: number, bytes: AccessBytes, value: V): void {
    const D = this.dom;
    let done = 0;
    for (const { i, lo, n } of this.pieces(offset, bytes)) {
      const piece = n === bytes ? value : D.extract(value, (done + n) * 8 - 1, done * 8);
      this.cells.set(i, n === 8 ? piece : splice(D, this.cell(i), piece, lo, n));
      done += n;
    }
  }

  writeBytes(offset: number, data: Uint8Array): void {
    data.forEach((b, k) => this.store(offset + k, 1, this.dom.constant(BigInt(b), 8)));
  }

  /** Cells written or read so far (index -> value). */
  entries(): IterableIterator<[number, V]> {
    return this.cells.entries();
  }
}

/** `cell` with bytes lo..lo+n-1 replaced by `piece` (n*8 bits). */
function splice<V>(D: Domain<V>, cell: V, piece: V, lo: number, n: number): V {
  const hiBytes = 8 - lo - n;
  let v: V = piece;
  let width: Width = n * 8;
  if (lo > 0) {
    v = D.concat(v, D.extract(cell, lo * 8 - 1, 0), lo * 8);
    width += lo * 8;
  }
  if (hiBytes > 0) v = D.concat(D.extract(cell, 63, (lo + n) * 8), v, width);
  return v;
}

/** A concrete RAM region of `size` bytes at `base`. */
export function concreteRam(name: string, base: bigint, size: number, kind: 'ram' | 'rom' = 'ram', bytes?: Uint8Array): Region<bigint> {
  return { name, base, size, kind, store: new ByteStore(size, bytes) };
}
