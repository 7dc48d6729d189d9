// Random test cases for the QEMU differential oracle: a deterministic initial state (X0-X30, the three
// stack pointers, Q0-Q31, FPSR/FPCR, PSTATE at entry, every fuzzed system register, a 256-byte data
// area the case owns) and a straight-line body drawn from the instruction table: data processing with
// flags, loads and stores in every addressing mode aimed into the data area, mrs/msr of EL1, EL2 and
// AArch32 registers, forward conditional branches, an optional eret from EL2 to EL1, and an end (a
// branch back to the runner, or hvc/svc/brk into a vector table).
//
// Values that would break the runner or leave the modelled architecture are kept sane here; every
// such restriction is listed, with its reason, in src/machine/qemu-exclusions.ts.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { arbitraryInstruction, textAt } from '../../src/a64/generate.ts';
import type { GeneratedInstruction } from '../../src/a64/generate.ts';
import { decode } from '../../src/a64/decode.ts';
import { AARCH64_MODE, HCR_MASK } from '../../src/a64/semantics/exceptions.ts';
import { CONDITION_NAMES } from '../../src/a64/conditions.ts';
import { applyReservedBits, bit, bits, systemRegisterByName } from '../../src/a64/sysregs.ts';
import type { SystemRegister } from '../../src/a64/sysregs.ts';
import type { MemoryOperand } from '../../src/a64/table/loads-stores.ts';
import { NOT_GENERATED_INSTRUCTIONS } from '../../src/machine/qemu-exclusions.ts';

const MASK64 = (1n << 64n) - 1n;

// ------------------------------------------------------------------------------------------------
// The fuzzed system registers: set by the runner before each case, dumped after it, and read and
// written by the cases. `sane` keeps a value from changing behaviour the oracle does not compare.

export interface FuzzedRegister {
  register: SystemRegister;
  /** Lowest EL that may access it (1: EL1 and EL2 code may; 2: only EL2 code). */
  el: 1 | 2;
  sane: (value: bigint) => bigint;
}

const keep = (v: bigint): bigint => v;

/** SCTLR_EL1: MMU (M), alignment checks (A, SA, SA0) and big-endian data (EE, E0E) stay off. */
const SCTLR_EL1_KEPT_CLEAR = bit(0) | bit(1) | bit(3) | bit(4) | bit(24) | bit(25);
/**
 * HCR_EL2 bits with no effect on the generated EL1 code; RW (EL1 is AArch64) is always set. DC is not
 * free: it turns stage 2 translation on as if VM were set.
 */
const HCR_EL2_FREE = bit(1) | bit(2) | bit(3) | bit(4) | bit(5) | bit(9) | bits(11, 10) | bit(19) | bit(32) | bit(33);
const HCR_EL2_RW = HCR_MASK.RW;
/** CPTR_EL2: TFP (FP traps at EL2) and TCPAC (CPACR_EL1 traps) stay clear. */
const CPTR_EL2_KEPT_CLEAR = bit(10) | bit(31);
/** CPACR_EL1.FPEN = 0b11: FP and SIMD do not trap at EL1. */
const CPACR_EL1_FPEN = bits(21, 20);
/** MDCR_EL2: TDE (routes BRK from EL1 to EL2) stays clear; HPMN stays within PMCR_EL0.N = 6. */
const MDCR_EL2_TDE = bit(8);
const A57_PMCR_N = 6n;
/** FPCR.{IDE, IXE, UFE, OFE, DZE, IOE}: RAZ/WI where floating-point exceptions do not trap (the A57). */
export const FPCR_TRAP_ENABLES = bit(15) | bits(12, 8);

const SANITIZERS: Readonly<Record<string, (v: bigint) => bigint>> = {
  sctlr_el1: (v) => v & ~SCTLR_EL1_KEPT_CLEAR,
  hcr_el2: (v) => (v & HCR_EL2_FREE) | HCR_EL2_RW,
  cptr_el2: (v) => v & ~CPTR_EL2_KEPT_CLEAR,
  cpacr_el1: (v) => v | CPACR_EL1_FPEN,
  mdcr_el2: (v) => (v & ~MDCR_EL2_TDE & ~bits(4, 0)) | ((v & bits(4, 0)) % (A57_PMCR_N + 1n)),
};

