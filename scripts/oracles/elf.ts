// A minimal ELF64 executable writer: loadable segments holding a prepared image and its data, as QEMU's
// `-kernel` loads it (at its physical address, entry at e_entry, MMU off). Format facts from the
// System V gABI and the AArch64 ELF ABI: ELFCLASS64, ELFDATA2LSB, ET_EXEC, EM_AARCH64 = 183, PT_LOAD.

const ELF_HEADER_SIZE = 64;
const PROGRAM_HEADER_SIZE = 56;
const EM_AARCH64 = 183;
const ET_EXEC = 2;
const PT_LOAD = 1;
const PF_RWX = 7;
/** Segment file offsets are page aligned, as loaders expect offset ≡ vaddr (mod alignment). */
const PAGE = 0x1000;

export interface Segment {
  /** Where the bytes go (virtual = physical address), page aligned. */
  address: bigint;
  bytes: Uint8Array;
}

const pageUp = (n: number): number => Math.ceil(n / PAGE) * PAGE;

/** The ELF64 executable of `segments` (one PT_LOAD each), starting at `entry`. */
export function writeElf64(segments: readonly Segment[], entry: bigint): Uint8Array {
  const offsets: number[] = [];
  let end = pageUp(ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE * segments.length);
  for (const s of segments) {
    if (s.address % BigInt(PAGE) !== 0n) throw new Error(`segment at 0x${s.address.toString(16)} is not page aligned`);
    offsets.push(end);
    end = pageUp(end + s.bytes.length);
  }
  const out = new Uint8Array(end);
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */], 0);
  view.setUint16(16, ET_EXEC, true);
  view.setUint16(18, EM_AARCH64, true);
  view.setUint32(20, 1, true); // e_version
  view.setBigUint64(24, entry, true);
  view.setBigUint64(32, BigInt(ELF_HEADER_SIZE), true); // e_phoff
  view.setBigUint64(40, 0n, true); // e_shoff: no section headers
  view.setUint32(48, 0, true); // e_flags
  view.setUint16(52, ELF_HEADER_SIZE, true);
  view.setUint16(54, PROGRAM_HEADER_SIZE, true);
  view.setUint16(56, segments.length, true); // e_phnum
  view.setUint16(58, 64, true); // e_shentsize
  view.setUint16(60, 0, true); // e_shnum
  view.setUint16(62, 0, true); // e_shstrndx
  segments.forEach((s, i) => {
    const ph = ELF_HEADER_SIZE + i * PROGRAM_HEADER_SIZE;
    view.setUint32(ph, PT_LOAD, true);
    view.setUint32(ph + 4, PF_RWX, true);
    view.setBigUint64(ph + 8, BigInt(offsets[i]!), true); // p_offset
    view.setBigUint64(ph + 16, s.address, true); // p_vaddr
    view.setBigUint64(ph + 24, s.address, true); // p_paddr
    view.setBigUint64(ph + 32, BigInt(s.bytes.length), true); // p_filesz
    view.setBigUint64(ph + 40, BigInt(s.bytes.length), true); // p_memsz
    view.setBigUint64(ph + 48, BigInt(PAGE), true); // p_align
    out.set(s.bytes, offsets[i]!);
  });
  return out;
}
