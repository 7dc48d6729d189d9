// A Program placed in memory: sections laid out from a load address, relocations applied, and every
// instruction decoded and compiled once for a value domain. Running it many times reuses all of this.

import type { Program, Relocation, RelocationType } from '../asm/program.ts';
import { AsmError, diagnostic, originOf } from '../asm/diagnostics.ts';
import type { Diagnostic, DiagnosticCode, Origin } from '../asm/diagnostics.ts';
import type { Domain } from '../a64/domain.ts';
import { decode } from '../a64/decode.ts';
import { disassemble } from '../a64/disassemble.ts';
import { compileInstruction } from '../a64/semantics/index.ts';
import type { Exec } from '../a64/semantics/index.ts';
import { MachineFault } from './faults.ts';

/** One instruction of the image, ready to run. */
export interface Slot<V> {
  exec: Exec<V>;
  address: bigint;
  word: number;
  /** The statement as written (after macro expansion), or objdump's text for a word without one. */
  text: string;
  origin: Origin;
}

export interface Image<V> {
  dom: Domain<V>;
  /** Load address of the first section; the PC of slot i is base + 4i. */
  base: number;
  /** Bytes of every section, relocated, at their addresses (base + offset). */
  bytes: Uint8Array;
  sections: Map<string, { address: bigint; size: number }>;
  /** Address of every symbol defined in a section, and the value of every absolute symbol. */
  symbols: Map<string, bigint>;
  /** Slots by (pc - base) / 4; undefined where no instruction was decoded yet. */
  slots: (Slot<V> | undefined)[];
  /** `_start` if defined, else the first instruction. */
  entry: bigint;
}

export interface PrepareOptions {
  /** Where the first section goes (QEMU's virt machine loads an ELF at its link address, 0x40000000). */
  base?: bigint;
}

export const DEFAULT_LOAD_ADDRESS = 0x4000_0000n;

const NO_ORIGIN: Origin = originOf('<program>');

/**
 * Lays out and relocates `program` and compiles its instructions for `dom`. Throws AsmError with a
 * coded diagnostic for a relocation that cannot be applied.
 */
export function prepareProgram<V>(program: Program, dom: Domain<V>, options: PrepareOptions = {}): Image<V> {
  const base = options.base ?? DEFAULT_LOAD_ADDRESS;
  const sections = new Map<string, { address: bigint; size: number }>();
  let end = 0;
  for (const [name, section] of program.sections) {
    const align = Math.max(section.alignment, 4);
    const at = Math.ceil(end / align) * align;
    sections.set(name, { address: base + BigInt(at), size: section.bytes.length });
    end = at + section.bytes.length;
  }
  const bytes = new Uint8Array(end);
  for (const [name, section] of program.sections) bytes.set(section.bytes, Number(sections.get(name)!.address - base));

  const symbols = new Map<string, bigint>();
  for (const [name, s] of program.symbols) {
    if (s.section === undefined) symbols.set(name, s.value);
    else if (sections.has(s.section)) symbols.set(name, sections.get(s.section)!.address + s.value);
  }
  const originAt = new Map<string, Origin>(program.instructions.map((i) => [`${i.section}:${i.offset}`, i.origin]));
  for (const r of program.relocations) applyRelocation(r, bytes, base, sections, symbols, originAt.get(`${r.section}:${r.offset}`) ?? NO_ORIGIN);

  const image: Image<V> = {
    dom,
    base: Number(base),
    bytes,
    sections,
    symbols,
    slots: new Array(Math.ceil(end / 4)).fill(undefined),
    entry: symbols.get('_start') ?? (program.instructions[0] ? sections.get(program.instructions[0].section)!.address + BigInt(program.instructions[0].offset) : base),
  };
  for (const insn of program.instructions) {
    const address = sections.get(insn.section)!.address + BigInt(insn.offset);
    image.slots[Number(address - base) / 4] = compileSlot(image, address, insn.text, insn.origin);
  }
  return image;
}

/** The slot at `pc`: compiled on first use for a word that no statement produced (data run as code). */
export function slotAt<V>(image: Image<V>, pc: number): Slot<V> | undefined {
  const i = (pc - image.base) / 4;
  const slot = image.slots[i];
  if (slot !== undefined || !Number.isInteger(i) || i < 0 || i >= image.slots.length) return slot;
  const address = BigInt(pc);
  const compiled = compileSlot(image, address, undefined, NO_ORIGIN);
  image.slots[i] = compiled;
  return compiled;
}