/** Names of the registers every case starts with a random (sane) value in, in runner order. */
const FUZZED_NAMES = [
  // EL1 context
  'sctlr_el1', 'cpacr_el1', 'ttbr0_el1', 'ttbr1_el1', 'tcr_el1', 'mair_el1', 'contextidr_el1',
  'tpidr_el1', 'tpidr_el0', 'tpidrro_el0', 'elr_el1', 'spsr_el1', 'esr_el1', 'far_el1', 'par_el1', 'csselr_el1',
  'cntkctl_el1',
  // EL2 controls and context
  'hcr_el2', 'cptr_el2', 'mdcr_el2', 'hstr_el2', 'vttbr_el2', 'vtcr_el2', 'vpidr_el2', 'vmpidr_el2', 'esr_el2',
  'far_el2', 'hpfar_el2', 'mair_el2', 'tcr_el2', 'ttbr0_el2', 'cnthctl_el2',
  'cntvoff_el2',
  // AArch32 EL1 state kept at EL2
  'dacr32_el2', 'ifsr32_el2', 'fpexc32_el2', 'spsr_abt', 'spsr_und', 'spsr_irq', 'spsr_fiq',
] as const;

function catalog(name: string): SystemRegister {
  const r = systemRegisterByName(name);
  if (r === undefined) throw new Error(`'${name}' is not in the system register catalog`);
  return r;
}

export const FUZZED_REGISTERS: readonly FuzzedRegister[] = FUZZED_NAMES.map((name) => {
  const register = catalog(name);
  const extra = SANITIZERS[name] ?? keep;
  return { register, el: register.el <= 1 ? 1 : 2, sane: (v: bigint) => applyReservedBits(register, extra(v & MASK64)) };
});

/** Registers the runner dumps after every case: the fuzzed ones plus those the runner itself sets. */
export const DUMPED_REGISTERS: readonly SystemRegister[] = [
  ...FUZZED_REGISTERS.map((f) => f.register),
  ...['elr_el2', 'spsr_el2', 'vbar_el1', 'vbar_el2', 'sctlr_el2'].map(catalog),
];

/** Registers a case may only read (mrs into a general register). */
const READ_ONLY_NAMES = ['currentel', 'nzcv', 'daif', 'spsel', 'midr_el1', 'mpidr_el1', 'fpcr', 'fpsr'] as const;

// ------------------------------------------------------------------------------------------------
// The case

export type EntryMode = 'EL2h' | 'EL2t' | 'EL1h' | 'EL1t';
const MODE_BITS = (mode: EntryMode): bigint => BigInt(AARCH64_MODE[mode]);

export interface InitialState {
  x: bigint[];
  /** SP_EL0, SP_EL1, SP_EL2. */
  sp: [bigint, bigint, bigint];
  q: bigint[];
  mode: EntryMode;
  /** NZCV [3:0] and DAIF [3:0] at entry. */
  nzcv: number;
  daif: number;
  fpsr: bigint;
  fpcr: bigint;
  /** Values of FUZZED_REGISTERS, in order. */
  sysregs: bigint[];
  data: Uint8Array;
}

/** One step of a body, rendered by `renderCase`. */
export type Step =
  | { kind: 'insn'; text: string }
  /** A load or store whose address lands in the data area: `setup` gives the base and index values. */
  | { kind: 'memory'; text: string; setup: RegisterSetup[] }
  | { kind: 'mrs'; rt: number; name: string }
  | { kind: 'msr'; rt: number; name: string; value: bigint }
  | { kind: 'msr-imm'; text: string }
  | { kind: 'dc-zva'; rt: number; offset: number }
  /** A PC-relative literal load of `value` (8 or 16 bytes, naturally aligned in the case's pool). */
  | { kind: 'literal'; mnemonic: 'ldr' | 'ldrsw'; register: string; value: bigint; bytes: 8 | 16 }
  /** A forward branch over the next `skip` steps of the same segment. */
  | { kind: 'branch'; form: string; skip: number };

/**
 * A register value set before a load/store: the base (relative to the data area; SP through a scratch
 * X register) or the index.
 */
export interface RegisterSetup {
  register: number | 'sp';
  value: bigint;
  dataRelative: boolean;
  scratch?: number;
}

export type CaseEnd = { kind: 'report' } | { kind: 'hvc' | 'svc' | 'brk'; imm: number };

