// The world of one world switch, as data: the host's state at its hvc, the vcpu context the host
// prepared, the values the guest leaves when it exits, the exit, the configuration and where everything
// sits in memory. `generateWorld(seed, ...)` makes one deterministically from a seed; the property tests
// build fast-check arbitraries on the same type. Every register value is valid for its register (RES0
// clear, RES1 set, see registers.ts), so the machine holds exactly what the world says.

import { EC, HCR_MASK as HCR } from '../a64/semantics/exceptions.ts';
import { AARCH32_SPSRS, HOST_SYSREG_SLOTS, SYSREG_SLOTS, validFor } from './registers.ts';

export const EXIT_KINDS = ['hvc', 'dabt', 'perm', 'irq'] as const;
/** hvc: a guest hypercall; dabt: a stage-2 translation fault (HPFAR_EL2 valid); perm: a stage-2
 *  permission fault (HPFAR_EL2 UNKNOWN: HYP needs `at s1e1r`); irq: a physical IRQ routed to EL2. */
export type ExitKind = (typeof EXIT_KINDS)[number];

export const GUEST_WIDTHS = ['aarch64', 'aarch32'] as const;
export type GuestWidth = (typeof GUEST_WIDTHS)[number];

export interface WorldConfig {
  exit: ExitKind;
  guest: GuestWidth;
  /** kvm.arch.timer.enabled: the VM has a virtual timer HYP switches. */
  timerEnabled: boolean;
  /** A GICv2 virtual interface (GICH) with `nrLr` list registers; absent means vctrl_base = 0. */
  gic: { present: boolean; nrLr: number };
  /** For `perm`: the first `at s1e1r` aborts (PAR_EL1.F = 1): HYP returns to the guest, which faults again. */
  parFault: boolean;
}

/** The host at its `hvc`, at EL1h (AArch64). */
export interface HostState<V = bigint> {
  /** X0-X30 before the host code loads x0/x1 for the call. */
  x: V[];
  sp_el0: V;
  /** The host's stack pointer (EL1h). */
  sp_el1: V;
  elr_el1: V;
  spsr_el1: V;
  /** NZCV [31:28] and DAIF [9:6] of the host's PSTATE (M is EL1h). */
  flags: V;
  /** EL1 system registers by SysReg slot name (MPIDR_EL1 is the physical MPIDR, which the host reads). */
  sysregs: Record<string, V>;
  v: V[];
  fpsr: V;
  fpcr: V;
  /** EL2 controls the host set up before calling: MDCR_EL2 (HPMN) and CNTHCTL_EL2. */
  mdcr_el2: V;
  cnthctl_el2: V;
}

/** A guest's architectural context: as the host prepared it in the vcpu, or as the guest left it. */
export interface GuestContext<V = bigint> {
  x: V[];
  sp_el0: V;
  sp_el1: V;
  elr_el1: V;
  spsr_el1: V;
  /** The PC the guest resumes at (ELR_EL2): its entry, or the preferred return of its exit. */
  pc: V;
  /** PSTATE as an SPSR: AArch64 EL0t/EL1t/EL1h, or an AArch32 mode. */
  pstate: V;
  /** spsr[KVM_SPSR_ABT .. KVM_SPSR_FIQ] by short name (abt, und, irq, fiq). */
  spsr32: Record<string, V>;
  /** sys_regs[] by SysReg slot name. */
  sysregs: Record<string, V>;
  v: V[];
  fpsr: V;
  fpcr: V;
  timer: { cntv_ctl: V; cntv_cval: V };
  /** The GICv2 virtual interface state (32-bit registers); lr has VGIC_MAX_LRS entries. */
  vgic: { hcr: V; vmcr: V; misr: V; eisr: V[]; elrsr: V[]; apr: V; lr: V[] };
}

/** How the guest's run ends: the exception HYP sees. */
export interface GuestExit<V = bigint> {
  /** ESR_EL2 for a synchronous exit (0 for irq). */
  esr: V;
  /** FAR_EL2 for an abort. */
  far: V;
  /** HPFAR_EL2 the hardware writes: the IPA for dabt, an UNKNOWN value for perm. */
  hpfar: V;
  /** The IPA page the `at s1e1r` walk of FAR_EL2 gives for perm (PAR_EL1.PA). */
  ipa: V;
}