function wordAt(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

function compileSlot<V>(image: Image<V>, address: bigint, text: string | undefined, origin: Origin): Slot<V> {
  const word = wordAt(image.bytes, Number(address) - image.base);
  const decoded = decode(word);
  const shown = text ?? disassemble(word, address) ?? `.inst 0x${word.toString(16).padStart(8, '0')}`;
  const fail = (fault: MachineFault): Exec<V> => () => {
    throw fault;
  };
  let exec: Exec<V> | undefined;
  if (decoded === undefined) exec = fail(new MachineFault('undefined', `UNDEFINED: 0x${word.toString(16).padStart(8, '0')} is not an instruction the core decodes`));
  else {
    try {
      exec = compileInstruction(decoded, { dom: image.dom, address });
    } catch (e) {
      exec = fail(new MachineFault('unsupported', `cannot compile ${decoded.entry.id}: ${(e as Error).message}`));
    }
    exec ??= fail(new MachineFault('unsupported', `${decoded.entry.id} has no semantics in the core`));
  }
  return { exec, address, word, text: shown, origin };
}

// ------------------------------------------------------------------------------------------------
// Relocations (AArch64 ELF ABI: S + A - P, written into the instruction field or the data word)

function relocationError(code: DiagnosticCode, message: string, origin: Origin): AsmError {
  const d: Diagnostic = diagnostic(code, message, origin);
  return new AsmError(d);
}

interface InstructionField {
  /** Bits of the value to take: value >> shift, `bits` wide, signed range checked when `check`. */
  shift: number;
  bits: number;
  check: 'signed' | 'none';
  /** Where the bits go in the word: as one field at `lo`, or ADR's immlo/immhi split. */
  place: 'adr' | number;
  page?: boolean;
  absolute?: boolean;
  alignment?: number;
}

const INSTRUCTION_FIELDS: Partial<Record<RelocationType, InstructionField>> = {
  CALL26: { shift: 2, bits: 26, check: 'signed', place: 0, alignment: 4 },
  JUMP26: { shift: 2, bits: 26, check: 'signed', place: 0, alignment: 4 },
  CONDBR19: { shift: 2, bits: 19, check: 'signed', place: 5, alignment: 4 },
  LD_PREL_LO19: { shift: 2, bits: 19, check: 'signed', place: 5, alignment: 4 },
  TSTBR14: { shift: 2, bits: 14, check: 'signed', place: 5, alignment: 4 },
  ADR_PREL_LO21: { shift: 0, bits: 21, check: 'signed', place: 'adr' },
  ADR_PREL_PG_HI21: { shift: 12, bits: 21, check: 'signed', place: 'adr', page: true },
  ADD_ABS_LO12_NC: { shift: 0, bits: 12, check: 'none', place: 10, absolute: true },
  LDST8_ABS_LO12_NC: { shift: 0, bits: 12, check: 'none', place: 10, absolute: true },
  LDST16_ABS_LO12_NC: { shift: 1, bits: 11, check: 'none', place: 10, absolute: true },
  LDST32_ABS_LO12_NC: { shift: 2, bits: 10, check: 'none', place: 10, absolute: true },
  LDST64_ABS_LO12_NC: { shift: 3, bits: 9, check: 'none', place: 10, absolute: true },
  LDST128_ABS_LO12_NC: { shift: 4, bits: 8, check: 'none', place: 10, absolute: true },
};

const DATA_SIZES: Partial<Record<RelocationType, { bytes: number; relative: boolean }>> = {
  ABS64: { bytes: 8, relative: false },
  ABS32: { bytes: 4, relative: false },
  ABS16: { bytes: 2, relative: false },
  PREL32: { bytes: 4, relative: true },
};

function applyRelocation(
  r: Relocation,
  bytes: Uint8Array,
  base: bigint,
  sections: Map<string, { address: bigint }>,
  symbols: Map<string, bigint>,
  origin: Origin,
): void {
  const section = sections.get(r.section);
  if (section === undefined) throw relocationError('HL0515', `relocation in unknown section '${r.section}'`, origin);
  const S = sections.get(r.symbol)?.address ?? symbols.get(r.symbol);
  if (S === undefined) throw relocationError('HL0301', `undefined symbol '${r.symbol}' (relocation ${r.type})`, origin);
  const P = section.address + BigInt(r.offset);
  const at = Number(P - base);
  const data = DATA_SIZES[r.type];
  if (data !== undefined) {
    const value = data.relative ? S + r.addend - P : S + r.addend;
    const bits = BigInt(data.bytes * 8);
    if (data.bytes < 8 && (value < -(1n << (bits - 1n)) || value >= 1n << bits)) {
      throw relocationError('HL0403', `relocation ${r.type} against '${r.symbol}': value 0x${value.toString(16)} does not fit ${data.bytes} bytes`, origin);
    }
    let v = BigInt.asUintN(Number(bits), value);
    for (let k = 0; k < data.bytes; k++, v >>= 8n) bytes[at + k] = Number(v & 0xffn);
    return;
  }
  const field = INSTRUCTION_FIELDS[r.type]!;
  let value = field.absolute ? (S + r.addend) & 0xfffn : field.page ? ((S + r.addend) & ~0xfffn) - (P & ~0xfffn) : S + r.addend - P;
  if (field.alignment !== undefined && value % BigInt(field.alignment) !== 0n) {
    throw relocationError('HL0509', `relocation ${r.type} against '${r.symbol}': target not ${field.alignment}-byte aligned`, origin);
  }
  value >>= BigInt(field.shift);
  if (field.check === 'signed' && (value < -(1n << BigInt(field.bits - 1)) || value >= 1n << BigInt(field.bits - 1))) {
    throw relocationError('HL0509', `relocation ${r.type} against '${r.symbol}': target out of range`, origin);
  }
  const raw = Number(BigInt.asUintN(field.bits, value));
  let word = wordAt(bytes, at);
  if (field.place === 'adr') {
    word = (word & ~((3 << 29) | (0x7ffff << 5))) | ((raw & 3) << 29) | (((raw >>> 2) & 0x7ffff) << 5);
  } else {
    const mask = ((2 ** field.bits - 1) * 2 ** field.place) >>> 0;
    word = ((word & ~mask) | ((raw * 2 ** field.place) & mask)) >>> 0;
  }
  word >>>= 0;
  for (let k = 0; k < 4; k++) bytes[at + k] = (word >>> (8 * k)) & 0xff;
}
