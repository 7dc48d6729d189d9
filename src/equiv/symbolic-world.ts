// The world switch on symbols: a machine of the symbolic domain for a variant (its image compiled for
// terms, RAM of 8-byte cells whose untouched contents are symbols `mem[0x...]`), and a world in which
// every datum the host, the vcpu and the guest's run hold is a symbol. What the core must see as a
// number (addresses: the fixed placement; the exception class that routes an exit; the guest's mode;
// the HCR_EL2 bits the core acts on) is a constant of the configuration, chosen per path.

import type { Domain, Width } from '../a64/domain.ts';
import { decode } from '../a64/decode.ts';
import { compileInstruction } from '../a64/semantics/index.ts';
import type { Exec } from '../a64/semantics/index.ts';
import type { SystemRegister } from '../a64/sysregs.ts';
import { MachineFault } from '../machine/faults.ts';
import type { Image, Slot } from '../machine/image.ts';
import { Machine } from '../machine/machine.ts';
import { CellStore, Memory } from '../machine/memory.ts';
import type { AccessBytes, RegionStore } from '../machine/memory.ts';
import { CORTEX_A57_IDENTIFICATION } from '../machine/run.ts';
import { State } from '../machine/state.ts';
import { worldImage } from '../worldswitch/host-program.ts';
import { AARCH32_SPSRS, HOST_SYSREG_SLOTS, SYSREG_SLOTS, catalogRegister } from '../worldswitch/registers.ts';
import type { WorldSwitchBackend } from '../worldswitch/scenario.ts';
import type { Variant } from '../worldswitch/variant.ts';
import { DATA_BASE, EXIT_EC, HCR_GUEST_FLAGS, HYP_STACK_SIZE, RAM_BASE, RAM_SIZE } from '../worldswitch/world.ts';
import { HCR_MASK as HCR } from '../a64/semantics/exceptions.ts';
import type { GuestContext, GuestExit, HostState, Placement, World, WorldConfig } from '../worldswitch/world.ts';
import { evaluate, symbol, symbolicDomain } from './symbolic.ts';
import type { Assignment, Term } from './symbolic.ts';

const S: Domain<Term> = symbolicDomain;

// ------------------------------------------------------------------------------------------------
// The machine

/** A variant's world image (HYP code and the host's call) compiled for the symbolic domain, once. */
const images = new WeakMap<Variant, Image<Term>>();

export function symbolicImage(variant: Variant): Image<Term> {
  let image = images.get(variant);
  if (image === undefined) {
    const concrete = worldImage(variant).image;
    const slots = concrete.slots.map((slot): Slot<Term> | undefined => slot && { ...slot, exec: compileFor(slot.word, slot.address) });
    image = { ...concrete, dom: S, slots };
    images.set(variant, image);
  }
  return image;
}

function compileFor(word: number, address: bigint): Exec<Term> {
  const fail = (fault: MachineFault): Exec<Term> => () => {
    throw fault;
  };
  const decoded = decode(word);
  if (decoded === undefined) return fail(new MachineFault('undefined', `UNDEFINED: 0x${word.toString(16)} is not an instruction the core decodes`));
  try {
    return compileInstruction(decoded, { dom: S, address }) ?? fail(new MachineFault('unsupported', `${decoded.entry.id} has no semantics in the core`));
  } catch (e) {
    return fail(new MachineFault('unsupported', `cannot compile ${decoded.entry.id}: ${(e as Error).message}`));
  }
}

/** The name of the symbol an untouched 8-byte cell of RAM holds. */
export function memorySymbol(address: bigint): string {
  return `mem[0x${address.toString(16)}]`;
}

/**
 * RAM of terms: the image's bytes as constants, every other cell a symbol (so a variant that reads
 * memory nobody wrote, or leaves a stray write, shows it in a term). A value wider than the access
 * (the scenario writes a u32 field from a 64-bit world value) is cut to the access, as bytes are.
 */
class SymbolicRam implements RegionStore<Term> {
  private readonly cells: CellStore<Term>;

  constructor(image: Image<Term>) {
    const start = image.base - Number(RAM_BASE);
    this.cells = new CellStore(S, (i) => {
      const at = i * 8 - start;
      if (at >= 0 && at + 8 <= image.bytes.length) {
        let v = 0n;
        for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(image.bytes[at + b]!);
        return S.constant(v, 64);
      }
      return symbol(memorySymbol(RAM_BASE + BigInt(i * 8)), 64);
    });
  }