export interface Placement {
  vcpu: bigint;
  kvm: bigint;
  /** The host context struct, when the layout has `arch.host_cpu_context`. */
  hostContext: bigint;
  /** SP_EL2: the top of a HYP_STACK_SIZE stack. */
  hypStackTop: bigint;
  /** The GICH block (MMIO), when the GIC is present. */
  gich: bigint;
}

export interface World<V = bigint> {
  seed: number;
  config: WorldConfig;
  host: HostState<V>;
  /** The vcpu context the host prepared (guest entry must equal it). */
  vcpu: GuestContext<V> & {
    hcr_el2: V;
    /** arch.fault before the run: stale values a trap must overwrite. */
    fault: { esr_el2: V; far_el2: V; hpfar_el2: V };
  };
  kvm: { vttbr: V; cntvoff: V };
  /** What the guest's run leaves in every guest-writable register. */
  run: GuestContext<V>;
  exit: GuestExit<V>;
  placement: Placement;
}

// ------------------------------------------------------------------------------------------------
// Facts the generator relies on

export const HYP_STACK_SIZE = 4096;
/** RAM the scenario maps: 4 MiB at QEMU virt's 0x4000_0000, far below kern_hyp_va's 2^39. */
export const RAM_BASE = 0x4000_0000n;
export const RAM_SIZE = 4 * 1024 * 1024;
/** The first MiB holds the HYP image and the host's code; data goes above. */
export const DATA_BASE = RAM_BASE + 0x0010_0000n;
export const GICH_SIZE = 0x200;

/** KVM's HCR_GUEST_FLAGS (kvm_arm.h of the series): stage 2, interrupts routed to EL2, trapped WFI/WFE/SMC/... */
export const HCR_GUEST_FLAGS = HCR.TSC | HCR.TSW | HCR.TWE | HCR.TWI | HCR.VM | HCR.BSU_IS | HCR.FB | HCR.TACR | HCR.AMO | HCR.IMO | HCR.FMO | HCR.SWIO | HCR.TIDCP;

/** ESR_EL2.EC of the exits (Arm ARM D13.2.37), from the core's one EC table. */
export const EXIT_EC = { hvc64: EC.hvc64, hvc32: EC.hvc32, dataAbortLower: EC.dataAbortLower } as const;

/** SPSR.M of the modes a guest may be in when it exits. */
const AARCH64_GUEST_MODES = [0b00000n, 0b00100n, 0b00101n]; // EL0t, EL1t, EL1h
/** AArch32 SPSR bits the generator leaves clear: M [4:0] (chosen), E [9], IL [20], SS [21]. */
const AARCH32_PSR_FIXED = 0x1fn | (1n << 9n) | (1n << 20n) | (1n << 21n);
const AARCH32_GUEST_MODES = [0x10n, 0x11n, 0x12n, 0x13n, 0x17n, 0x1bn, 0x1fn]; // usr fiq irq svc abt und sys

// ------------------------------------------------------------------------------------------------
// Where values come from: one description of a valid world (generateWorld's code below) read from a
// deterministic seed (Random) or from fast-check (src/equiv/world-arbitrary.ts, which shrinks each
// choice toward 0: the first exit kind, no timer, no GIC, zero registers).

export interface ValueSource {
  u64(): bigint;
  /** n random bits (n may exceed 64: a V register takes 128). */
  bits(n: number): bigint;
  /** An integer in [0, n). */
  below(n: number): number;
  pick<T>(choices: readonly T[]): T;
  coin(): boolean;
}

/** A deterministic source of values (splitmix64). */
export class Random implements ValueSource {
  private state: bigint;
  constructor(seed: number | bigint) {
    this.state = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 0x632be59bd9b4e019n);
  }

  u64(): bigint {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }

  bits(n: number): bigint {
    return n >= 64 ? (n === 64 ? this.u64() : (this.u64() << 64n) | this.u64()) & ((1n << BigInt(n)) - 1n) : this.u64() & ((1n << BigInt(n)) - 1n);
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Number(this.u64() % BigInt(n));
  }

  pick<T>(choices: readonly T[]): T {
    return choices[this.below(choices.length)]!;
  }

  coin(): boolean {
    return (this.u64() & 1n) === 1n;
  }
}

// ------------------------------------------------------------------------------------------------
// Generation

export interface WorldChoice {
  exit?: ExitKind;
  guest?: GuestWidth;
  /** Override parts of the configuration (e.g. force the PAR_EL1.F retry path). */
  config?: Partial<WorldConfig>;
}

