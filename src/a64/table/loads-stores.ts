// Loads and stores: single registers (W, X, sign-extending, B/H/S/D/Q) with unsigned scaled offset,
// unscaled offset, pre-index, post-index and register offset, loads from a literal, and pairs
// (ldp/stp/ldnp/stnp/ldpsw). Entries: see ../README.md. The addressing-mode operand kinds live here.
//
// Decoded addresses (for the execution core) are `{ kind: 'mem', mode, base, ... }`:
//   mode 'offset'   [Xn|SP{, #offset}]          base, offset (bytes, already scaled)
//   mode 'pre'      [Xn|SP, #offset]!           base, offset; the base is written back
//   mode 'post'     [Xn|SP], #offset            base; the offset is the next operand ({ kind: 'imm' })
//   mode 'register' [Xn|SP, Rm{, extend #amt}]  base, index (register number), indexWidth (32|64),
//                                               extend ('lsl'|'uxtw'|'sxtw'|'sxtx'), shift (bits)

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { EntrySpec, ExtendType, OperandEnv, OperandSpec, OperandValue } from '../entry.ts';
import { OperandError } from '../entry.ts';
import type { Fields } from '../pattern.ts';
import type { RelocationType } from '../../asm/program.ts';
import { gprByName, gprText } from '../registers.ts';
import { PLACE_AS_OFFSET, absoluteImmediate, gpr, imm, label, signExtend } from '../operands.ts';

export interface MemoryOperand {
  kind: 'mem';
  mode: 'offset' | 'pre' | 'post' | 'register';
  base: number;
  offset?: bigint;
  index?: number;
  indexWidth?: 32 | 64;
  extend?: 'lsl' | 'uxtw' | 'sxtw' | 'sxtx';
  /** Register offset: the index is shifted left by this many bits (0 or log2 of the access size). */
  shift?: number;
  /** Register offset: the S bit (for byte accesses it only records that `#0` was written). */
  explicit?: boolean;
}

type Mem = Extract<OperandValue, { kind: 'mem' }> & MemoryOperand;
type VReg = Extract<OperandValue, { kind: 'vreg' }>;

const mismatch = (message: string): OperandError => new OperandError('HL0502', message);

// ------------------------------------------------------------------------------------------------
// SIMD&FP registers as transfer registers

const VREG_LETTER = { 1: 'b', 2: 'h', 4: 's', 8: 'd', 16: 'q' } as const;
type VBytes = keyof typeof VREG_LETTER;
const VREG_SHAPE = { 1: 'B', 2: 'H', 4: 'S', 8: 'D', 16: 'Q' } as const;

/** `Bt`/`Ht`/`St`/`Dt`/`Qt`: a SIMD&FP register of one view. */
export function vectorRegister(field: string, bytes: VBytes): OperandSpec<VReg> {
  const letter = VREG_LETTER[bytes];
  return {
    kind: `<${letter.toUpperCase()}t>`,
    shape: VREG_SHAPE[bytes],
    parse(text, env) {
      if (text === undefined) throw mismatch('missing register');
      const name = env.registerName(text.trim());
      const m = name === undefined ? null : /^([bhsdq])([0-9]|[12][0-9]|3[01])$/.exec(name);
      if (m === null) throw mismatch(`expected a SIMD&FP register ${letter}0..${letter}31, found '${text.trim()}'`);
      if (m[1] !== letter) throw new OperandError('HL0513', `'${name}' is not a ${letter.toUpperCase()} register (this form transfers ${bytes} bytes)`);
      return { kind: 'vreg', n: Number(m[2]), bytes };
    },
    encode(value, f) {
      f[field] = value.n;
    },
    decode: (f) => ({ kind: 'vreg', n: f[field]!, bytes }),
    print: (v) => `${letter}${v.n}`,
    arbitrary: () => fc.integer({ min: 0, max: 31 }).map((n): VReg => ({ kind: 'vreg', n, bytes })),
  };
}