  load(offset: number, bytes: AccessBytes): Term {
    return this.cells.load(offset, bytes);
  }

  store(offset: number, bytes: AccessBytes, value: Term): void {
    this.cells.store(offset, bytes, value.width > bytes * 8 ? S.extract(value, bytes * 8 - 1, 0) : value);
  }

  writeBytes(offset: number, data: Uint8Array): void {
    this.cells.writeBytes(offset, data);
  }

  /** Cells read or written, by address. */
  *cellsByAddress(): Generator<[bigint, Term]> {
    for (const [i, v] of this.cells.entries()) yield [RAM_BASE + BigInt(i * 8), v];
  }
}

/** The machine's reset values (as the concrete machine's): configuration, not data. */
function resetValue(r: SystemRegister): bigint {
  return CORTEX_A57_IDENTIFICATION[r.name] ?? (r.reset === undefined ? 0n : r.reset.value & r.reset.known);
}

export interface SymbolicBackend extends WorldSwitchBackend<Term> {
  /** The RAM of the last machine made, for the frame rule. */
  ram(): SymbolicRam | undefined;
}

export function symbolicBackend(variant: Variant): SymbolicBackend {
  const image = symbolicImage(variant);
  let ram: SymbolicRam | undefined;
  return {
    dom: S,
    image,
    ram: () => ram,
    machine: () => {
      const memory = new Memory(S);
      ram = new SymbolicRam(image);
      memory.map({ name: 'ram', base: RAM_BASE, size: RAM_SIZE, kind: 'ram', store: ram });
      const zero = S.constant(0n, 64);
      const state = new State(S, {
        gpr: () => zero,
        sp: () => zero,
        vreg: () => S.constant(0n, 128),
        nzcv: () => S.constant(0n, 4),
        sysreg: (r) => S.constant(resetValue(r), 64),
      });
      state.pstate.EL = 1;
      state.pc = Number(image.entry);
      return new Machine(S, state, memory);
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The world

/** The fixed placement of the proof (the property tests vary it). */
export const PROOF_PLACEMENT: Placement = {
  vcpu: DATA_BASE + 0x0_0040n,
  kvm: DATA_BASE + 0x1_0080n,
  hostContext: DATA_BASE + 0x2_0100n,
  hypStackTop: DATA_BASE + 0x3_0000n + BigInt(HYP_STACK_SIZE),
  gich: 0x0803_0000n,
};

/** Guest modes of a path: one per guest width unless the proof enumerates them. */
export const AARCH64_GUEST_MODES = [0b00101n, 0b00100n, 0b00000n]; // EL1h, EL1t, EL0t
export const AARCH32_GUEST_MODES = [0x13n, 0x10n, 0x11n, 0x12n, 0x17n, 0x1bn, 0x1fn]; // svc first

/** Per path: the configuration, and the guest's mode at entry and at exit. */
export interface ProofPath {
  config: WorldConfig;
  entryMode: bigint;
  exitMode: bigint;
}

const k = (value: bigint, width: Width = 64): Term => S.constant(value, width);
const sym = (name: string, width: Width = 64): Term => symbol(name, width);
const zext = (t: Term, to: Width = 64): Term => S.zeroExtend(t, t.width, to);

/** `value` as register `name` holds it: RES0 clear, RES1 set (validFor, on terms). */
function valid(name: string, value: Term): Term {
  const r = catalogRegister(name);
  return S.or(S.and(value, k(~r.res0), 64), k(r.res1), 64);
}

/** Bits the core acts on in HCR_EL2: constants of the path. */
const HCR_CORE_BITS = HCR.VM | HCR.FMO | HCR.IMO | HCR.AMO | HCR.TWI | HCR.TWE | HCR.TSC | HCR.TVM | HCR.TGE | HCR.HCD | HCR.TRVM | HCR.RW;
const AARCH32_PSR_FIXED = 0x1fn | (1n << 9n) | (1n << 20n) | (1n << 21n);

function hostState(): HostState<Term> {
  const sysregs: Record<string, Term> = {};
  for (const s of HOST_SYSREG_SLOTS) sysregs[s.slot] = valid(s.register, sym(`host.sys_regs[${s.slot}]`));
  // FP/SIMD at EL1 enabled (CPACR_EL1.FPEN = 0b11): the host kernel uses it.
  sysregs.CPACR_EL1 = valid('cpacr_el1', S.or(sym('host.sys_regs[CPACR_EL1]'), k(0b11n << 20n), 64));
  return {
    x: Array.from({ length: 31 }, (_, n) => sym(`host.x${n}`)),
    sp_el0: sym('host.sp_el0'),
    sp_el1: sym('host.sp_el1'),
    elr_el1: sym('host.elr_el1'),
    spsr_el1: valid('spsr_el1', sym('host.spsr_el1')),
    flags: S.or(S.shl(zext(sym('host.nzcv', 4)), 28, 64), S.shl(zext(sym('host.daif', 4)), 6, 64), 64),
    sysregs,
    v: Array.from({ length: 32 }, (_, n) => sym(`host.v${n}`, 128)),
    fpsr: valid('fpsr', sym('host.fpsr')),
    fpcr: valid('fpcr', sym('host.fpcr')),
    mdcr_el2: zext(sym('host.mdcr_el2.hpmn', 5)),
    cnthctl_el2: valid('cnthctl_el2', S.or(S.shl(zext(sym('host.cnthctl_el2', 6)), 2, 64), k(0b11n), 64)),
  };
}

/** A guest context of symbols `<prefix>.<field><suffix>`: the vcpu as prepared (@init) or the guest at its exit (@exit). */
function guestContext(prefix: string, suffix: string, aarch32: boolean, mode: bigint): GuestContext<Term> {
  const name = (field: string): string => `${prefix}.${field}${suffix}`;
  // An AArch32 guest's registers are 32 bits wide.
  const word = (field: string): Term => (aarch32 ? zext(sym(name(field), 32)) : sym(name(field)));
  const sysregs: Record<string, Term> = {};
  for (const s of SYSREG_SLOTS) sysregs[s.slot] = valid(s.register, sym(name(`sys_regs[${s.slot}]`)));
  sysregs.MPIDR_EL1 = valid('vmpidr_el2', sym(name('sys_regs[MPIDR_EL1]')));
  const spsr32: Record<string, Term> = {};
  for (const s of AARCH32_SPSRS) spsr32[s.name] = valid(s.register, sym(name(`spsr[${s.name.toUpperCase()}]`)));
  const pstate = aarch32
    ? valid('spsr_el2', S.or(S.and(zext(sym(name('pstate'), 32)), k(~AARCH32_PSR_FIXED & 0xffffffffn), 64), k(mode), 64))
    : valid('spsr_el2', S.or(S.or(S.shl(zext(sym(name('pstate.nzcv'), 4)), 28, 64), S.shl(zext(sym(name('pstate.daif'), 4)), 6, 64), 64), k(mode), 64));
  const pc = aarch32 ? zext(S.and(sym(name('pc'), 32), k(~1n, 32), 32)) : S.and(sym(name('pc')), k(0xffff_ffff_fffcn), 64);
  const u32 = (field: string): Term => zext(sym(name(field), 32));
  return {
    x: Array.from({ length: 31 }, (_, n) => word(`x${n}`)),
    sp_el0: word('sp_el0'),
    sp_el1: word('sp_el1'),
    elr_el1: word('elr_el1'),
    spsr_el1: valid('spsr_el1', sym(name('spsr_el1'))),
    pc,
    pstate,
    spsr32,
    sysregs,
    v: Array.from({ length: 32 }, (_, n) => sym(name(`v${n}`), 128)),
    fpsr: valid('fpsr', sym(name('fpsr'))),
    fpcr: valid('fpcr', sym(name('fpcr'))),
    timer: { cntv_ctl: zext(sym(name('timer.cntv_ctl'), 2)), cntv_cval: sym(name('timer.cntv_cval')) },
    vgic: {
      hcr: u32('vgic.hcr'),
      vmcr: u32('vgic.vmcr'),
      misr: u32('vgic.misr'),
      eisr: [u32('vgic.eisr[0]'), u32('vgic.eisr[1]')],
      elrsr: [u32('vgic.elrsr[0]'), u32('vgic.elrsr[1]')],
      apr: u32('vgic.apr'),
      lr: Array.from({ length: 64 }, (_, n) => u32(`vgic.lr[${n}]`)),
    },
  };
}

/** ESR_EL2, FAR_EL2, HPFAR_EL2 and the `at` walk's IPA of an exit: the class constant, the rest symbols. */
function guestExit(config: WorldConfig): GuestExit<Term> {
  const aarch32 = config.guest === 'aarch32';
  const esr = (ec: number, iss: Term): Term => S.or(k((BigInt(ec) << 26n) | (1n << 25n)), iss, 64);
  const field = (name: string, width: number, lo: number): Term => S.shl(zext(sym(`exit.${name}`, width)), lo, 64);
  const far = aarch32 ? zext(sym('exit.far', 32)) : zext(sym('exit.far', 48));
  const ipa = S.shl(zext(sym('exit.ipa', 36)), 12, 64);
  // Data abort ISS: ISV [24] set, SAS [23:22], SRT [20:16], SF [15], WnR [6]; DFSC [5:0] by kind.
  const access = [field('iss.sas', 2, 22), field('iss.srt', 5, 16), field('iss.sf', 1, 15), field('iss.wnr', 1, 6), k(1n << 24n)].reduce((a, b) => S.or(a, b, 64));
  switch (config.exit) {
    case 'hvc':
      return { esr: esr(aarch32 ? EXIT_EC.hvc32 : EXIT_EC.hvc64, field('iss.imm16', 16, 0)), far: k(0n), hpfar: k(0n), ipa: k(0n) };
    case 'dabt':
      // Translation fault, level 0-3 (DFSC 0b0001xx): HPFAR_EL2 holds the IPA.
      return { esr: esr(EXIT_EC.dataAbortLower, S.or(S.or(access, k(0b000100n), 64), field('iss.level', 2, 0), 64)), far, hpfar: valid('hpfar_el2', S.lshr(ipa, 8, 64)), ipa };
    case 'perm':
      // Permission fault (DFSC 0b0011xx), not on a stage-1 walk: HPFAR_EL2 is UNKNOWN.
      return { esr: esr(EXIT_EC.dataAbortLower, S.or(S.or(access, k(0b001100n), 64), field('iss.level', 2, 0), 64)), far, hpfar: sym('exit.hpfar'), ipa };
    case 'irq':
      return { esr: k(0n), far: k(0n), hpfar: k(0n), ipa: k(0n) };
  }
}

/** The symbolic world of one path: the same symbols for every variant. */
export function symbolicWorld(path: ProofPath): World<Term> {
  const { config } = path;
  const aarch32 = config.guest === 'aarch32';
  const vcpu = guestContext('vcpu', '@init', aarch32, path.entryMode);
  const run = guestContext('guest', '@exit', aarch32, path.exitMode);
  // The guest cannot change what it cannot write: MPIDR (VMPIDR_EL2 is HYP's) and GICH_HCR.
  run.sysregs.MPIDR_EL1 = vcpu.sysregs.MPIDR_EL1!;
  run.vgic.hcr = vcpu.vgic.hcr;
  const hcrFlags = (HCR_GUEST_FLAGS | (aarch32 ? 0n : HCR.RW)) & HCR_CORE_BITS;
  const hcr = valid('hcr_el2', S.or(S.and(sym('vcpu.hcr_el2@init'), k(~HCR_CORE_BITS), 64), k(hcrFlags), 64));
  return {
    seed: -1,
    config,
    host: hostState(),
    vcpu: { ...vcpu, hcr_el2: hcr, fault: { esr_el2: zext(sym('vcpu.fault.esr_el2@init', 32)), far_el2: sym('vcpu.fault.far_el2@init'), hpfar_el2: sym('vcpu.fault.hpfar_el2@init') } },
    // VMID [55:48], a 4 KiB aligned stage-2 table base with bit 12 set: never 0 (0 means "the host").
    kvm: { vttbr: valid('vttbr_el2', S.or(S.or(S.shl(zext(sym('kvm.vttbr.vmid', 8)), 48, 64), S.shl(zext(sym('kvm.vttbr.baddr', 35)), 13, 64), 64), k(1n << 12n), 64)), cntvoff: sym('kvm.cntvoff') },
    run,
    exit: guestExit(config),
    placement: PROOF_PLACEMENT,
  };
}

/** The concrete world a symbolic world denotes under `env` (symbols it does not name are 0). */
export function concreteWorld(world: World<Term>, env: Assignment): World<bigint> {
  const memo = new Map<number, bigint>();
  const map = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(map);
    if (x !== null && typeof x === 'object') {
      if ('kind' in x && 'id' in x && 'width' in x) return evaluate(x as Term, env, memo);
      return Object.fromEntries(Object.entries(x).map(([key, v]) => [key, map(v)]));
    }
    return x;
  };
  const { config, placement, seed, ...data } = world;
  return { seed, config, placement, ...(map(data) as Omit<World<bigint>, 'seed' | 'config' | 'placement'>) };
}