export function generateWorld(seed: number, choice: WorldChoice = {}): World {
  return buildWorld(new Random(seed), seed, choice);
}

/** A valid world from any source of values; `seed` is recorded in it (how to make it again). */
export function buildWorld(r: ValueSource, seed: number, choice: WorldChoice = {}): World {
  const config = generateConfig(r, choice);
  const aarch32 = config.guest === 'aarch32';
  const vcpuContext = generateGuestContext(r, aarch32);
  const run = generateGuestContext(r, aarch32);
  // The guest cannot change what it cannot write: MPIDR (VMPIDR_EL2 is HYP's) and the GICH_HCR.
  run.sysregs.MPIDR_EL1 = vcpuContext.sysregs.MPIDR_EL1!;
  run.vgic.hcr = vcpuContext.vgic.hcr;
  const hcr = validFor('hcr_el2', (HCR_GUEST_FLAGS & ~(r.coin() ? HCR.TWE : 0n)) | (aarch32 ? 0n : HCR.RW));
  return {
    seed,
    config,
    host: generateHost(r),
    vcpu: {
      ...vcpuContext,
      hcr_el2: hcr,
      fault: { esr_el2: r.bits(32), far_el2: r.u64(), hpfar_el2: r.u64() },
    },
    // VMID [55:48] and a non-zero, 4 KiB aligned stage-2 table base.
    kvm: { vttbr: validFor('vttbr_el2', (r.bits(8) << 48n) | ((r.bits(36) | 1n) << 12n)), cntvoff: r.u64() },
    run,
    exit: generateExit(r, config),
    placement: generatePlacement(r),
  };
}

function generateConfig(r: ValueSource, choice: WorldChoice): WorldConfig {
  // nr_lr: GICv2 has 1..64 list registers (GICH_VTR.ListRegs + 1); often 4.
  const nrLr = r.pick([1, 4, 4, 8, 16, 64]);
  return {
    exit: choice.exit ?? r.pick(EXIT_KINDS),
    guest: choice.guest ?? r.pick(GUEST_WIDTHS),
    timerEnabled: r.below(4) !== 0,
    gic: { present: r.below(4) !== 0, nrLr },
    parFault: r.below(3) === 0,
    ...choice.config,
  };
}

const list = (n: number, make: () => bigint): bigint[] => Array.from({ length: n }, make);

function generateHost(r: ValueSource): HostState {
  const sysregs: Record<string, bigint> = {};
  for (const s of HOST_SYSREG_SLOTS) sysregs[s.slot] = validFor(s.register, r.u64());
  // FP/SIMD at EL1 is enabled (CPACR_EL1.FPEN = 0b11): the host kernel uses it.
  sysregs.CPACR_EL1 = validFor('cpacr_el1', sysregs.CPACR_EL1! | (0b11n << 20n));
  return {
    x: list(31, () => r.u64()),
    sp_el0: r.u64(),
    sp_el1: DATA_BASE + 0x0020_0000n + (r.bits(16) << 4n),
    elr_el1: r.u64(),
    spsr_el1: validFor('spsr_el1', r.u64()),
    flags: (r.bits(4) << 28n) | (r.bits(4) << 6n),
    sysregs,
    v: list(32, () => r.bits(128)),
    fpsr: validFor('fpsr', r.u64()),
    fpcr: validFor('fpcr', r.u64()),
    // HPMN: the event counters the host leaves to EL1 (PMCR_EL0.N at boot).
    mdcr_el2: BigInt(r.below(32)),
    // EL1PCTEN and EL1PCEN: the host owns the physical counter and timer; the rest as the host set it.
    cnthctl_el2: validFor('cnthctl_el2', (r.bits(6) << 2n) | 0b11n),
  };
}