export interface OracleCase {
  init: InitialState;
  /** Steps at the entry EL. */
  first: Step[];
  /** When set (only from EL2): eret with this SPSR_EL2 (M = EL1h/EL1t/EL2h/EL2t), then `second` there. */
  eret?: { rt: number; spsr: bigint };
  second: Step[];
  end: CaseEnd;
}

export const DATA_AREA_BYTES = 256;
/** hvc immediate of the runner's EL1 vector entry i: 0x100 + i (ESR_EL2.ISS tells which EL1 vector was taken). */
export const EL1_VECTOR_HVC = 0x100;

export function entrySPSR(init: InitialState): bigint {
  return (BigInt(init.nzcv) << 28n) | (BigInt(init.daif) << 6n) | MODE_BITS(init.mode);
}

// ------------------------------------------------------------------------------------------------
// Arbitraries

/** 64-bit values with the edges that flags and shifts care about. */
export const arbitraryU64: Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: MASK64 }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 0xffffn }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, MASK64, MASK64 - 1n),
  },
);

const arbitraryU128: Arbitrary<bigint> = fc.tuple(arbitraryU64, arbitraryU64).map(([hi, lo]) => (hi << 64n) | lo);

/** A general register a case may use as a scratch: any of X0-X30. */
const arbitraryGpr = fc.integer({ min: 0, max: 30 });

const arbitraryInit: Arbitrary<Omit<InitialState, 'mode'>> = fc.record({
  x: fc.array(arbitraryU64, { minLength: 31, maxLength: 31 }),
  sp: fc.tuple(arbitraryU64, arbitraryU64, arbitraryU64),
  q: fc.array(arbitraryU128, { minLength: 32, maxLength: 32 }),
  nzcv: fc.integer({ min: 0, max: 15 }),
  daif: fc.integer({ min: 0, max: 15 }),
  fpsr: arbitraryU64.map((v) => applyReservedBits(catalog('fpsr'), v)),
  fpcr: arbitraryU64.map((v) => applyReservedBits(catalog('fpcr'), v & ~FPCR_TRAP_ENABLES)),
  sysregs: fc.tuple(...FUZZED_REGISTERS.map((f) => arbitraryU64.map(f.sane))),
  data: fc.uint8Array({ minLength: DATA_AREA_BYTES, maxLength: DATA_AREA_BYTES }),
});

const NOT_GENERATED = new Set(NOT_GENERATED_INSTRUCTIONS.flatMap((x) => x.ids));

const dataProcessing = arbitraryInstruction({ families: ['data-processing'] });
const hints = arbitraryInstruction({ families: ['system'] }).filter((g) => /^(NOP|YIELD|SEV|SEVL|XPAC|PAC|AUT|ESB|PSB|TSB|CSDB|CLEARBHB|BTI|HINT|CLREX|DSB|DMB|ISB|SSBB|PSSBB)/.test(g.entry.id) && !NOT_GENERATED.has(g.entry.id));
const maintenance = arbitraryInstruction({ families: ['system-registers'] }).filter(
  (g) => /^(TLBI|IC|DC)_SYS/.test(g.entry.id) && !/zva/.test(g.text) && !NOT_GENERATED.has(g.entry.id),
);
const loadsStores = arbitraryInstruction({ families: ['loads-stores'] }).filter((g) => !g.entry.id.includes('loadlit'));

function step(text: string): Step {
  return { kind: 'insn', text };
}

/** A literal load (ldr Wt/Xt/St/Dt/Qt, ldrsw Xt) of a value in the case's own aligned literal pool. */
const literalStep: Arbitrary<Step> = fc
  .tuple(fc.constantFrom('w', 'x', 'sw', 's', 'd', 'q'), fc.integer({ min: 0, max: 31 }), arbitraryU128)
  .map(([form, n, value]): Step => {
    // X/W registers 0-30 (31 would be the zero register, which ldr does not take); V registers 0-31.
    const register = form === 'sw' ? `x${n % 31}` : form === 'w' || form === 'x' ? `${form}${n % 31}` : `${form}${n}`;
    return { kind: 'literal', mnemonic: form === 'sw' ? 'ldrsw' : 'ldr', register, value: form === 'q' ? value : value & MASK64, bytes: form === 'q' ? 16 : 8 };
  });

