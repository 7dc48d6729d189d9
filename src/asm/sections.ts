// A section while it is being assembled: its growing bytes, its alignment, and its pending literal
// pools (GNU as keeps one 4-byte and one 8-byte pool per section; `.ltorg` dumps the 4-byte pool
// first, then the 8-byte pool aligned to 8).

import type { Origin } from './diagnostics.ts';

/** A64 NOP: code sections are padded with it (after zero bytes up to a 4-byte boundary). */
export const NOP = 0xd503201f;

/** Thrown when a section would grow past the limit. */
export class SectionLimitError extends Error {
  constructor(
    readonly section: string,
    readonly limit: number,
  ) {
    super(`section '${section}' would grow past ${limit} bytes`);
    this.name = 'SectionLimitError';
  }
}

export interface LiteralEntry {
  size: 4 | 8;
  /** Equal keys share one entry: GNU as shares a constant (by value and signedness) or a symbol
   *  plus addend (by the symbol's identity), as the expression reads where the `ldr` stands. */
  key: string;
  expression: string;
  /** The statement number of the first `ldr` that asked for it (where its symbols are looked up). */
  seq: number;
  /** That `ldr`'s offset in the section: what `.` means in the expression. */
  dot: number;
  origin: Origin;
  /** The name the `ldr` refers to; resolved to `offset` once the pool is placed. */
  label: string;
  offset?: number;
}

export class SectionBuilder {
  bytes = new Uint8Array(64);
  size = 0;
  alignment = 1;
  readonly pools: Record<4 | 8, LiteralEntry[]> = { 4: [], 8: [] };

  constructor(
    readonly name: string,
    /** Executable: `.align` pads with NOPs. */
    readonly code: boolean,
    /** NOBITS (`.bss`): no contents, only a size. */
    readonly noBits: boolean,
    private readonly maxBytes: number,
  ) {}

  /** Reserves `n` zero bytes at the end; returns their offset. */
  reserve(n: number): number {
    const offset = this.size;
    const end = offset + n;
    if (end > this.maxBytes) throw new SectionLimitError(this.name, this.maxBytes);
    if (end > this.bytes.length) {
      let capacity = this.bytes.length;
      while (capacity < end) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.size = end;
    return offset;
  }

  emit(data: ArrayLike<number>): number {
    const offset = this.reserve(data.length);
    this.bytes.set(data, offset);
    return offset;
  }

  fill(count: number, byte: number): void {
    const offset = this.reserve(count);
    if (byte !== 0) this.bytes.fill(byte & 0xff, offset, offset + count);
  }

  /** Writes `value` little-endian, `size` bytes, at `offset`. */
  writeValue(offset: number, size: number, value: bigint): void {
    if (size <= 4) return this.writeSmall(offset, size, Number(BigInt.asUintN(32, value)));
    let v = BigInt.asUintN(size * 8, value);
    for (let i = 0; i < size; i++) {
      this.bytes[offset + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  /** Writes the low `size` (at most 4) bytes of `value` little-endian at `offset`. */
  writeSmall(offset: number, size: number, value: number): void {
    for (let i = 0; i < size; i++) this.bytes[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  /**
   * Pads to a multiple of `boundary`. Without an explicit fill, code sections get zeros up to a
   * 4-byte boundary and NOPs after it; other sections get zeros. Padding longer than `maxSkip` is
   * not done at all (`.p2align 3,,2`).
   */
  align(boundary: number, fill: number | undefined, maxSkip?: number): void {
    this.alignment = Math.max(this.alignment, boundary);
    const pad = (boundary - (this.size % boundary)) % boundary;
    if (pad === 0 || (maxSkip !== undefined && pad > maxSkip)) return;
    if (fill !== undefined || !this.code) {
      this.fill(pad, fill ?? 0);
      return;
    }
    const zeros = pad % 4;
    this.fill(zeros, 0);
    for (let i = 0; i < (pad - zeros) / 4; i++) this.writeSmall(this.reserve(4), 4, NOP);
  }

  /**
   * Instructions in code sections sit on 4-byte boundaries: GNU as pads with zeros before one that
   * would not. In a data section it places them where they fall.
   */
  alignForInstruction(): void {
    if (!this.code) return;
    const pad = (4 - (this.size % 4)) % 4;
    if (pad > 0) this.fill(pad, 0);
    this.alignment = Math.max(this.alignment, 4);
  }

  contents(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }
}