function generateGuestContext(r: ValueSource, aarch32: boolean): GuestContext {
  // An AArch32 guest's registers are 32 bits: its R0-R14 and banked registers live in the low half of X0-X30.
  const word = (): bigint => (aarch32 ? r.bits(32) : r.u64());
  const sysregs: Record<string, bigint> = {};
  for (const s of SYSREG_SLOTS) sysregs[s.slot] = validFor(s.register, r.u64());
  // What EL1 reads as MPIDR_EL1: VMPIDR_EL2's format.
  sysregs.MPIDR_EL1 = validFor('vmpidr_el2', sysregs.MPIDR_EL1!);
  const spsr32: Record<string, bigint> = {};
  for (const s of AARCH32_SPSRS) spsr32[s.name] = validFor(s.register, r.u64());
  const pstate = aarch32
    ? // NZCVQ, IT, GE, A/I/F, T and a mode; E (big-endian) clear.
      validFor('spsr_el2', (r.bits(32) & ~AARCH32_PSR_FIXED) | r.pick(AARCH32_GUEST_MODES))
    : validFor('spsr_el2', (r.bits(4) << 28n) | (r.bits(4) << 6n) | r.pick(AARCH64_GUEST_MODES));
  // A32 instructions are 4-byte aligned, T32 ones 2-byte; A64 ones 4-byte.
  const thumb = aarch32 && (pstate & (1n << 5n)) !== 0n;
  const pc = aarch32 ? r.bits(32) & (thumb ? ~1n : ~3n) : r.bits(48) & ~3n;
  return {
    x: list(31, word),
    sp_el0: word(),
    sp_el1: word(),
    elr_el1: word(),
    spsr_el1: validFor('spsr_el1', r.u64()),
    pc,
    pstate,
    spsr32,
    sysregs,
    v: list(32, () => r.bits(128)),
    fpsr: validFor('fpsr', r.u64()),
    fpcr: validFor('fpcr', r.u64()),
    // ENABLE and IMASK: ISTATUS is the hardware's.
    timer: { cntv_ctl: r.bits(2), cntv_cval: r.u64() },
    vgic: { hcr: r.bits(32), vmcr: r.bits(32), misr: r.bits(32), eisr: list(2, () => r.bits(32)), elrsr: list(2, () => r.bits(32)), apr: r.bits(32), lr: list(64, () => r.bits(32)) },
  };
}

function generateExit(r: ValueSource, config: WorldConfig): GuestExit {
  const aarch32 = config.guest === 'aarch32';
  const far = aarch32 ? r.bits(32) : r.bits(48);
  const ipa = r.bits(36) << 12n; // a 48-bit IPA page
  // Data abort ISS: ISV with an access syndrome (SAS, SRT, SF), WnR, DFSC.
  const access = (1n << 24n) | (r.bits(2) << 22n) | (r.bits(5) << 16n) | (r.bits(1) << 15n) | (r.bits(1) << 6n);
  const esr = (ec: number, iss: bigint): bigint => (BigInt(ec) << 26n) | (1n << 25n) | iss;
  switch (config.exit) {
    case 'hvc':
      return { esr: esr(aarch32 ? EXIT_EC.hvc32 : EXIT_EC.hvc64, r.bits(16)), far: 0n, hpfar: 0n, ipa: 0n };
    case 'dabt':
      // Translation fault, level 0-3 (DFSC 0b0001xx): HPFAR_EL2 holds the IPA.
      return { esr: esr(EXIT_EC.dataAbortLower, access | 0b000100n | r.bits(2)), far, hpfar: validFor('hpfar_el2', ipa >> 8n), ipa };
    case 'perm':
      // Permission fault, level 1-3 (DFSC 0b0011xx), not on a stage-1 walk (S1PTW = 0): HPFAR_EL2 is UNKNOWN.
      return { esr: esr(EXIT_EC.dataAbortLower, access | 0b001100n | BigInt(1 + r.below(3))), far, hpfar: r.u64(), ipa };
    case 'irq':
      return { esr: 0n, far: 0n, hpfar: 0n, ipa: 0n };
  }
}

/** Regions in the data area, each in its own 64 KiB slot (in a random order), at a random aligned offset. */
function generatePlacement(r: ValueSource): Placement {
  const slots = [0, 1, 2, 3];
  for (let i = slots.length - 1; i > 0; i--) {
    const j = r.below(i + 1);
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  const at = (k: number): bigint => DATA_BASE + BigInt(slots[k]!) * 0x1_0000n + (r.bits(8) << 4n);
  return {
    vcpu: at(0),
    kvm: at(1),
    hostContext: at(2),
    hypStackTop: DATA_BASE + BigInt(slots[3]!) * 0x1_0000n + BigInt(HYP_STACK_SIZE) + (r.bits(8) << 4n),
    gich: 0x0803_0000n + (r.bits(8) << 16n),
  };
}
