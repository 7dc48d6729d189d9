// The operand-kind table: every kind of A64 operand (registers with their ZR/SP rules, immediates with
// range, scale and sign, shifts, extends, conditions, bitmask immediates, PC-relative targets, named
// options) with its parse, encode, decode, print and generate functions. Table entries bind kinds to
// pattern fields; see README.md for how to add a kind.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { ExprValue } from './context.ts';
import type { RelocationType } from '../asm/program.ts';
import { OperandError } from './entry.ts';
import type { ExtendType, OperandEnv, OperandSpec, OperandValue, ShiftType } from './entry.ts';
import type { Fields } from './pattern.ts';
import { gprByName, gprText } from './registers.ts';
import type { GprName } from './registers.ts';
import { conditionByName, conditionName, conditionOtherNames, invertCondition } from './conditions.ts';
import { decodeBitMasks, encodeBitMask } from './bitmask.ts';
import { barrierOptionByName, barrierOptionText } from './sysops.ts';
import type { BarrierMnemonic } from './sysops.ts';

type Reg = Extract<OperandValue, { kind: 'reg' }>;
type Imm = Extract<OperandValue, { kind: 'imm' }>;
type Shift = Extract<OperandValue, { kind: 'shift' }>;
type Extend = Extract<OperandValue, { kind: 'extend' }>;
type Cond = Extract<OperandValue, { kind: 'cond' }>;
type Label = Extract<OperandValue, { kind: 'label' }>;
type Named = Extract<OperandValue, { kind: 'name' }>;

const mismatch = (message: string): OperandError => new OperandError('HL0502', message);

// ------------------------------------------------------------------------------------------------
// Shared helpers: immediates, numbers, text

export function signExtend(value: number | bigint, bits: number): bigint {
  const v = BigInt(value) & ((1n << BigInt(bits)) - 1n);
  return v >= 1n << BigInt(bits - 1) ? v - (1n << BigInt(bits)) : v;
}

