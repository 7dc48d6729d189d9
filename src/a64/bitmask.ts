// Logical (bitmask) immediates: DecodeBitMasks from the Arm ARM, and its inverse. A bitmask immediate
// is a run of ones, rotated, replicated across the register in elements of 2, 4, ..., 64 bits.

const ONES64 = (1n << 64n) - 1n;

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

function highestSetBit(x: number, width: number): number {
  for (let i = width - 1; i >= 0; i--) if ((x >> i) & 1) return i;
  return -1;
}

function rotateRight(x: bigint, shift: number, esize: number): bigint {
  if (shift === 0) return x;
  const mask = ones(esize);
  return ((x >> BigInt(shift)) | (x << BigInt(esize - shift))) & mask;
}

function replicate(element: bigint, esize: number, datasize: number): bigint {
  let out = 0n;
  for (let i = 0; i < datasize; i += esize) out |= element << BigInt(i);
  return out;
}

/** DecodeBitMasks(N, imms, immr, immediate=TRUE) for a register of `datasize` bits: the wmask, or
 *  undefined when the fields are reserved (no element size, or an all-ones element). */
export function decodeBitMasks(n: number, imms: number, immr: number, datasize: 32 | 64): bigint | undefined {
  const len = highestSetBit((n << 6) | (~imms & 0x3f), 7);
  if (len < 1) return undefined;
  const esize = 1 << len;
  if (esize > datasize) return undefined;
  const levels = esize - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return undefined; // an all-ones element is reserved for the immediate form
  const welem = ones(s + 1);
  return replicate(rotateRight(welem, r, esize), esize, datasize);
}

/** The N:immr:imms encoding of `value` as a `datasize`-bit bitmask immediate, if it has one. */
export function encodeBitMask(value: bigint, datasize: 32 | 64): { n: number; immr: number; imms: number } | undefined {
  const full = datasize === 64 ? ONES64 : ones(32);
  value &= full;
  if (value === 0n || value === full) return undefined;
  // The smallest element size whose replication gives the value.
  let esize: number = datasize;
  while (esize > 2) {
    const half = esize / 2;
    const lo = value & ones(half);
    if (replicate(lo, half, datasize) !== value) break;
    esize = half;
  }
  const elem = value & ones(esize);
  // Rotate the element until it is a run of ones starting at bit 0: the rotation is immr.
  for (let r = 0; r < esize; r++) {
    const rotatedLeft = rotateRight(elem, (esize - r) % esize, esize); // elem ROL r
    const run = rotatedLeft + 1n;
    if ((run & rotatedLeft) === 0n) {
      // rotatedLeft = ones(s+1); elem = ROR(ones(s+1), r)
      const s = rotatedLeft.toString(2).length - 1;
      const n = esize === 64 ? 1 : 0;
      const imms = ((~(esize * 2 - 1) & 0x3f) | s) & 0x3f;
      return { n, immr: r, imms };
    }
  }
  return undefined;
}