/** Bytes one register of a load/store moves. */
function elementBytes(g: GeneratedInstruction): number {
  const m = g.entry.mnemonic;
  if (/^(ldr|str|ldur|stur)s?b$/.test(m)) return 1;
  if (/^(ldr|str|ldur|stur)s?h$/.test(m)) return 2;
  if (m === 'ldrsw' || m === 'ldursw' || m === 'ldpsw') return 4;
  const first = decode(g.word)!.operands[0]!;
  if (first.kind === 'vreg') return first.bytes;
  if (first.kind === 'reg') return first.width / 8;
  throw new Error(`${g.entry.id}: no transfer register`);
}

/**
 * A load or store aimed into the data area: picks an aligned target inside the area and computes the
 * base (and index) register values that make the instruction's address land there.
 */
const memoryStep: Arbitrary<Step> = fc
  .tuple(loadsStores, fc.integer({ min: 0, max: DATA_AREA_BYTES - 1 }), fc.integer({ min: -4, max: 4 }), arbitraryGpr)
  .map(([g, position, indexValue, spScratch]): Step | undefined => {
    const d = decode(g.word)!;
    const mem = d.operands.find((o) => o.kind === 'mem') as unknown as MemoryOperand;
    const element = elementBytes(g);
    const pair = /^(ldp|stp|ldnp|stnp|ldpsw)$/.test(g.entry.mnemonic);
    const span = pair ? 2 * element : element;
    const target = BigInt(Math.floor(position / element) * element);
    if (target + BigInt(span) > BigInt(DATA_AREA_BYTES)) return undefined;
    // Addresses are data-area relative here; renderCase adds the area's address.
    const setup: RegisterSetup[] = [];
    let base = target;
    switch (mem.mode) {
      case 'offset':
      case 'pre':
        base = target - (mem.offset ?? 0n);
        break;
      case 'post':
        break;
      case 'register': {
        const index = mem.index!;
        if (index === mem.base) return undefined;
        // Index 31 is the zero register.
        const value = index === 31 ? 0 : indexValue;
        if (mem.extend === 'uxtw' && value < 0) return undefined;
        base = target - (BigInt(value) << BigInt(mem.shift ?? 0));
        if (index !== 31) setup.push({ register: index, value: BigInt.asUintN(64, BigInt(value)), dataRelative: false });
        break;
      }
    }
    // SP as base is set through a scratch register; the index, if any, is set after it.
    if (mem.base === 31) {
      if (setup.some((s) => s.register === spScratch)) return undefined;
      setup.unshift({ register: 'sp', value: base, dataRelative: true, scratch: spScratch });
    } else setup.unshift({ register: mem.base, value: base, dataRelative: true });
    return { kind: 'memory', text: textAt(g, 0n), setup };
  })
  .filter((s): s is Step => s !== undefined);

const CONDITIONS = CONDITION_NAMES.map((names) => names[0]!);

const branchStep: Arbitrary<Step> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...CONDITIONS).map((c) => `b.${c}`),
      fc.tuple(fc.constantFrom('cbz', 'cbnz'), fc.constantFrom('w', 'x'), arbitraryGpr).map(([op, w, n]) => `${op} ${w}${n},`),
      fc.tuple(fc.constantFrom('tbz', 'tbnz'), arbitraryGpr, fc.integer({ min: 0, max: 63 })).map(([op, n, b]) => `${op} ${b < 32 ? 'w' : 'x'}${n}, #${b},`),
      fc.constant('b'),
    ),
    fc.integer({ min: 1, max: 4 }),
  )
  .map(([form, skip]) => ({ kind: 'branch', form, skip }));

function registersAt(el: 1 | 2): SystemRegister[] {
  return FUZZED_REGISTERS.filter((f) => f.el <= el).map((f) => f.register);
}