export function hex(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

/** Text of an immediate without its `#`, or undefined when it is not one (nothing, a register, an address). */
export function immediateBody(text: string, env: OperandEnv): string | undefined {
  const t = text.trim();
  const body = t.startsWith('#') ? t.slice(1).trim() : t;
  if (body === '' || body.startsWith('[') || env.registerName(body) !== undefined) return undefined;
  return body;
}

/** immediateBody, or the mismatch that says what was found instead. */
function immediateText(text: string, env: OperandEnv): string {
  const body = immediateBody(text, env);
  if (body !== undefined) return body;
  const t = text.trim();
  const found = t.startsWith('#') ? t.slice(1).trim() : t;
  throw mismatch(env.registerName(found) !== undefined ? `expected an immediate, found register '${found}'` : 'expected an immediate');
}

/** How an immediate operand takes a place (a label, a section name) instead of a number. */
export interface ImmediateRule {
  /**
   * GNU as 2.40 carries this immediate in a fixup (add/sub, mov and movz/movn/movk, logical, load/store
   * offsets, the imm16 of svc/hvc/brk/udf...): a defined place stands for its offset (see numberOf).
   * Elsewhere (shift amounts, bitfields, tbz bits, ccmp, hint, barriers, sys) it wants a constant.
   */
  placeAsOffset?: boolean;
  /** What the immediate must be, for the message about an undefined symbol. */
  requirement?: string;
}

/** Evaluates an immediate (`#expr` or `expr`) that must be a number, as `rule` says. */
export function absoluteImmediate(text: string, env: OperandEnv, rule: ImmediateRule = {}): bigint {
  return numberOf(env.evaluate(immediateText(text, env)), text.trim(), env, rule);
}

/**
 * The number an expression gives where an instruction needs one. A place is a number only where GNU
 * as 2.40 fixes the immediate up (`add x0, x0, lab`, `mov x1, .text`, `ldr x2, [x3, #lab]`): the fixup
 * has no ELF relocation, so GNU as writes the value it has, the offset in the section for a local
 * symbol and the addend alone for a global one, and tells the linker nothing. hyplab writes the same
 * bytes and warns. An undefined symbol has no value at all (the assembler names it: HL0301).
 */
function numberOf(value: ExprValue, text: string, env: OperandEnv, rule: ImmediateRule = {}): bigint {
  if (value.kind === 'absolute') return value.value;
  if (value.section === undefined) throw new OperandError('HL0305', `immediate '${text}' must be ${rule.requirement ?? 'an absolute expression'}`);
  if (!rule.placeAsOffset) throw new OperandError('HL0305', `immediate '${text}' is a place; this operand needs a constant (GNU as: constant expression required)`);
  env.warn?.(
    'HL0305',
    `'${text.replace(/^#\s*/, '')}' is a place, used as an immediate: GNU as encodes its offset in its section (for a global symbol the addend alone) and emits no relocation`,
  );
  return value.offset;
}

/** The rule of the immediates GNU as fixes up. */
export const PLACE_AS_OFFSET: ImmediateRule = { placeAsOffset: true };

function checkRange(value: bigint, min: bigint, max: bigint, what: string): void {
  if (value < min || value > max) {
    throw new OperandError('HL0503', `${what} ${value} out of range ${min}..${max}`);
  }
}

/** `lsl #3`, `uxtw`, `lsl 12` -> the operator and the amount text (undefined when absent). */
function operatorAndAmount(text: string): { op: string; amount: string | undefined } | undefined {
  const m = /^([A-Za-z]+)(?:\s+(.*))?$/.exec(text.trim());
  if (!m) return undefined;
  return { op: m[1]!.toLowerCase(), amount: m[2] };
}

const bits = (width: number): Arbitrary<number> => fc.integer({ min: 0, max: 2 ** width - 1 });

// ------------------------------------------------------------------------------------------------
// General-purpose registers

export interface GprOptions {
  width: 32 | 64;
  /** Number 31 is the stack pointer (`<Xd|SP>`); otherwise it is the zero register. */
  sp?: boolean;
}

/** The register `text` names (after `.req` aliases), and that name for messages. */
function readGpr(text: string, env: OperandEnv): { reg: GprName; name: string } {
  const name = env.registerName(text.trim());
  const reg = name === undefined ? undefined : gprByName(name);
  if (reg === undefined || name === undefined) throw mismatch(`expected a general-purpose register, found '${text.trim()}'`);
  return { reg, name };
}

function checkGprClass(reg: GprName, name: string, sp: boolean): void {
  if (sp && reg.zr) throw new OperandError('HL0508', `'${name}' is not allowed here (this operand is the stack pointer when 31)`);
  if (!sp && reg.sp) throw new OperandError('HL0508', `'${name}' is not allowed here (this operand is the zero register when 31)`);
}

/** A register of fixed width, in one field or repeated in several (`cinc` writes Rn and Rm). */
export function gpr(field: string | string[], o: GprOptions): OperandSpec<Reg> {
  const fieldNames = typeof field === 'string' ? [field] : field;
  const sp = o.sp ?? false;
  const prefix = o.width === 64 ? 'X' : 'W';
  return { kind: sp ? `<${prefix}|${o.width === 64 ? 'SP' : 'WSP'}>` : `<${prefix}>`, shape: prefix, ...gprDirections(fieldNames, o.width, sp) };
}

function gprDirections(fieldNames: string[], width: 32 | 64, sp: boolean): Omit<OperandSpec<Reg>, 'kind'> {
  return {
    parse(text, env) {
      if (text === undefined) throw mismatch('missing register');
      const { reg, name } = readGpr(text, env);
      if (reg.width !== width) {
        throw new OperandError('HL0513', `'${name}' is a ${reg.width}-bit register; this form needs a ${width}-bit one`);
      }
      checkGprClass(reg, name, sp);
      return { kind: 'reg', n: reg.n, width, sp };
    },
    encode(value, f) {
      for (const name of fieldNames) f[name] = value.n;
    },
    decode(f) {
      const n = f[fieldNames[0]!]!;
      for (const name of fieldNames.slice(1)) if (f[name] !== n) return undefined;
      return { kind: 'reg', n, width, sp };
    },
    print: (v) => gprText(v.n, width as 32 | 64, v.sp),
    arbitrary: () => bits(5).map((n): Reg => ({ kind: 'reg', n, width, sp })),
  };
}

/** A register whose width is decided by other fields (`tbz`'s b5, an extend's option): the source may
 *  write either width; `width(f)` says which one the encoding means, `accepts` checks the written one. */
export function gprOfWidth(field: string, width: (f: Fields) => 32 | 64): OperandSpec<Reg> {
  return {
    kind: '<W|X>',
    shape: 'R',
    parse(text, env) {
      if (text === undefined) throw mismatch('missing register');
      const { reg, name } = readGpr(text, env);
      checkGprClass(reg, name, false);
      return { kind: 'reg', n: reg.n, width: reg.width, sp: false };
    },
    encode(value, f) {
      f[field] = value.n;
      f[`$${field}.width`] = value.width;
    },
    decode: (f) => ({ kind: 'reg', n: f[field]!, width: width(f), sp: false }),
    print: (v) => gprText(v.n, v.width as 32 | 64, false),
    arbitrary: () => fc.record({ n: bits(5), w: fc.constantFrom<32 | 64>(32, 64) }).map(({ n, w }): Reg => ({ kind: 'reg', n, width: w, sp: false })),
  };
}

/** `ret {Xn}`: an optional register with a default. */
export function optionalGpr(field: string, o: GprOptions & { default: number }): OperandSpec<Reg> {
  const base = gpr(field, o);
  return {
    ...base,
    optional: true,
    parse: (text, env) => (text === undefined ? { kind: 'reg', n: o.default, width: o.width, sp: false } : base.parse(text, env)),
    print: (v, env) => (v.n === o.default ? undefined : base.print(v, env)),
  };
}

// ------------------------------------------------------------------------------------------------
// Plain immediates

export interface ImmOptions {
  bits: number;
  signed?: boolean;
  /** The field holds value / scale (`ldp`'s imm7 is scaled by the access size). */
  scale?: number;
  /** objdump prints `#0x1f` (hex) or `#31` (dec). */
  style: 'hex' | 'dec';
  /** Narrower range than the field allows (`ubfm` immr/imms for W registers: 0..31). */
  max?: number;
  /** What the value is, for messages. */
  what?: string;
  /** GNU as fixes this immediate up, so a place stands for its offset (ImmediateRule). */
  placeAsOffset?: boolean;
}

export function imm(field: string, o: ImmOptions): OperandSpec<Imm> {
  const scale = BigInt(o.scale ?? 1);
  const min = o.signed ? -(1n << BigInt(o.bits - 1)) : 0n;
  const fieldMax = o.signed ? (1n << BigInt(o.bits - 1)) - 1n : (1n << BigInt(o.bits)) - 1n;
  const max = o.max !== undefined ? BigInt(o.max) : fieldMax;
  const what = o.what ?? 'immediate';
  const rule: ImmediateRule = { placeAsOffset: o.placeAsOffset };
  return {
    kind: `#<${field}>`,
    shape: 'immediate',
    parse(text, env) {
      if (text === undefined) throw mismatch(`missing ${what}`);
      return { kind: 'imm', value: absoluteImmediate(text, env, rule) };
    },
    encode(value, f) {
      if (value.value % scale !== 0n) throw new OperandError('HL0504', `${what} ${value.value} is not a multiple of ${scale}`);
      checkRange(value.value, min * scale, max * scale, what);
      f[field] = Number(BigInt.asUintN(o.bits, value.value / scale));
    },
    decode(f) {
      const raw = o.signed ? signExtend(f[field]!, o.bits) : BigInt(f[field]!);
      if (raw > max) return undefined;
      return { kind: 'imm', value: raw * scale };
    },
    print: (v) => `#${o.style === 'hex' ? hex(v.value) : v.value.toString()}`,
    arbitrary: () => fc.bigInt(min, max).map((v): Imm => ({ kind: 'imm', value: v * scale })),
  };
}

/** An immediate that may be left out, meaning `omitted` (`clrex` = `clrex #15`); objdump omits it too. */
export function optionalImm(base: OperandSpec<Imm>, omitted: bigint): OperandSpec<Imm> {
  return {
    ...base,
    optional: true,
    parse: (text, env) => (text === undefined ? { kind: 'imm', value: omitted } : base.parse(text, env)),
    print: (v, env) => (v.value === omitted ? undefined : base.print(v, env)),
  };
}

/** `#<imm>` of add/sub: imm12, shifted by 12 when the value needs it (GNU as does this unasked),
 *  or a `:lo12:sym` relocation. The explicit `, lsl #12` is the next operand, `addSubShift`. */
export function addSubImm(): OperandSpec<Imm> {
  return {
    kind: '#<imm12>',
    shape: 'immediate',
    parse(text, env) {
      if (text === undefined) throw mismatch('missing immediate');
      const body = immediateText(text, env);
      const lo12 = /^:lo12:(.*)$/i.exec(body);
      if (lo12) {
        // GNU as leaves :lo12: to the linker even for an absolute value (against *ABS*).
        const value = env.evaluate(lo12[1]!);
        env.relocation = { type: 'ADD_ABS_LO12_NC', ...relocationTarget(value) };
        return { kind: 'imm', value: 0n };
      }
      return { kind: 'imm', value: numberOf(env.evaluate(body), body, env, { placeAsOffset: true, requirement: 'absolute (use :lo12:)' }) };
    },
    encode(value, f) {
      const v = value.value;
      if (v >= 0n && v <= 0xfffn) {
        f.imm12 = Number(v);
      } else if (v > 0n && v <= 0xfff000n && (v & 0xfffn) === 0n) {
        f.imm12 = Number(v >> 12n);
        f.sh = 1;
      } else {
        throw new OperandError('HL0503', `immediate ${v} out of range: add/sub take 0..4095, optionally shifted left by 12`);
      }
    },
    decode: (f) => ({ kind: 'imm', value: BigInt(f.imm12!) }),
    print: (v) => `#${hex(v.value)}`,
    arbitrary: () => bits(12).map((v): Imm => ({ kind: 'imm', value: BigInt(v) })),
  };
}

/** `#<imm>` written negative on the opposite instruction: GNU as turns `add x0, x1, #-1` into
 *  `sub x0, x1, #1` (and cmp #-1 into cmn #1). Only negative values; assembler-only, never printed. */
export function negatedAddSubImm(): OperandSpec<Imm> {
  const base = addSubImm();
  return {
    ...base,
    kind: '#<-imm12>',
    parse(text, env) {
      const v = base.parse(text, env);
      if (env.relocation !== undefined || v.value >= 0n) throw mismatch('not a negative immediate');
      return v;
    },
    encode: (value, f, env) => base.encode({ kind: 'imm', value: -value.value }, f, env),
    decode: (f) => ({ kind: 'imm', value: -BigInt(f.imm12!) }),
    print: (v) => `#${v.value}`,
    arbitrary: () => bits(12).map((v): Imm => ({ kind: 'imm', value: -BigInt(v) })),
  };
}

/** The optional `, lsl #0|#12` after an add/sub immediate (field sh). */
export function addSubShift(): OperandSpec<Shift> {
  return {
    kind: '{, lsl #<sh*12>}',
    optional: true,
    parse(text, env) {
      if (text === undefined) return { kind: 'shift', type: 'lsl', amount: -1 };
      const s = operatorAndAmount(text);
      if (!s || s.op !== 'lsl' || s.amount === undefined) throw mismatch(`expected 'lsl #0' or 'lsl #12', found '${text.trim()}'`);
      const amount = absoluteImmediate(s.amount, env);
      if (amount !== 0n && amount !== 12n) throw new OperandError('HL0503', `shift amount ${amount} must be 0 or 12`);
      return { kind: 'shift', type: 'lsl', amount: Number(amount) };
    },
    encode(value, f) {
      if (value.amount === 12) {
        if (f.sh === 1) throw new OperandError('HL0503', 'immediate out of range for an explicit lsl #12');
        f.sh = 1;
      } else if (value.amount === 0 && f.sh === 1) {
        throw new OperandError('HL0503', 'immediate out of range for lsl #0 (0..4095)');
      }
    },
    decode: (f) => ({ kind: 'shift', type: 'lsl', amount: f.sh! * 12 }),
    print: (v) => (v.amount === 0 ? undefined : `lsl #${v.amount}`),
    arbitrary: () => fc.constantFrom(0, 12).map((amount): Shift => ({ kind: 'shift', type: 'lsl', amount })),
  };
}

/** movk/movz/movn `{, lsl #<hw*16>}`. */
export function moveWideShift(width: 32 | 64): OperandSpec<Shift> {
  const maxHw = width === 64 ? 3 : 1;
  return {
    kind: '{, lsl #<hw*16>}',
    optional: true,
    parse(text, env) {
      if (text === undefined) return { kind: 'shift', type: 'lsl', amount: 0 };
      const s = operatorAndAmount(text);
      if (!s || s.op !== 'lsl' || s.amount === undefined) throw mismatch(`expected 'lsl #<0|16|32|48>', found '${text.trim()}'`);
      const amount = absoluteImmediate(s.amount, env);
      if (amount % 16n !== 0n) throw new OperandError('HL0504', `shift amount ${amount} must be a multiple of 16`);
      checkRange(amount, 0n, BigInt(maxHw * 16), 'shift amount');
      return { kind: 'shift', type: 'lsl', amount: Number(amount) };
    },
    encode(value, f) {
      f.hw = value.amount / 16;
    },
    decode: (f) => (f.hw! > maxHw ? undefined : { kind: 'shift', type: 'lsl', amount: f.hw! * 16 }),
    print: (v) => (v.amount === 0 ? undefined : `lsl #${v.amount}`),
    arbitrary: () => fc.integer({ min: 0, max: maxHw }).map((hw): Shift => ({ kind: 'shift', type: 'lsl', amount: hw * 16 })),
  };
}

// ------------------------------------------------------------------------------------------------
// `mov` immediates: one value, three encodings (movz, movn, orr with a bitmask)

export type MovImmEncoding = 'movz' | 'movn' | 'bitmask';

function maskOf(width: 32 | 64): bigint {
  return (1n << BigInt(width)) - 1n;
}

/** The value a `mov` alias writes into the register. */
function movValue(f: Fields, width: 32 | 64, from: MovImmEncoding): bigint | undefined {
  if (from === 'bitmask') return decodeBitMasks(f.N!, f.imms!, f.immr!, width);
  const v = BigInt(f.imm16!) << BigInt(16 * f.hw!);
  return from === 'movz' ? v : ~v & maskOf(width);
}

/** `#<imm>` of `mov Xd, #imm`: printed as objdump's IMM_MOV (`#0x%-20x` then `// #<signed>`). */
export function movImmediate(width: 32 | 64, from: MovImmEncoding): OperandSpec<Imm> {
  const mask = maskOf(width);
  return {
    kind: '#<imm>',
    shape: 'immediate',
    parse(text, env) {
      if (text === undefined) throw mismatch('missing immediate');
      const v = absoluteImmediate(text, env, PLACE_AS_OFFSET);
      if (v < -(1n << BigInt(width - 1)) || v > mask) throw new OperandError('HL0503', `immediate ${v} does not fit a ${width}-bit register`);
      return { kind: 'imm', value: v & mask };
    },
    encode(value, f) {
      const v = value.value;
      if (from === 'bitmask') {
        const enc = encodeBitMask(v, width);
        if (!enc) throw new OperandError('HL0503', `immediate ${hex(v)} cannot be moved by a single instruction`);
        Object.assign(f, { N: enc.n, immr: enc.immr, imms: enc.imms });
        return;
      }
      const target = from === 'movz' ? v : ~v & mask;
      for (let hw = 0; hw < width / 16; hw++) {
        if ((target & ~(0xffffn << BigInt(16 * hw))) === 0n) {
          f.hw = hw;
          f.imm16 = Number((target >> BigInt(16 * hw)) & 0xffffn);
          return;
        }
      }
      throw new OperandError('HL0503', `immediate ${hex(v)} cannot be moved by a single instruction`);
    },
    decode(f) {
      const v = movValue(f, width, from);
      return v === undefined ? undefined : { kind: 'imm', value: v };
    },
    // objdump prints IMM_MOV as "#0x%-20" PRIx64: the hex digits padded to 20 columns.
    print: (v) => `#0x${v.value.toString(16).padEnd(20, ' ')}`,
    comment: (v) => `#${signExtend(v.value, width)}`,
    arbitrary: () =>
      from === 'bitmask'
        ? fc
            .record({ n: bits(width === 64 ? 1 : 0), immr: bits(6), imms: bits(6) })
            .map(({ n, immr, imms }) => decodeBitMasks(n, imms, width === 64 ? immr : immr & 31, width))
            .filter((v): v is bigint => v !== undefined)
            .map((value): Imm => ({ kind: 'imm', value }))
        : fc.record({ imm16: bits(16), hw: fc.integer({ min: 0, max: width / 16 - 1 }) }).map(({ imm16, hw }): Imm => ({
            kind: 'imm',
            value: movValue({ imm16, hw }, width, from)!,
          })),
  };
}

/** `#<imm>` of and/orr/eor/ands/tst: a bitmask immediate in N:immr:imms. */
export function bitmaskImmediate(width: 32 | 64, o: { inverted?: boolean } = {}): OperandSpec<Imm> {
  const base = movImmediate(width, 'bitmask');
  const mask = maskOf(width);
  const stored = (v: bigint): bigint => (o.inverted ? ~v & mask : v);
  return {
    ...base,
    kind: o.inverted ? '#<~bimm>' : '#<bimm>',
    decode(f) {
      const v = base.decode(f);
      return v === undefined ? undefined : { kind: 'imm', value: stored(v.value) };
    },
    encode(value, f) {
      const enc = encodeBitMask(stored(value.value), width);
      if (!enc) throw new OperandError('HL0510', `${hex(value.value)} is not a ${width}-bit logical (bitmask) immediate`);
      Object.assign(f, { N: enc.n, immr: enc.immr, imms: enc.imms });
    },
    print: (v) => `#${hex(v.value)}`,
    comment: undefined,
  };
}

/** True when movz or movn can write `value` (objdump then prints the orr, not `mov`; GNU as picks them). */
export function isWideConstant(value: bigint, width: 32 | 64): boolean {
  const mask = maskOf(width);
  for (const v of [value & mask, ~value & mask]) {
    for (let hw = 0; hw < width / 16; hw++) if ((v & ~(0xffffn << BigInt(16 * hw))) === 0n) return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------------
// Shifts and extends of a register operand

const SHIFT_TYPES: readonly ShiftType[] = ['lsl', 'lsr', 'asr', 'ror'];

/** `{, <shift> #<amount>}` in fields shift:2 and imm6. */
export function registerShift(width: 32 | 64, o: { ror: boolean }): OperandSpec<Shift> {
  const allowed = o.ror ? SHIFT_TYPES : SHIFT_TYPES.slice(0, 3);
  return {
    kind: '{, <shift> #<amount>}',
    optional: true,
    parse(text, env) {
      if (text === undefined) return { kind: 'shift', type: 'lsl', amount: 0 };
      const s = operatorAndAmount(text);
      if (!s || !(allowed as string[]).includes(s.op)) throw mismatch(`expected a shift (${allowed.join(', ')}), found '${text.trim()}'`);
      if (s.amount === undefined) throw mismatch(`missing shift amount after '${s.op}'`);
      const amount = absoluteImmediate(s.amount, env);
      checkRange(amount, 0n, BigInt(width - 1), 'shift amount');
      return { kind: 'shift', type: s.op as ShiftType, amount: Number(amount) };
    },
    encode(value, f) {
      f.shift = SHIFT_TYPES.indexOf(value.type);
      f.imm6 = value.amount;
    },
    decode(f) {
      const type = SHIFT_TYPES[f.shift!]!;
      if (!allowed.includes(type) || f.imm6! >= width) return undefined;
      return { kind: 'shift', type, amount: f.imm6! };
    },
    print: (v) => (v.type === 'lsl' && v.amount === 0 ? undefined : `${v.type} #${v.amount}`),
    arbitrary: () =>
      fc.record({ t: fc.constantFrom(...allowed), amount: fc.integer({ min: 0, max: width - 1 }) }).map(({ t, amount }): Shift => ({ kind: 'shift', type: t, amount })),
  };
}

const EXTEND_TYPES: readonly ExtendType[] = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** The register width an extend reads: X for uxtx/sxtx, W otherwise. */
export function extendRegisterWidth(f: Fields): 32 | 64 {
  return (f.option! & 3) === 3 ? 64 : 32;
}

/**
 * `{, <extend> {#<amount>}}` in fields option:3 and imm3 (extended-register add/sub). `lsl` stands for
 * uxtx (uxtw in the 32-bit form) when one of `spFields` is 31, i.e. the stack pointer.
 */
export function registerExtend(width: 32 | 64, spFields: string[]): OperandSpec<Extend> {
  const lslOption = width === 64 ? 3 : 2;
  const spForm = (f: Fields): boolean => spFields.some((name) => f[name] === 31);
  return {
    kind: '{, <extend> {#<amount>}}',
    optional: true,
    parse(text, env) {
      if (text === undefined) return { kind: 'extend', type: 'lsl', amount: -1 };
      const s = operatorAndAmount(text);
      if (!s || !(s.op === 'lsl' || (EXTEND_TYPES as string[]).includes(s.op))) throw mismatch(`expected an extend (uxtb..sxtx, lsl), found '${text.trim()}'`);
      if (s.op === 'lsl' && s.amount === undefined) throw mismatch('missing shift amount after lsl');
      const amount = s.amount === undefined ? 0n : absoluteImmediate(s.amount, env);
      checkRange(amount, 0n, 4n, 'extend amount');
      return { kind: 'extend', type: s.op as ExtendType, amount: Number(amount) };
    },
    encode(value, f) {
      const rmWidth = f['$Rm.width'];
      if (value.amount === -1) {
        // No extend written: only `Xm` (64-bit) or `Wm` (32-bit) with the stack pointer means lsl #0.
        if (rmWidth !== width) throw mismatch('missing extend operator (a W register needs uxtw/sxtw, ...)');
        if (!spForm(f)) throw mismatch('register form without extend is the shifted-register encoding');
        f.option = lslOption;
        f.imm3 = 0;
        return;
      }
      if (value.type === 'lsl') {
        if (!spForm(f)) throw mismatch("'lsl' is only an extend when a stack pointer operand is present");
        f.option = lslOption;
      } else {
        f.option = EXTEND_TYPES.indexOf(value.type);
      }
      f.imm3 = value.amount;
      const needed = width === 64 ? extendRegisterWidth(f) : 32;
      if (rmWidth !== undefined && rmWidth !== needed) {
        throw new OperandError('HL0513', `${value.type} needs a ${needed === 64 ? 'X' : 'W'} register`);
      }
    },
    decode(f) {
      if (f.imm3! > 4) return undefined;
      if (spForm(f) && f.option === lslOption) return { kind: 'extend', type: 'lsl', amount: f.imm3! };
      return { kind: 'extend', type: EXTEND_TYPES[f.option!]!, amount: f.imm3! };
    },
    print(v) {
      if (v.type === 'lsl') return v.amount === 0 ? undefined : `lsl #${v.amount}`;
      return v.amount === 0 ? v.type : `${v.type} #${v.amount}`;
    },
    arbitrary: () =>
      fc.record({ t: fc.constantFrom(...EXTEND_TYPES), amount: fc.integer({ min: 0, max: 4 }) }).map(({ t, amount }): Extend => ({ kind: 'extend', type: t, amount })),
  };
}

// ------------------------------------------------------------------------------------------------
// Bitfield operands: raw immr/imms and the alias views (lsl, ubfx/sbfx, ubfiz/bfi)

/** `lsl #<shift>` of UBFM: immr = -shift MOD width, imms = width-1-shift. */
export function lslBitfieldAmount(width: 32 | 64): OperandSpec<Imm> {
  return {
    kind: '#<shift>',
    shape: 'immediate',
    parse: (text, env) => {
      if (text === undefined) throw mismatch('missing shift amount');
      return { kind: 'imm', value: absoluteImmediate(text, env) };
    },
    encode(value, f) {
      checkRange(value.value, 0n, BigInt(width - 1), 'shift amount');
      const s = Number(value.value);
      f.immr = (width - s) % width;
      f.imms = width - 1 - s;
    },
    decode: (f) => (f.imms !== width - 1 && f.imms! + 1 === f.immr ? { kind: 'imm', value: BigInt(width - 1 - f.imms!) } : undefined),
    print: (v) => `#${v.value}`,
    arbitrary: () => fc.integer({ min: 1, max: width - 1 }).map((s): Imm => ({ kind: 'imm', value: BigInt(s) })),
  };
}

/** `#<lsb>` of ubfx/sbfx/bfxil (immr = lsb) or of ubfiz/sbfiz/bfi (immr = -lsb MOD width). */
export function bitfieldLsb(width: 32 | 64, form: 'extract' | 'insert'): OperandSpec<Imm> {
  return {
    kind: '#<lsb>',
    shape: 'immediate',
    parse: (text, env) => {
      if (text === undefined) throw mismatch('missing lsb');
      return { kind: 'imm', value: absoluteImmediate(text, env) };
    },
    encode(value, f) {
      checkRange(value.value, 0n, BigInt(width - 1), 'lsb');
      const lsb = Number(value.value);
      f.immr = form === 'extract' ? lsb : (width - lsb) % width;
      f['$lsb'] = lsb;
    },
    decode: (f) => ({ kind: 'imm', value: BigInt(form === 'extract' ? f.immr! : (width - f.immr!) % width) }),
    print: (v) => `#${v.value}`,
    arbitrary: () => fc.integer({ min: 0, max: width - 1 }).map((v): Imm => ({ kind: 'imm', value: BigInt(v) })),
  };
}

/** `#<width>` of the same aliases: imms = lsb+width-1 (extract) or width-1 (insert). */
export function bitfieldWidth(width: 32 | 64, form: 'extract' | 'insert'): OperandSpec<Imm> {
  return {
    kind: '#<width>',
    shape: 'immediate',
    parse: (text, env) => {
      if (text === undefined) throw mismatch('missing width');
      return { kind: 'imm', value: absoluteImmediate(text, env) };
    },
    encode(value, f) {
      const lsb = f['$lsb'] ?? 0; // absent only when the lsb operand itself was rejected
      checkRange(value.value, 1n, BigInt(width - lsb), 'width');
      const w = Number(value.value);
      f.imms = form === 'extract' ? lsb + w - 1 : w - 1;
    },
    decode: (f) => ({ kind: 'imm', value: BigInt(form === 'extract' ? f.imms! + 1 - f.immr! : f.imms! + 1) }),
    print: (v) => `#${v.value}`,
    arbitrary: () => fc.integer({ min: 1, max: width }).map((v): Imm => ({ kind: 'imm', value: BigInt(v) })),
  };
}

// ------------------------------------------------------------------------------------------------
// Conditions

/** `<cond>` in a 4-bit field; `invert` for cset/cinc-style aliases, which print the inverse and
 *  cannot name al/nv. */
export function condition(field: string, o: { invert?: boolean; inMnemonic?: boolean } = {}): OperandSpec<Cond> {
  const inv = (c: number): number => (o.invert ? invertCondition(c) : c);
  return {
    kind: '<cond>',
    inMnemonic: o.inMnemonic,
    parse(text) {
      if (text === undefined) throw mismatch('missing condition');
      const t = text.trim();
      const cond = conditionByName(t);
      if (cond === undefined) {
        if (/^[A-Za-z]+$/.test(t) && gprByName(t.toLowerCase()) === undefined) throw new OperandError('HL0512', `unknown condition '${t}'`);
        throw mismatch(`expected a condition, found '${t}'`);
      }
      if (o.invert && cond >= 14) throw new OperandError('HL0512', `condition '${t}' cannot be inverted (al/nv)`);
      return { kind: 'cond', cond };
    },
    encode(value, f) {
      f[field] = inv(value.cond);
    },
    decode(f) {
      if (o.invert && f[field]! >= 14) return undefined;
      return { kind: 'cond', cond: inv(f[field]!) };
    },
    print: (v) => conditionName(v.cond),
    comment(v) {
      const others = conditionOtherNames(v.cond);
      return o.inMnemonic || others.length === 0 ? undefined : `${conditionName(v.cond)} = ${others.join(', ')}`;
    },
    arbitrary: () => fc.integer({ min: 0, max: o.invert ? 13 : 15 }).map((cond): Cond => ({ kind: 'cond', cond })),
  };
}

// ------------------------------------------------------------------------------------------------
// PC-relative targets

export interface LabelOptions {
  /** Bits of the offset field (after scaling). */
  bits: number;
  /** Bytes per unit: 4 for branches, 1 for adr, 4096 for adrp. */
  scale: number;
  /** The relocation GNU as emits when the target is not resolvable here. */
  relocation: RelocationType;
  /** Reads/writes the raw (unscaled, two's complement) offset; default: one field named `field`. */
  field?: string;
  split?: { lo: string; loBits: number; hi: string };
  /** adrp: targets are pages, relative to the PC's page; always relocated for symbols (GNU as does). */
  page?: boolean;
}

function readRaw(f: Fields, o: LabelOptions): number {
  if (o.split) return f[o.split.lo]! | (f[o.split.hi]! << o.split.loBits);
  return f[o.field!]!;
}

function writeRaw(f: Fields, o: LabelOptions, raw: number): void {
  if (o.split) {
    f[o.split.lo] = raw & ((1 << o.split.loBits) - 1);
    f[o.split.hi] = raw >>> o.split.loBits;
  } else {
    f[o.field!] = raw;
  }
}

/**
 * The offset GNU as encodes now for a PC-relative reference to `value`, or undefined when it emits a
 * relocation. A defined local symbol's `offset` is its place in its section, so it resolves within
 * the instruction's own section. An absolute expression is taken as the offset itself: GNU as 2.40
 * encodes `b 0x8` as "8 bytes ahead" (observed), not as a branch to address 8.
 */
function resolvedOffset(value: ExprValue, env: OperandEnv, page: (a: bigint) => bigint): bigint | undefined {
  if (value.kind === 'absolute') return value.value;
  if (!value.global && value.section === env.ctx.section) return page(value.offset) - page(env.pc);
  return undefined;
}

/** What GNU as relocates against: a local symbol becomes its section plus its offset there; a global
 *  or undefined symbol stays itself with its addend; an absolute value is `*ABS*` plus the value. */
export function relocationTarget(value: ExprValue): { symbol: string; addend: bigint } {
  if (value.kind === 'absolute') return { symbol: '*ABS*', addend: value.value };
  if (!value.global && value.section !== undefined) return { symbol: value.section, addend: value.offset };
  return { symbol: value.symbol, addend: value.offset };
}

export function label(o: LabelOptions): OperandSpec<Label> {
  const scale = BigInt(o.scale);
  const min = -(1n << BigInt(o.bits - 1));
  const max = (1n << BigInt(o.bits - 1)) - 1n;
  const page = (a: bigint): bigint => (o.page ? a & ~0xfffn : a);
  return {
    kind: '<label>',
    parse(text, env) {
      if (text === undefined) throw mismatch('missing target');
      const t = text.trim();
      if (env.registerName(t) !== undefined || t.startsWith('[')) throw mismatch(`expected a label, found '${t}'`);
      const value = env.evaluate(t.startsWith('#') ? t.slice(1) : t);
      // adrp is always relocated: the page of the final address is the linker's to know.
      const offset = o.page ? undefined : resolvedOffset(value, env, page);
      if (offset === undefined) {
        env.relocation = { type: o.relocation, ...relocationTarget(value) };
        return { kind: 'label', offset: 0n };
      }
      return { kind: 'label', offset };
    },
    encode(value, f) {
      if (value.offset % scale !== 0n) throw new OperandError('HL0504', `target offset ${value.offset} is not a multiple of ${scale}`);
      const units = value.offset / scale;
      if (units < min || units > max) throw new OperandError('HL0509', `target out of range (offset ${value.offset}, limit ±${(max + 1n) * scale})`);
      writeRaw(f, o, Number(BigInt.asUintN(o.bits, units)));
    },
    decode: (f) => ({ kind: 'label', offset: signExtend(readRaw(f, o), o.bits) * scale }),
    print(v, env) {
      const target = page(env.address) + v.offset;
      if (env.style === 'objdump') return BigInt.asUintN(64, target).toString(16);
      const delta = target - env.address;
      return delta < 0n ? `.-0x${(-delta).toString(16)}` : `.+0x${delta.toString(16)}`;
    },
    arbitrary: () => fc.bigInt(min, max).map((u): Label => ({ kind: 'label', offset: u * scale })),
  };
}

// ------------------------------------------------------------------------------------------------
// tbz/tbnz bit number: b5:b40, limited by the register width

export function testBitNumber(): OperandSpec<Imm> {
  return {
    kind: '#<imm>',
    shape: 'immediate',
    parse(text, env) {
      if (text === undefined) throw mismatch('missing bit number');
      return { kind: 'imm', value: absoluteImmediate(text, env) };
    },
    encode(value, f) {
      const width = f['$Rt.width'] ?? 64;
      checkRange(value.value, 0n, BigInt(width - 1), 'bit number');
      const bit = Number(value.value);
      f.b5 = bit >> 5;
      f.b40 = bit & 31;
    },
    decode: (f) => ({ kind: 'imm', value: BigInt((f.b5! << 5) | f.b40!) }),
    print: (v) => `#${v.value}`,
    arbitrary: () => fc.integer({ min: 0, max: 63 }).map((v): Imm => ({ kind: 'imm', value: BigInt(v) })),
  };
}

// ------------------------------------------------------------------------------------------------
// A fixed word that is part of the syntax (`psb csync`, `bti c`): encodes nothing.

export function keyword(word: string): OperandSpec<Named> {
  const value: Named = { kind: 'name', value: 0, name: word };
  return {
    kind: word,
    parse(text) {
      if (text?.trim().toLowerCase() !== word) throw mismatch(`expected '${word}'`);
      return value;
    },
    encode() {},
    decode: () => value,
    print: () => word,
    arbitrary: () => fc.constant(value),
  };
}

// ------------------------------------------------------------------------------------------------
// Barrier options of dsb/dmb/isb (names from sysops.ts); ISB's option may be left out (sy).

export function barrierOption(mnemonic: BarrierMnemonic): OperandSpec<Named> {
  const isb = mnemonic === 'isb';
  return {
    kind: '<option>|#<imm>',
    optional: isb,
    parse(text, env) {
      if (text === undefined) return { kind: 'name', value: 15, name: 'sy' };
      const t = text.trim();
      const crm = barrierOptionByName(mnemonic, t);
      if (crm !== undefined) return { kind: 'name', value: crm, name: t.toLowerCase() };
      if (!t.startsWith('#') && /^[A-Za-z_]\w*$/.test(t) && env.registerName(t) === undefined) {
        throw new OperandError('HL0514', `unknown ${mnemonic} option '${t}'`);
      }
      const v = absoluteImmediate(t, env);
      checkRange(v, 0n, 15n, `${mnemonic} option`);
      return { kind: 'name', value: Number(v), name: '' };
    },
    encode(value, f) {
      f.CRm = value.value;
    },
    decode: (f) => ({ kind: 'name', value: f.CRm!, name: barrierOptionText(mnemonic, f.CRm!) ?? 'sy' }),
    print: (v) => barrierOptionText(mnemonic, v.value),
    arbitrary: () => bits(4).map((value): Named => ({ kind: 'name', value, name: barrierOptionText(mnemonic, value) ?? 'sy' })),
  };
}
