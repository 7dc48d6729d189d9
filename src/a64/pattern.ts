// Bit patterns in the style of QEMU's `.decode` files: the 32 bits of an encoding written from bit 31
// down to bit 0, as space-separated tokens. A token is
//   `0101`       fixed anonymous bits,
//   `name:5`     a named field of 5 bits (a value the operands read and write),
//   `name=01`    a named field whose value is fixed by this encoding (decode still reports it),
//   `(11111)`    "should be" bits (the Arm ARM's `(1)`/`(0)`): written by encode, ignored by decode,
//                as objdump and the hardware ignore them.
// The token widths must add up to 32.

export type Fields = Record<string, number>;

export interface FieldSlot {
  name: string;
  lo: number;
  width: number;
  /** True for `name=bits`: the value is part of the pattern's fixed bits. */
  fixed: boolean;
}

export interface CompiledPattern {
  /** Bits fixed by the pattern (anonymous and `name=bits` tokens). */
  mask: number;
  /** The values of the fixed bits. */
  bits: number;
  /** "Should be" bits: encode writes them, decode does not check them. */
  shouldBe: number;
  fields: FieldSlot[];
}

export function compilePattern(pattern: string): CompiledPattern {
  let mask = 0;
  let bits = 0;
  let shouldBe = 0;
  let pos = 32;
  const fields: FieldSlot[] = [];
  for (const token of pattern.trim().split(/\s+/)) {
    const named = /^([A-Za-z_][\w]*)(?::(\d+)|=([01]+))$/.exec(token);
    let width: number;
    if (named) {
      const [, name, widthText, fixed] = named;
      width = widthText !== undefined ? Number(widthText) : fixed!.length;
      pos -= width;
      fields.push({ name: name!, lo: pos, width, fixed: fixed !== undefined });
      if (fixed !== undefined) {
        mask |= fieldMask(pos, width);
        bits |= Number.parseInt(fixed, 2) << pos;
      }
    } else if (/^\([01]+\)$/.test(token)) {
      width = token.length - 2;
      pos -= width;
      shouldBe |= Number.parseInt(token.slice(1, -1), 2) << pos;
    } else if (/^[01]+$/.test(token)) {
      width = token.length;
      pos -= width;
      mask |= fieldMask(pos, width);
      bits |= Number.parseInt(token, 2) << pos;
    } else {
      throw new Error(`bad pattern token '${token}' in '${pattern}'`);
    }
    if (pos < 0) throw new Error(`pattern longer than 32 bits: '${pattern}'`);
  }
  if (pos !== 0) throw new Error(`pattern shorter than 32 bits (${32 - pos}): '${pattern}'`);
  return { mask: mask >>> 0, bits: bits >>> 0, shouldBe: shouldBe >>> 0, fields };
}

function fieldMask(lo: number, width: number): number {
  return width >= 32 ? 0xffffffff : (((1 << width) - 1) << lo) >>> 0;
}

export function matchesPattern(word: number, p: CompiledPattern): boolean {
  return ((word & p.mask) >>> 0) === p.bits;
}

export function extractFields(word: number, p: CompiledPattern): Fields {
  const f: Fields = {};
  for (const s of p.fields) f[s.name] = (word >>> s.lo) & (s.width >= 32 ? 0xffffffff : (1 << s.width) - 1);
  return f;
}

/** Builds the word: fixed bits from the pattern, named fields from `f` (missing fields are 0). */
export function insertFields(f: Fields, p: CompiledPattern): number {
  let word = p.bits | p.shouldBe;
  for (const s of p.fields) {
    if (s.fixed) continue;
    const m = fieldMask(0, s.width);
    word = (word & ~fieldMask(s.lo, s.width)) | (((f[s.name] ?? 0) & m) << s.lo);
  }
  return word >>> 0;
}

/** Fixed values of named fields (`name=bits`), so that encode starts from them. */
export function fixedFields(p: CompiledPattern): Fields {
  return extractFields(p.bits, p);
}