function systemRegisterStep(el: 1 | 2): Arbitrary<Step> {
  const writable = FUZZED_REGISTERS.filter((f) => f.el <= el);
  const readable = [...registersAt(el).map((r) => r.name), ...READ_ONLY_NAMES, ...(el === 2 ? ['elr_el2', 'spsr_el2', 'vbar_el2', 'vbar_el1', 'sctlr_el2'] : ['vbar_el1'])];
  return fc.oneof(
    fc.tuple(arbitraryGpr, fc.constantFrom(...readable)).map(([rt, name]): Step => ({ kind: 'mrs', rt, name })),
    fc.tuple(arbitraryGpr, fc.constantFrom(...writable), arbitraryU64).map(([rt, f, v]): Step => ({ kind: 'msr', rt, name: f.register.name, value: f.sane(v) })),
    fc.tuple(arbitraryGpr, fc.constantFrom('nzcv', 'daif', 'spsel', 'fpsr', 'fpcr'), arbitraryU64).map(([rt, name, v]): Step => ({ kind: 'msr', rt, name, value: applyReservedBits(catalog(name), name === 'fpcr' ? v & ~FPCR_TRAP_ENABLES : v) })),
    fc.tuple(fc.constantFrom('daifset', 'daifclr', 'spsel'), fc.integer({ min: 0, max: 15 })).map(([f, imm]): Step => ({ kind: 'msr-imm', text: `msr ${f}, #${f === 'spsel' ? imm & 1 : imm}` })),
  );
}

const dcZvaStep: Arbitrary<Step> = fc.tuple(arbitraryGpr, fc.integer({ min: 0, max: DATA_AREA_BYTES - 1 })).map(([rt, offset]) => ({ kind: 'dc-zva', rt, offset }));

function stepAt(el: 1 | 2): Arbitrary<Step> {
  return fc.oneof(
    { weight: 10, arbitrary: dataProcessing.map((g) => step(textAt(g, 0n))) },
    { weight: 6, arbitrary: memoryStep },
    { weight: 4, arbitrary: systemRegisterStep(el) },
    { weight: 3, arbitrary: branchStep },
    { weight: 1, arbitrary: hints.map((g) => step(textAt(g, 0n))) },
    { weight: 1, arbitrary: literalStep },
    { weight: 1, arbitrary: maintenance.map((g) => step(textAt(g, 0n))) },
    { weight: 1, arbitrary: dcZvaStep },
  );
}

const body = (el: 1 | 2): Arbitrary<Step[]> => fc.array(stepAt(el), { minLength: 0, maxLength: 16 });
/** hvc/svc/brk immediates; hvc #0x100-0x10f belong to the runner's EL1 vectors. */
const imm16 = fc.integer({ min: 0, max: 0xffff }).filter((n) => n < EL1_VECTOR_HVC || n >= EL1_VECTOR_HVC + 16);

function endAt(el: 1 | 2): Arbitrary<CaseEnd> {
  const exception = fc.tuple(fc.constantFrom<'hvc' | 'svc' | 'brk'>('hvc', 'svc', 'brk'), imm16).map(([kind, imm]): CaseEnd => ({ kind, imm }));
  return el === 2 ? fc.oneof({ weight: 2, arbitrary: fc.constant<CaseEnd>({ kind: 'report' }) }, { weight: 1, arbitrary: exception }) : exception;
}

/** SPSR_EL2 for an eret from EL2 into `mode`, with random NZCV and DAIF. */
function eretSPSR(mode: EntryMode): Arbitrary<bigint> {
  return fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 })).map(([nzcv, daif]) => (BigInt(nzcv) << 28n) | (BigInt(daif) << 6n) | MODE_BITS(mode));
}

const elOf = (mode: EntryMode): 1 | 2 => (mode.startsWith('EL2') ? 2 : 1);

/**
 * Cases. Only the entry mode and the eret's target mode are chained on (they decide the EL of each
 * segment); the state and the steps are independent fields, so that fast-check shrinks each on its own.
 */
export const arbitraryCase: Arbitrary<OracleCase> = fc
  .tuple(
    fc.constantFrom<EntryMode>('EL2h', 'EL2h', 'EL2t', 'EL1h', 'EL1t'),
    fc.constantFrom<EntryMode | 'none'>('none', 'none', 'EL1h', 'EL1h', 'EL1t', 'EL2h', 'EL2t'),
  )
  .chain(([mode, eretTo]) => {
    const startEL = elOf(mode);
    const target = startEL === 2 && eretTo !== 'none' ? eretTo : undefined;
    return fc
      // The steps come first: fast-check shrinks the fields in this order, and fewer instructions
      // make a clearer counterexample than smaller initial values.
      .record({
        first: body(startEL),
        eret: target !== undefined ? fc.record({ rt: arbitraryGpr, spsr: eretSPSR(target) }) : fc.constant(undefined),
        second: target !== undefined ? body(elOf(target)) : fc.constant<Step[]>([]),
        end: endAt(target !== undefined ? elOf(target) : startEL),
        init: arbitraryInit.map((init) => ({ ...init, mode })),
      })
      .map(({ eret: e, ...rest }): OracleCase => (e === undefined ? rest : { ...rest, eret: e }));
  });