// ------------------------------------------------------------------------------------------------
// Address syntax

interface AddressText {
  parts: string[];
  writeback: boolean;
}

/** Splits at commas outside parentheses: `x1, #(8*2)` -> ['x1', '#(8*2)']. */
function splitAtCommas(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** `[x1, #8]!` -> parts ['x1', '#8'], writeback; undefined when the text is not a bracketed address. */
function splitAddress(text: string): AddressText | undefined {
  const m = /^\[([^\[\]]*)\]\s*(!?)$/.exec(text.trim());
  if (m === null) return undefined;
  const parts = splitAtCommas(m[1]!);
  if (parts.length === 0 || parts.some((p) => p === '')) return undefined;
  return { parts, writeback: m[2] === '!' };
}

function requireAddress(text: string | undefined): AddressText {
  if (text === undefined) throw mismatch('missing address');
  const a = splitAddress(text);
  if (a === undefined) throw mismatch(`expected an address [Xn|SP, ...], found '${text.trim()}'`);
  return a;
}

/** The base register: a 64-bit general-purpose register or SP (31 means SP here). */
function parseBase(text: string, env: OperandEnv): number {
  const name = env.registerName(text);
  const reg = name === undefined ? undefined : gprByName(name);
  if (reg === undefined) throw mismatch(`expected a base register, found '${text.trim()}'`);
  if (reg.width !== 64 || reg.zr) throw new OperandError('HL0508', `base register must be a 64-bit register or SP, found '${name}'`);
  return reg.n;
}

const baseText = (n: number): string => gprText(n, 64, true);

/** An offset expression, or `:lo12:sym` (GNU as's LDST*_ABS_LO12_NC relocation, for unsigned offsets). */
function parseOffset(text: string, env: OperandEnv, lo12: RelocationType | undefined): bigint {
  const body = text.trim().replace(/^#/, '').trim();
  const m = /^:lo12:(.*)$/i.exec(body);
  if (m === null) return absoluteImmediate(text, env, PLACE_AS_OFFSET);
  if (lo12 === undefined) throw mismatch(':lo12: is only allowed with an unsigned offset');
  const value = env.evaluate(m[1]!);
  if (value.kind === 'absolute') return value.value & 0xfffn;
  env.relocation = { type: lo12, symbol: value.symbol, addend: value.offset };
  return 0n;
}

function signedRange(bits: number, scale: number): { min: bigint; max: bigint } {
  return { min: -(1n << BigInt(bits - 1)) * BigInt(scale), max: ((1n << BigInt(bits - 1)) - 1n) * BigInt(scale) };
}

/** Offset checks shared by the immediate forms: misalignment is HL0504, range HL0503. */
function checkOffset(offset: bigint, min: bigint, max: bigint, scale: number): void {
  if (offset % BigInt(scale) !== 0n && offset >= min && offset <= max) {
    throw new OperandError('HL0504', `offset ${offset} is not a multiple of ${scale}`);
  }
  if (offset < min || offset > max || offset % BigInt(scale) !== 0n) {
    throw new OperandError('HL0503', `offset ${offset} out of range ${min}..${max}${scale > 1 ? ` (multiples of ${scale})` : ''}`);
  }
}

const baseArbitrary = (): Arbitrary<number> => fc.integer({ min: 0, max: 31 });

function offsetArbitrary(min: bigint, max: bigint, scale: number): Arbitrary<bigint> {
  const s = BigInt(scale);
  return fc.bigInt(min / s, max / s).map((u) => u * s);
}

// ------------------------------------------------------------------------------------------------
// Addressing-mode kinds

export interface ImmediateOffsetOptions {
  /** The offset field (imm12, imm9, imm7); `Rn` holds the base. */
  field: string;
  bits: number;
  signed: boolean;
  /** Bytes per unit of the field (the access size for scaled forms, 1 for unscaled). */
  scale: number;
  /** Unsigned scaled offsets accept `:lo12:sym` with this relocation. */
  lo12?: RelocationType;
  /**
   * An unscaled form (ldur/stur) takes offsets this form cannot: such an offset is only "not this
   * form" here (HL0502), so that assembly goes on to the ldur/stur row, as GNU as does.
   */
  unscaledFallback?: boolean;
}

/** `[Xn|SP{, #imm}]`: unsigned scaled (ldr), unscaled signed (ldur) and signed scaled (ldp) offsets. */
export function offsetAddress(o: ImmediateOffsetOptions): OperandSpec<Mem> {
  const { min, max } = o.signed ? signedRange(o.bits, o.scale) : { min: 0n, max: ((1n << BigInt(o.bits)) - 1n) * BigInt(o.scale) };
  return {
    kind: '[<Xn|SP>{, #<imm>}]',
    shape: 'address',
    parse(text, env) {
      const a = requireAddress(text);
      if (a.writeback) throw mismatch('pre-indexed address');
      if (a.parts.length > 2) throw mismatch('register-offset address');
      const base = parseBase(a.parts[0]!, env);
      const offsetText = a.parts[1];
      if (offsetText !== undefined && env.registerName(offsetText) !== undefined) throw mismatch('register-offset address');
      const offset = offsetText === undefined ? 0n : parseOffset(offsetText, env, o.lo12);
      return { kind: 'mem', mode: 'offset', base, offset };
    },
    encode(value, f) {
      const offset = value.offset!;
      if (o.unscaledFallback && (offset < min || offset > max || offset % BigInt(o.scale) !== 0n) && offset >= -256n && offset <= 255n) {
        throw mismatch(`offset ${offset} needs the unscaled form`);
      }
      checkOffset(offset, min, max, o.scale);
      f.Rn = value.base;
      f[o.field] = Number(BigInt.asUintN(o.bits, offset / BigInt(o.scale)));
    },
    decode(f) {
      const raw = o.signed ? signExtend(f[o.field]!, o.bits) : BigInt(f[o.field]!);
      return { kind: 'mem', mode: 'offset', base: f.Rn!, offset: raw * BigInt(o.scale) };
    },
    print: (v) => (v.offset === 0n ? `[${baseText(v.base)}]` : `[${baseText(v.base)}, #${v.offset}]`),
    arbitrary: () =>
      fc.record({ base: baseArbitrary(), offset: offsetArbitrary(min, max, o.scale) }).map(({ base, offset }): Mem => ({ kind: 'mem', mode: 'offset', base, offset })),
  };
}

/** `[Xn|SP, #imm]!`: pre-index with a signed (scaled) offset, written back to the base. */
export function preIndexAddress(o: { field: string; bits: number; scale: number }): OperandSpec<Mem> {
  const { min, max } = signedRange(o.bits, o.scale);
  return {
    kind: '[<Xn|SP>, #<simm>]!',
    shape: 'address',
    parse(text, env) {
      const a = requireAddress(text);
      if (!a.writeback) throw mismatch('not a pre-indexed address');
      if (a.parts.length !== 2) throw mismatch('a pre-indexed address needs exactly a base and an offset');
      const base = parseBase(a.parts[0]!, env);
      if (env.registerName(a.parts[1]!) !== undefined) throw mismatch('register offsets cannot be pre-indexed');
      return { kind: 'mem', mode: 'pre', base, offset: absoluteImmediate(a.parts[1]!, env, PLACE_AS_OFFSET) };
    },
    encode(value, f) {
      checkOffset(value.offset!, min, max, o.scale);
      f.Rn = value.base;
      f[o.field] = Number(BigInt.asUintN(o.bits, value.offset! / BigInt(o.scale)));
    },
    decode: (f) => ({ kind: 'mem', mode: 'pre', base: f.Rn!, offset: signExtend(f[o.field]!, o.bits) * BigInt(o.scale) }),
    print: (v) => `[${baseText(v.base)}, #${v.offset}]!`,
    arbitrary: () =>
      fc.record({ base: baseArbitrary(), offset: offsetArbitrary(min, max, o.scale) }).map(({ base, offset }): Mem => ({ kind: 'mem', mode: 'pre', base, offset })),
  };
}

/** `[Xn|SP]` of a post-indexed access; the offset is the next operand (`postIndexOffset`). */
export function postIndexBase(): OperandSpec<Mem> {
  return {
    kind: '[<Xn|SP>]',
    shape: 'address',
    parse(text, env) {
      const a = requireAddress(text);
      if (a.writeback || a.parts.length !== 1) throw mismatch('not a post-indexed base');
      return { kind: 'mem', mode: 'post', base: parseBase(a.parts[0]!, env) };
    },
    encode(value, f) {
      f.Rn = value.base;
    },
    decode: (f) => ({ kind: 'mem', mode: 'post', base: f.Rn! }),
    print: (v) => `[${baseText(v.base)}]`,
    arbitrary: () => baseArbitrary().map((base): Mem => ({ kind: 'mem', mode: 'post', base })),
  };
}

/** `#<simm>` after a post-indexed base. */
export function postIndexOffset(o: { field: string; bits: number; scale: number }): OperandSpec<Extract<OperandValue, { kind: 'imm' }>> {
  return imm(o.field, { bits: o.bits, signed: true, scale: o.scale, style: 'dec', what: 'post-index offset', placeAsOffset: true });
}

const REGISTER_EXTENDS: Record<number, 'lsl' | 'uxtw' | 'sxtw' | 'sxtx'> = { 2: 'uxtw', 3: 'lsl', 6: 'sxtw', 7: 'sxtx' };

/**
 * `[Xn|SP, Xm|Wm{, lsl|uxtw|sxtw|sxtx {#amount}}]` (fields Rn, Rm, option, S). The amount is 0 or
 * log2 of the access size; for byte accesses S records whether `#0` was written (objdump prints it).
 */
export function registerOffsetAddress(sizeLog2: number): OperandSpec<Mem> {
  return {
    kind: '[<Xn|SP>, <R><m>{, <extend> {#<amount>}}]',
    shape: 'address',
    parse(text, env) {
      const a = requireAddress(text);
      if (a.writeback) throw mismatch('register offsets cannot be pre-indexed');
      if (a.parts.length < 2 || a.parts.length > 3) throw mismatch('not a register-offset address');
      const base = parseBase(a.parts[0]!, env);
      const indexName = env.registerName(a.parts[1]!);
      const index = indexName === undefined ? undefined : gprByName(indexName);
      if (index === undefined) throw mismatch('not a register-offset address');
      if (index.sp) throw new OperandError('HL0508', `index register cannot be '${indexName}'`);
      let extend: MemoryOperand['extend'] = index.width === 64 ? 'lsl' : undefined;
      let shift = 0;
      let explicitAmount = false;
      const extendText = a.parts[2];
      if (extendText !== undefined) {
        const m = /^([A-Za-z]+)(?:\s+(.+))?$/.exec(extendText.trim());
        const op = m?.[1]?.toLowerCase();
        if (op !== 'lsl' && op !== 'uxtw' && op !== 'sxtw' && op !== 'sxtx') throw mismatch(`invalid extend '${extendText.trim()}' for a register offset`);
        extend = op;
        if (m![2] === undefined && op === 'lsl') throw mismatch('missing shift amount after lsl');
        if (m![2] !== undefined) {
          const amount = absoluteImmediate(m![2], env);
          if (amount !== 0n && amount !== BigInt(sizeLog2)) {
            throw new OperandError('HL0503', `shift amount ${amount} must be 0${sizeLog2 > 0 ? ` or ${sizeLog2}` : ''}`);
          }
          shift = Number(amount);
          explicitAmount = true;
        }
      }
      if (extend === undefined) throw new OperandError('HL0513', `a 32-bit index register needs uxtw or sxtw`);
      const wantsW = extend === 'uxtw' || extend === 'sxtw';
      if (wantsW !== (index.width === 32)) {
        throw new OperandError('HL0513', `${extend} takes a ${wantsW ? 'W' : 'X'} index register, found '${indexName}'`);
      }
      // S = 1 means "shifted by the access size"; for bytes it records an explicit #0.
      const s = sizeLog2 === 0 ? explicitAmount : shift === sizeLog2 && shift > 0;
      return { kind: 'mem', mode: 'register', base, index: index.n, indexWidth: index.width, extend, shift: s ? sizeLog2 : 0, explicit: s };
    },
    encode(value, f) {
      f.Rn = value.base;
      f.Rm = value.index!;
      f.option = Number(Object.entries(REGISTER_EXTENDS).find(([, e]) => e === value.extend)![0]);
      f.S = value.explicit === true || (value.shift ?? 0) > 0 ? 1 : 0;
    },
    decode(f) {
      const extend = REGISTER_EXTENDS[f.option!];
      if (extend === undefined) return undefined;
      const indexWidth = (f.option! & 1) === 1 ? 64 : 32;
      return { kind: 'mem', mode: 'register', base: f.Rn!, index: f.Rm!, indexWidth, extend, shift: f.S ? sizeLog2 : 0, explicit: f.S === 1 };
    },
    print(v) {
      const head = `[${baseText(v.base)}, ${gprText(v.index!, v.indexWidth!, false)}`;
      const amount = v.explicit === true ? ` #${v.shift}` : '';
      if (v.extend === 'lsl') return v.explicit === true ? `${head}, lsl${amount}]` : `${head}]`;
      return `${head}, ${v.extend}${amount}]`;
    },
    arbitrary: () =>
      fc
        .record({ base: baseArbitrary(), index: fc.integer({ min: 0, max: 31 }), option: fc.constantFrom(2, 3, 6, 7), s: fc.boolean() })
        .map(({ base, index, option, s }): Mem => ({
          kind: 'mem',
          mode: 'register',
          base,
          index,
          indexWidth: (option & 1) === 1 ? 64 : 32,
          extend: REGISTER_EXTENDS[option]!,
          shift: s ? sizeLog2 : 0,
          explicit: s,
        })),
  };
}

// ------------------------------------------------------------------------------------------------
// The transfer registers of each access

type Transfer = { kind: 'w' } | { kind: 'x' } | { kind: 'v'; bytes: VBytes };

function transfer(t: Transfer, field: string): OperandSpec<any> {
  if (t.kind === 'v') return vectorRegister(field, t.bytes);
  return gpr(field, { width: t.kind === 'x' ? 64 : 32 });
}

const W: Transfer = { kind: 'w' };
const X: Transfer = { kind: 'x' };
const V = (bytes: VBytes): Transfer => ({ kind: 'v', bytes });

const LDST_LO12: Record<number, RelocationType> = {
  0: 'LDST8_ABS_LO12_NC',
  1: 'LDST16_ABS_LO12_NC',
  2: 'LDST32_ABS_LO12_NC',
  3: 'LDST64_ABS_LO12_NC',
  4: 'LDST128_ABS_LO12_NC',
};

// ------------------------------------------------------------------------------------------------
// Single-register loads and stores

interface SingleAccess {
  /** ldr, strb, ldrsw, ...; the unscaled mnemonic is derived (ldur, sturb, ldursw). */
  mnemonic: string;
  /** Id stem after the Arm ARM (`LDR_64`, `LDRSB_32`, `STR_Q`). */
  id: string;
  size: number;
  v: 0 | 1;
  opc: number;
  rt: Transfer;
}

/** log2 of the bytes accessed: `size`, except for Q (V = 1, opc = 1x). */
function accessLog2(a: SingleAccess): number {
  return a.v === 1 && a.opc >= 2 ? 4 : a.size;
}

const SINGLE_ACCESSES: SingleAccess[] = [
  { mnemonic: 'strb', id: 'STRB_32', size: 0, v: 0, opc: 0, rt: W },
  { mnemonic: 'ldrb', id: 'LDRB_32', size: 0, v: 0, opc: 1, rt: W },
  { mnemonic: 'ldrsb', id: 'LDRSB_64', size: 0, v: 0, opc: 2, rt: X },
  { mnemonic: 'ldrsb', id: 'LDRSB_32', size: 0, v: 0, opc: 3, rt: W },
  { mnemonic: 'strh', id: 'STRH_32', size: 1, v: 0, opc: 0, rt: W },
  { mnemonic: 'ldrh', id: 'LDRH_32', size: 1, v: 0, opc: 1, rt: W },
  { mnemonic: 'ldrsh', id: 'LDRSH_64', size: 1, v: 0, opc: 2, rt: X },
  { mnemonic: 'ldrsh', id: 'LDRSH_32', size: 1, v: 0, opc: 3, rt: W },
  { mnemonic: 'str', id: 'STR_32', size: 2, v: 0, opc: 0, rt: W },
  { mnemonic: 'ldr', id: 'LDR_32', size: 2, v: 0, opc: 1, rt: W },
  { mnemonic: 'ldrsw', id: 'LDRSW_64', size: 2, v: 0, opc: 2, rt: X },
  { mnemonic: 'str', id: 'STR_64', size: 3, v: 0, opc: 0, rt: X },
  { mnemonic: 'ldr', id: 'LDR_64', size: 3, v: 0, opc: 1, rt: X },
  { mnemonic: 'str', id: 'STR_B', size: 0, v: 1, opc: 0, rt: V(1) },
  { mnemonic: 'ldr', id: 'LDR_B', size: 0, v: 1, opc: 1, rt: V(1) },
  { mnemonic: 'str', id: 'STR_H', size: 1, v: 1, opc: 0, rt: V(2) },
  { mnemonic: 'ldr', id: 'LDR_H', size: 1, v: 1, opc: 1, rt: V(2) },
  { mnemonic: 'str', id: 'STR_S', size: 2, v: 1, opc: 0, rt: V(4) },
  { mnemonic: 'ldr', id: 'LDR_S', size: 2, v: 1, opc: 1, rt: V(4) },
  { mnemonic: 'str', id: 'STR_D', size: 3, v: 1, opc: 0, rt: V(8) },
  { mnemonic: 'ldr', id: 'LDR_D', size: 3, v: 1, opc: 1, rt: V(8) },
  { mnemonic: 'str', id: 'STR_Q', size: 0, v: 1, opc: 2, rt: V(16) },
  { mnemonic: 'ldr', id: 'LDR_Q', size: 0, v: 1, opc: 3, rt: V(16) },
];

/** Writeback to a base register that the access also transfers (Rn = 31 is SP, never a transfer register). */
function writebackOverlap(transferFields: string[]): (f: Fields) => string | undefined {
  return (f) => (f.Rn !== 31 && transferFields.some((t) => f[t] === f.Rn) ? 'writeback to a base register that is also transferred' : undefined);
}

const bin = (value: number, width: number): string => value.toString(2).padStart(width, '0');

function unscaledMnemonic(mnemonic: string): string {
  return mnemonic.replace(/^(ld|st)r/, '$1ur');
}

function singleAccessEntries(a: SingleAccess): EntrySpec[] {
  const log2 = accessLog2(a);
  const scale = 1 << log2;
  const head = `size=${bin(a.size, 2)} 111 V=${a.v} 00 opc=${bin(a.opc, 2)}`;
  const rt = transfer(a.rt, 'Rt');
  const unscaledId = `${a.id.replace(/^(LD|ST)R/, '$1UR')}_ldst_unscaled`;
  const unscaled: EntrySpec = {
    id: unscaledId,
    mnemonic: unscaledMnemonic(a.mnemonic),
    pattern: `${head} 0 imm9:9 00 Rn:5 Rt:5`,
    operands: [rt, offsetAddress({ field: 'imm9', bits: 9, signed: true, scale: 1 })],
  };
  return [
    {
      id: `${a.id}_ldst_pos`,
      mnemonic: a.mnemonic,
      pattern: `size=${bin(a.size, 2)} 111 V=${a.v} 01 opc=${bin(a.opc, 2)} imm12:12 Rn:5 Rt:5`,
      operands: [rt, offsetAddress({ field: 'imm12', bits: 12, signed: false, scale, lo12: LDST_LO12[log2], unscaledFallback: true })],
    },
    {
      // GNU as writes `ldr x0, [x1, #-8]` (an offset the scaled form cannot take) as ldur.
      id: `${a.id}_ldst_pos_as_unscaled`,
      mnemonic: a.mnemonic,
      pattern: unscaled.pattern,
      operands: unscaled.operands,
      aliasOf: unscaledId,
      prefer: () => false,
      noGenerate: 'objdump always prints the unscaled encoding as ldur/stur',
    },
    unscaled,
    {
      id: `${a.id}_ldst_immpre`,
      mnemonic: a.mnemonic,
      pattern: `${head} 0 imm9:9 11 Rn:5 Rt:5`,
      operands: [rt, preIndexAddress({ field: 'imm9', bits: 9, scale: 1 })],
      unpredictable: a.v === 0 ? writebackOverlap(['Rt']) : undefined,
    },
    {
      id: `${a.id}_ldst_immpost`,
      mnemonic: a.mnemonic,
      pattern: `${head} 0 imm9:9 01 Rn:5 Rt:5`,
      operands: [rt, postIndexBase(), postIndexOffset({ field: 'imm9', bits: 9, scale: 1 })],
      unpredictable: a.v === 0 ? writebackOverlap(['Rt']) : undefined,
    },
    {
      id: `${a.id}_ldst_regoff`,
      mnemonic: a.mnemonic,
      pattern: `${head} 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5`,
      operands: [rt, registerOffsetAddress(log2)],
    },
  ];
}

// ------------------------------------------------------------------------------------------------
// Loads from a PC-relative literal

const LITERAL_LOADS: { mnemonic: string; id: string; opc: number; v: 0 | 1; rt: Transfer }[] = [
  { mnemonic: 'ldr', id: 'LDR_32_loadlit', opc: 0, v: 0, rt: W },
  { mnemonic: 'ldr', id: 'LDR_64_loadlit', opc: 1, v: 0, rt: X },
  { mnemonic: 'ldrsw', id: 'LDRSW_64_loadlit', opc: 2, v: 0, rt: X },
  { mnemonic: 'ldr', id: 'LDR_S_loadlit', opc: 0, v: 1, rt: V(4) },
  { mnemonic: 'ldr', id: 'LDR_D_loadlit', opc: 1, v: 1, rt: V(8) },
  { mnemonic: 'ldr', id: 'LDR_Q_loadlit', opc: 2, v: 1, rt: V(16) },
];

function literalEntry(l: (typeof LITERAL_LOADS)[number]): EntrySpec {
  return {
    id: l.id,
    mnemonic: l.mnemonic,
    pattern: `opc=${bin(l.opc, 2)} 011 V=${l.v} 00 imm19:19 Rt:5`,
    operands: [transfer(l.rt, 'Rt'), label({ bits: 19, scale: 4, relocation: 'LD_PREL_LO19', field: 'imm19' })],
  };
}

// ------------------------------------------------------------------------------------------------
// Pairs

interface PairAccess {
  mnemonic: string;
  id: string;
  opc: number;
  v: 0 | 1;
  l: 0 | 1;
  rt: Transfer;
  scale: number;
  /** ldnp/stnp: only the signed-offset form exists. */
  nonTemporal: boolean;
}

function pairs(): PairAccess[] {
  const out: PairAccess[] = [];
  const kinds: { suffix: string; opc: number; v: 0 | 1; rt: Transfer; scale: number }[] = [
    { suffix: '32', opc: 0, v: 0, rt: W, scale: 4 },
    { suffix: '64', opc: 2, v: 0, rt: X, scale: 8 },
    { suffix: 'S', opc: 0, v: 1, rt: V(4), scale: 4 },
    { suffix: 'D', opc: 1, v: 1, rt: V(8), scale: 8 },
    { suffix: 'Q', opc: 2, v: 1, rt: V(16), scale: 16 },
  ];
  for (const nonTemporal of [false, true]) {
    for (const k of kinds) {
      for (const l of [0, 1] as const) {
        const base = nonTemporal ? (l ? 'LDNP' : 'STNP') : l ? 'LDP' : 'STP';
        out.push({ mnemonic: base.toLowerCase(), id: `${base}_${k.suffix}`, opc: k.opc, v: k.v, l, rt: k.rt, scale: k.scale, nonTemporal });
      }
    }
  }
  out.push({ mnemonic: 'ldpsw', id: 'LDPSW_64', opc: 1, v: 0, l: 1, rt: X, scale: 4, nonTemporal: false });
  return out;
}

function pairEntries(p: PairAccess): EntrySpec[] {
  const head = (mode: string): string => `opc=${bin(p.opc, 2)} 101 V=${p.v} ${mode} L=${p.l} imm7:7 Rt2:5 Rn:5 Rt:5`;
  const regs = [transfer(p.rt, 'Rt'), transfer(p.rt, 'Rt2')];
  const offset = { field: 'imm7', bits: 7, scale: p.scale };
  const pairLoad = (f: Fields): string | undefined => (p.l === 1 && f.Rt === f.Rt2 ? 'load pair into one register' : undefined);
  const withWriteback = (f: Fields): string | undefined => pairLoad(f) ?? (p.v === 0 ? writebackOverlap(['Rt', 'Rt2'])(f) : undefined);
  if (p.nonTemporal) {
    return [
      { id: `${p.id}_ldstnapair_offs`, mnemonic: p.mnemonic, pattern: head('000'), operands: [...regs, offsetAddress({ ...offset, signed: true })], unpredictable: pairLoad },
    ];
  }
  return [
    { id: `${p.id}_ldstpair_off`, mnemonic: p.mnemonic, pattern: head('010'), operands: [...regs, offsetAddress({ ...offset, signed: true })], unpredictable: pairLoad },
    { id: `${p.id}_ldstpair_pre`, mnemonic: p.mnemonic, pattern: head('011'), operands: [...regs, preIndexAddress(offset)], unpredictable: withWriteback },
    {
      id: `${p.id}_ldstpair_post`,
      mnemonic: p.mnemonic,
      pattern: head('001'),
      operands: [...regs, postIndexBase(), postIndexOffset(offset)],
      unpredictable: withWriteback,
    },
  ];
}

export const loadsStores: EntrySpec[] = [
  ...SINGLE_ACCESSES.flatMap(singleAccessEntries),
  ...LITERAL_LOADS.map(literalEntry),
  ...pairs().flatMap(pairEntries),
];

/** For the execution core: the access size in bytes of a load/store row's fields. */
export function accessBytes(fields: Fields): number {
  if ('imm7' in fields) {
    const v = fields.V ?? 0;
    return v === 1 ? 4 << fields.opc! : fields.opc === 2 ? 8 : 4;
  }
  return 1 << (fields.V === 1 && fields.opc! >= 2 ? 4 : fields.size!);
}

export type { ExtendType };