// ------------------------------------------------------------------------------------------------
// Rendering a case as assembly text for the batch runner

export interface RenderContext {
  /** Label prefix unique in the batch (`c17`). */
  prefix: string;
  /** Absolute address of the case's data area. */
  dataAddress: bigint;
}

/** The case as lines of assembly; its first line carries the entry label `${prefix}:`. */
export function renderCase(c: OracleCase, ctx: RenderContext): string[] {
  const { prefix } = ctx;
  const lines: string[] = [`${prefix}:`];
  const literals: bigint[] = [];
  const literal = (value: bigint): string => {
    literals.push(BigInt.asUintN(64, value));
    return `${prefix}_lit+${8 * (literals.length - 1)}`;
  };
  /** A 16-byte literal, 16-byte aligned in the pool (which is itself 16-byte aligned). */
  const literal128 = (value: bigint): string => {
    if (literals.length % 2 === 1) literals.push(0n);
    literals.push(value & MASK64, (value >> 64n) & MASK64);
    return `${prefix}_lit+${8 * (literals.length - 2)}`;
  };
  const segment = (steps: Step[], tag: string): void => {
    const targets = new Map<number, string[]>();
    steps.forEach((s, i) => {
      for (const label of targets.get(i) ?? []) lines.push(`${label}:`);
      lines.push(...renderStep(s, i, tag));
    });
    for (const label of targets.get(steps.length) ?? []) lines.push(`${label}:`);

    function renderStep(s: Step, i: number, t: string): string[] {
      switch (s.kind) {
        case 'insn':
          return [`  ${s.text}`];
        case 'memory':
          return [
            ...s.setup.flatMap(({ register, value, dataRelative, scratch }) => {
              const lit = literal(dataRelative ? ctx.dataAddress + value : value);
              return register === 'sp' ? [`  ldr x${scratch}, ${lit}`, `  mov sp, x${scratch}`] : [`  ldr x${register}, ${lit}`];
            }),
            `  ${s.text}`,
          ];
        case 'mrs':
          return [`  mrs x${s.rt}, ${s.name}`];
        case 'msr':
          return [`  ldr x${s.rt}, ${literal(s.value)}`, `  msr ${s.name}, x${s.rt}`];
        case 'msr-imm':
          return [`  ${s.text}`];
        case 'literal':
          return [`  ${s.mnemonic} ${s.register}, ${s.bytes === 16 ? literal128(s.value) : literal(s.value)}`];
        case 'dc-zva':
          return [`  ldr x${s.rt}, ${literal(ctx.dataAddress + BigInt(s.offset))}`, `  dc zva, x${s.rt}`];
        case 'branch': {
          const to = Math.min(steps.length, i + 1 + s.skip);
          const label = `${prefix}_${t}b${i}`;
          targets.set(to, [...(targets.get(to) ?? []), label]);
          return [`  ${s.form} ${label}`];
        }
      }
    }
  };
  segment(c.first, 'a');
  if (c.eret !== undefined) {
    lines.push(`  adr x${c.eret.rt}, ${prefix}_eret`, `  msr elr_el2, x${c.eret.rt}`, `  ldr x${c.eret.rt}, ${literal(c.eret.spsr)}`, `  msr spsr_el2, x${c.eret.rt}`, '  eret', `${prefix}_eret:`);
    segment(c.second, 'b');
  }
  lines.push(c.end.kind === 'report' ? '  b report' : `  ${c.end.kind} #${c.end.imm}`);
  if (literals.length > 0) lines.push('  .align 4', `${prefix}_lit: .quad ${literals.map((v) => `0x${v.toString(16)}`).join(', ')}`);
  return lines;
}

/** The instruction lines of a case, for reports (labels and literals left out). */
export function caseListing(c: OracleCase, dataAddress = 0n): string {
  return renderCase(c, { prefix: 'case', dataAddress })
    .filter((l) => l.startsWith('  ') && !l.includes('.align'))
    .join('\n');
}
