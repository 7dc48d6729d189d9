// One world switch, driven the same way for every variant (variants/README.md):
//
//   1. lay out memory: the HYP image and the host's code, vcpu, kvm, host context, hyp stack, GICH;
//   2. put the host at EL1h with its state and the EL2 controls it runs under; write the vcpu context
//      it prepared, through the variant's layout;
//   3. run the host's `hvc` into HYP up to the eret at __kvm_vcpu_guest_entry; take that eret and
//      record the GUEST-ENTRY observation;
//   4. play the guest's run: every guest-writable register takes the world's fresh value; then take
//      the exit (hvc, data abort, permission fault, IRQ) as the architecture routes it to EL2;
//   5. run to the eret at __kvm_hyp_host_return, take it, and record the HOST-RETURN observation.
//
// The run stops before every eret at EL2, so each return is checked where it happens. Reaching
// __kvm_hyp_panic, any fault, the step limit, or an eret that goes somewhere the contract does not say
// is a failure: a coded diagnostic with the origin of the instruction responsible.

import { diagnostic, originOf } from '../asm/diagnostics.ts';
import type { Domain } from '../a64/domain.ts';
import { SymbolicValueError } from '../a64/domain.ts';
import type { Diagnostic, DiagnosticCode, Origin } from '../asm/diagnostics.ts';
import { HCR_MASK, TakeException } from '../a64/semantics/exceptions.ts';
import { ENTRIES } from '../a64/table/index.ts';
import { DFSC } from '../machine/exception-policy.ts';
import { hex64, MachineFault } from '../machine/faults.ts';
import type { Image, Slot } from '../machine/image.ts';
import { slotAt } from '../machine/image.ts';
import { assertInterrupt, takePendingInterrupt } from '../machine/interrupts.ts';
import type { Machine } from '../machine/machine.ts';
import { concreteMachine, run } from '../machine/run.ts';
import type { TraceEntry } from '../machine/run.ts';
import { REG } from '../machine/state.ts';
import { StructView } from '../layout/struct-view.ts';
import { GICH, GichDevice } from './gich.ts';
import { worldImage } from './host-program.ts';
import type { WorldImage } from './host-program.ts';
import { observeGuestEntry, observeGuestRetry, observeHostReturn } from './observations.ts';
import type { Observation } from './observations.ts';
import { AARCH32_SPSRS, SYSREG_SLOTS, catalogRegister, validFor } from './registers.ts';
import { contextValues, VcpuView } from './vcpu-fields.ts';
import type { Variant } from './variant.ts';
import { DATA_BASE, GICH_SIZE, HYP_STACK_SIZE, RAM_BASE, RAM_SIZE } from './world.ts';
import type { GuestContext, World } from './world.ts';

export interface WorldSwitchOptions<V = bigint> {
  /** Record every step (PC, origin, registers and memory written). */
  trace?: boolean;
  /** Steps allowed for each stretch of HYP code (host call to guest entry, exit to host return). */
  maxSteps?: number;
  /** The core the scenario runs on (default: the concrete machine); the symbolic proof gives its own. */
  backend?: WorldSwitchBackend<V>;
}

/**
 * A machine of some value domain for the scenario: the world image compiled for the domain, and a
 * fresh machine with RAM mapped (RAM_BASE, RAM_SIZE), the image loaded, at EL1.
 */
export interface WorldSwitchBackend<V> {
  dom: Domain<V>;
  image: Image<V>;
  machine(): Machine<V>;
}

/** A stretch of the run for the trace: HYP code the core executed, or what the scenario did. */
export type TraceSegment<V = bigint> = { kind: 'run'; title: string; entries: TraceEntry<V>[] } | { kind: 'scenario'; title: string };

/** A store outside the regions a variant may write (vcpu, host context, hyp stack, GICH). */
export interface StrayWrite {
  address: bigint;
  bytes: number;
  pc: bigint;
}

export interface WorldSwitchRun<V = bigint> {
  variant: string;
  world: World<V>;
  guestEntry?: Observation<V>;
  /** After the PAR_EL1.F retry of a permission fault: the guest resumed where it faulted. */
  guestRetry?: Observation<V>;
  hostReturn?: Observation<V>;
  /** The first failure, if any: the run stops there. */
  failure?: Diagnostic;
  steps: number;
  /** Deepest use of the hyp stack, in bytes below its top. */
  hypStackDepth: number;
  strayWrites: StrayWrite[];
  /** Address translations (`at`) HYP asked for: the proof explores PAR_EL1.F only where one happened. */
  translations: number;
  trace?: TraceSegment<V>[];
  /** The machine as the run left it (the proof reads its memory for the frame rule). */
  machine?: Machine<V>;
}

/** What a run observed, as one set: the guest entry, the guest retry and the host return. */
export function observationsOf<V>(run: WorldSwitchRun<V>): Observation<V> {
  return { ...run.guestEntry, ...run.guestRetry, ...run.hostReturn };
}

const DEFAULT_MAX_STEPS = 100_000;
/** ERET's encoding, from the instruction table (it has no operand fields). */
const ERET = ENTRIES.find((entry) => entry.id === 'ERET')!.compiled.bits;

/** A failure of the run: caught in runWorldSwitch and reported as its diagnostic. */
class WorldSwitchFailure extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

function failure(code: DiagnosticCode, message: string, origin: Origin): never {
  throw new WorldSwitchFailure(diagnostic(code, message, origin));
}

export function runWorldSwitch<V = bigint>(variant: Variant, world: World<V>, options: WorldSwitchOptions<V> = {}): WorldSwitchRun<V> {
  const result: WorldSwitchRun<V> = { variant: variant.name, world, steps: 0, hypStackDepth: 0, strayWrites: [], translations: 0, ...(options.trace ? { trace: [] } : {}) };
  try {
    new Scenario(variant, world, options, result).play();
  } catch (e) {
    if (e instanceof WorldSwitchFailure) result.failure = e.diagnostic;
    else if (e instanceof MachineFault) result.failure = diagnostic(e.code, e.message, originOf(variant.hypSource));
    else throw e;
  }
  return result;
}

/** The concrete machine of the scenario. */
function concreteBackend(variant: Variant): WorldSwitchBackend<bigint> {
  const image = worldImage(variant).image;
  return { dom: image.dom, image, machine: () => concreteMachine(image, { ramBase: RAM_BASE, ramSize: RAM_SIZE, el: 1 }) };
}

/** Where the core needs a number but the world's value may be symbolic: its number, or `standIn`. */
function numberOr<V>(D: Domain<V>, value: V, standIn: bigint): bigint {
  try {
    return D.concrete(value, 64, 'value');
  } catch (e) {
    if (e instanceof SymbolicValueError) return standIn;
    throw e;
  }
}

/** The PC a symbolic guest is given while the scenario plays it (its value is observed as a term). */
const GUEST_PC_STAND_IN = 0x1000n;

class Scenario<V> {
  readonly m: Machine<V>;
  readonly D: Domain<V>;
  readonly w: WorldImage;
  readonly image: Image<V>;
  readonly vcpu: VcpuView<V>;
  readonly gich: GichDevice<V> | undefined;
  readonly aarch32: boolean;
  /** Calls of the `at` translation so far (the first may fail, for the retry path). */
  private translations = 0;

  constructor(
    readonly variant: Variant,
    readonly world: World<V>,
    readonly options: WorldSwitchOptions<V>,
    readonly result: WorldSwitchRun<V>,
  ) {
    this.w = worldImage(variant);
    this.aarch32 = world.config.guest === 'aarch32';
    const image = this.w.image;
    if (image.base + image.bytes.length > Number(DATA_BASE)) {
      failure('HL0712', `the HYP image (${image.bytes.length} bytes) does not fit below the scenario's data area`, originOf(variant.hypSource));
    }
    const backend = options.backend ?? (concreteBackend(variant) as unknown as WorldSwitchBackend<V>);
    this.D = backend.dom;
    this.image = backend.image;
    this.m = backend.machine();
    result.machine = this.m;
    const p = world.placement;
    if (world.config.gic.present) {
      this.gich = new GichDevice(p.gich, world.config.gic.nrLr, this.D);
      this.m.memory.mapDevice('gich', p.gich, GICH_SIZE, this.gich);
    }
    this.vcpu = new VcpuView(variant.layout, this.m.memory, p.vcpu);
    this.m.translate = (op, va) => this.translate(op, va);
  }

  play(): void {
    this.placeHost();
    this.prepareVcpu();
    this.watchStores();
    this.scenario('host at EL1: x0 = __kvm_vcpu_run, x1 = vcpu, hvc #0');

    // Host call to guest entry.
    let eret = this.runToEret('host call: hvc into HYP up to the eret into the guest');
    this.expectEretAt(eret, '__kvm_vcpu_guest_entry', 'the eret into the guest');
    const entry = this.takeEret(eret, 'the guest');
    this.expectGuestState(eret);
    this.result.guestEntry = observeGuestEntry(this.m, entry.spsr, entry.pc, this.aarch32, this.gich);

    // The guest's run and its exit, then HYP back to the host.
    this.playGuestRun();
    this.takeExit();
    for (;;) {
      eret = this.runToEret('exit: through the vectors back to the host');
      if (eret.address !== this.variant.symbols.__kvm_hyp_host_return && this.isPlannedRetry()) {
        const retry = this.takeEret(eret, 'the guest (PAR_EL1.F retry)');
        this.expectGuestState(eret);
        this.result.guestRetry = observeGuestRetry(this.m, retry.spsr, retry.pc);
        this.scenario('the guest faults again; this time the stage 1 walk succeeds');
        this.takeExit();
        continue;
      }
      break;
    }
    this.expectEretAt(eret, '__kvm_hyp_host_return', 'the return to the host');
    this.takeEret(eret, 'the host');
    const s = this.m.state;
    if (s.pstate.EL !== 1 || s.pstate.SP !== 1 || s.pstate.nRW !== 0 || BigInt(s.pc) !== this.w.host.returned) {
      failure('HL0712', `the return to the host went to ${hex64(BigInt(s.pc))} at ${this.mode()}, not to the host's instruction after its hvc (${hex64(this.w.host.returned)}) at EL1h`, eret.origin);
    }
    this.result.hostReturn = observeHostReturn(this.m, this.vcpu, this.gich);
  }

  // ----------------------------------------------------------------------------------------------
  // Setting the world up

  private placeHost(): void {
    const s = this.m.state;
    const h = this.world.host;
    const p = this.world.placement;
    const D = this.D;
    const k = (value: bigint): V => D.constant(value, 64);
    const set = (name: string, value: V): void => s.store(catalogRegister(name), value);
    // EL2 as the host kernel leaves it for kvm_call_hyp (variants/README.md, "The host's call").
    set('hcr_el2', k(HCR_MASK.RW));
    set('vttbr_el2', k(0n));
    set('cptr_el2', k(0n));
    set('hstr_el2', k(0n));
    set('mdcr_el2', h.mdcr_el2);
    set('cnthctl_el2', h.cnthctl_el2);
    set('cntvoff_el2', k(0n));
    set('vbar_el2', k(this.variant.symbols.__kvm_hyp_vector));
    set('tpidr_el2', k(0n));
    s.setSPOf(2, k(p.hypStackTop));
    // The physical MPIDR, which the host also reads at EL1 (VMPIDR_EL2 = MPIDR_EL1, as KVM sets it up).
    set('mpidr_el1', h.sysregs.MPIDR_EL1!);
    set('vmpidr_el2', h.sysregs.MPIDR_EL1!);
    // The host at EL1h.
    for (const slot of SYSREG_SLOTS) if (!slot.aarch32 && !slot.readOnly) set(slot.register, h.sysregs[slot.slot]!);
    h.x.forEach((v, n) => s.setX(n, v));
    s.setSPOf(0, h.sp_el0);
    s.setSPOf(1, h.sp_el1);
    set('elr_el1', h.elr_el1);
    set('spsr_el1', h.spsr_el1);
    h.v.forEach((v, n) => s.setVreg(n, v));
    set('fpsr', h.fpsr);
    set('fpcr', h.fpcr);
    s.setNZCV(D.extract(h.flags, 31, 28));
    s.setDAIF(D.extract(h.flags, 9, 6));
    s.pstate.EL = 1;
    s.setSPSel(1);
    s.pc = Number(this.w.host.start);
    // The host's arguments for kvm_call_hyp.
    this.m.memory.store(this.w.host.hypFunction, 8, k(this.variant.symbols.__kvm_vcpu_run));
    this.m.memory.store(this.w.host.hypArgument, 8, k(p.vcpu));
  }

  private prepareVcpu(): void {
    const layout = this.variant.layout;
    const world = this.world;
    const p = world.placement;
    const D = this.D;
    const kvm = new StructView(layout, 'kvm', this.m.memory, p.kvm);
    kvm.write('arch.vttbr', world.kvm.vttbr);
    kvm.write('arch.timer.cntvoff', world.kvm.cntvoff);
    kvm.write('arch.timer.enabled', D.constant(world.config.timerEnabled ? 1n : 0n, 32));
    kvm.write('arch.vgic.vctrl_base', D.constant(world.config.gic.present ? p.gich : 0n, 64));
    this.vcpu.view.write('kvm', D.constant(p.kvm, 64));
    if (this.variant.hasHostContext) this.vcpu.view.write('arch.host_cpu_context', D.constant(p.hostContext, 64));
    const values = contextValues(world.vcpu);
    values['vcpu.hcr_el2'] = world.vcpu.hcr_el2;
    values['vcpu.fault.esr_el2'] = world.vcpu.fault.esr_el2;
    values['vcpu.fault.far_el2'] = world.vcpu.fault.far_el2;
    values['vcpu.fault.hpfar_el2'] = world.vcpu.fault.hpfar_el2;
    values['vcpu.vgic.nr_lr'] = D.constant(BigInt(world.config.gic.nrLr), 32);
    for (const f of this.vcpu.fields) this.vcpu.write(f.name, values[f.name]!);
  }

  /** Records where HYP stores: the deepest hyp stack use, and any store outside the declared regions. */
  private watchStores(): void {
    const p = this.world.placement;
    const vcpuSize = BigInt(this.variant.layout.struct('kvm_vcpu').size);
    const regions: [bigint, bigint][] = [
      [p.vcpu, p.vcpu + vcpuSize],
      [p.hypStackTop - BigInt(HYP_STACK_SIZE), p.hypStackTop],
    ];
    if (this.variant.hostContext !== undefined) regions.push([p.hostContext, p.hostContext + BigInt(this.variant.hostContext.size)]);
    if (this.world.config.gic.present) regions.push([p.gich, p.gich + BigInt(GICH_SIZE)]);
    this.m.memory.observer = {
      stored: (address, bytes) => {
        if (address >= p.hypStackTop - BigInt(HYP_STACK_SIZE) && address < p.hypStackTop) {
          this.result.hypStackDepth = Math.max(this.result.hypStackDepth, Number(p.hypStackTop - address));
        }
        const end = address + BigInt(bytes);
        if (!regions.some(([lo, hi]) => address >= lo && end <= hi)) {
          this.result.strayWrites.push({ address, bytes, pc: BigInt(this.m.state.pc) - 4n });
        }
      },
    };
  }

  // ----------------------------------------------------------------------------------------------
  // Running HYP code

  /** Runs until the next eret at EL2 (returned, not yet executed); panics, faults and runaways fail. */
  private runToEret(title: string): Slot<V> {
    const panic = this.variant.symbols.__kvm_hyp_panic;
    let previous: Slot<V> | undefined;
    let stop: Slot<V> | undefined;
    const r = run(this.image, this.m, {
      maxSteps: this.options.maxSteps ?? DEFAULT_MAX_STEPS,
      trace: this.options.trace ?? false,
      stopBefore: (m, slot) => {
        if (slot.address === panic || (slot.word === ERET && m.state.pstate.EL === 2)) {
          stop = slot;
          return true;
        }
        previous = slot;
        return false;
      },
    });
    this.result.steps += r.steps;
    if (r.trace !== undefined) this.result.trace?.push({ kind: 'run', title, entries: r.trace });
    if (r.status !== 'stopped') {
      failure(r.diagnostic?.code ?? 'HL0712', `${r.diagnostic?.message ?? `the run ended (${r.status})`} [${title}]`, r.diagnostic?.origin ?? originOf(this.variant.hypSource));
    }
    if (stop!.address === panic) this.panicked(previous);
    return stop!;
  }

  /** Reached __kvm_hyp_panic: say which exception got there, at the instruction that raised it if HYP's. */
  private panicked(previous: Slot<V> | undefined): never {
    const s = this.m.state;
    const events = this.m.events.filter((e) => e.kind === 'exception');
    const last = events[events.length - 1];
    const elr = numberOr(this.D, s.stored(REG.elr_el2), -1n);
    const raisedBy = elr >= 0n && elr < BigInt(Number.MAX_SAFE_INTEGER) ? slotAt(this.image, Number(elr)) : undefined;
    const origin = raisedBy?.origin ?? previous?.origin ?? originOf(this.variant.hypSource);
    const what = last === undefined ? 'no exception was taken' : `the last exception: ${last.name}`;
    failure('HL0711', `reached __kvm_hyp_panic (${what}; ESR_EL2 ${this.text(s.stored(REG.esr_el2))}, ELR_EL2 ${this.text(s.stored(REG.elr_el2))}${raisedBy ? ` '${raisedBy.text}'` : ''})`, origin);
  }

  /** A value for a message: hex, or 'symbolic'. */
  private text(v: V): string {
    const n = numberOr(this.D, v, -1n);
    return n < 0n ? '(symbolic)' : hex64(n);
  }

  private expectEretAt(eret: Slot<V>, symbol: '__kvm_vcpu_guest_entry' | '__kvm_hyp_host_return', what: string): void {
    if (eret.address !== this.variant.symbols[symbol]) {
      const target = `ELR_EL2 ${this.text(this.m.state.stored(REG.elr_el2))}, SPSR_EL2 ${this.text(this.m.state.stored(REG.spsr_el2))}`;
      failure('HL0712', `an eret at ${hex64(eret.address)} (${target}) where ${what} was expected at ${symbol} (${hex64(this.variant.symbols[symbol])})`, eret.origin);
    }
  }

  /**
   * Executes the eret the run stopped before; returns the SPSR_EL2 it restored and the address it took
   * (ELR_EL2, its low 32 bits into AArch32). Illegal returns fail. A symbolic ELR_EL2 (a guest's PC
   * in the proof) is observed as its term while the core, whose PC is a number, runs on a stand-in.
   */
  private takeEret(eret: Slot<V>, to: string): { spsr: V; pc: V } {
    const s = this.m.state;
    const D = this.D;
    const spsr = s.stored(REG.spsr_el2);
    const elr = s.stored(REG.elr_el2);
    const pc = D.decide(D.extract(spsr, 4, 4)) ? D.zeroExtend(D.extract(elr, 31, 0), 32, 64) : elr;
    const standIn = numberOr(D, elr, -1n) < 0n;
    if (standIn) s.store(REG.elr_el2, D.constant(GUEST_PC_STAND_IN, 64));
    s.pc = Number(eret.address) + 4;
    this.result.steps++;
    eret.exec(this.m);
    if (standIn) s.store(REG.elr_el2, elr);
    this.scenario(`eret to ${to} at ${this.text(pc)} (${this.mode()})`);
    if (s.pstate.IL === 1) failure('HL0707', `the eret to ${to} is an illegal exception return: ${this.m.illegalReturn ?? 'SPSR.IL set'} (SPSR_EL2 ${this.text(spsr)})`, eret.origin);
    return { spsr, pc };
  }

  /** After an eret into the guest: at the guest's EL and width. */
  private expectGuestState(eret: Slot<V>): void {
    const s = this.m.state;
    const width = s.pstate.nRW === 1 ? 'aarch32' : 'aarch64';
    if (s.pstate.EL === 2 || width !== this.world.config.guest) {
      failure('HL0712', `the eret into the guest went to ${this.mode()}, not to the ${this.world.config.guest} guest at EL1/EL0`, eret.origin);
    }
  }

  /** A retry is planned for a permission fault whose first `at s1e1r` failed, once. */
  private isPlannedRetry(): boolean {
    return this.world.config.exit === 'perm' && this.world.config.parFault && this.result.guestRetry === undefined && this.translations === 1;
  }

  // ----------------------------------------------------------------------------------------------
  // The guest

  /** The guest runs: every register it can write takes the world's fresh value. */
  private playGuestRun(): void {
    const s = this.m.state;
    const g: GuestContext<V> = this.world.run;
    const set = (name: string, value: V): void => s.store(catalogRegister(name), value);
    g.x.forEach((v, n) => s.setX(n, v));
    s.setSPOf(0, g.sp_el0);
    s.setSPOf(1, g.sp_el1);
    set('elr_el1', g.elr_el1);
    set('spsr_el1', g.spsr_el1);
    for (const slot of SYSREG_SLOTS) {
      if (slot.readOnly || (slot.aarch32 && !this.aarch32)) continue;
      set(slot.register, g.sysregs[slot.slot]!);
    }
    if (this.aarch32) for (const r of AARCH32_SPSRS) set(r.register, g.spsr32[r.name]!);
    g.v.forEach((v, n) => s.setVreg(n, v));
    set('fpsr', g.fpsr);
    set('fpcr', g.fpcr);
    if (this.world.config.timerEnabled) {
      set('cntv_ctl_el0', g.timer.cntv_ctl);
      set('cntv_cval_el0', g.timer.cntv_cval);
    }
    if (this.gich !== undefined) {
      // The hardware's side of the virtual interface: list registers, priorities, status.
      const d = this.gich;
      d.set(GICH.VMCR, g.vgic.vmcr);
      d.set(GICH.APR, g.vgic.apr);
      d.set(GICH.MISR, g.vgic.misr);
      d.set(GICH.EISR0, g.vgic.eisr[0]!);
      d.set(GICH.EISR1, g.vgic.eisr[1]!);
      d.set(GICH.ELRSR0, g.vgic.elrsr[0]!);
      d.set(GICH.ELRSR1, g.vgic.elrsr[1]!);
      for (let n = 0; n < d.nrLr; n++) d.set(GICH.LR0 + 4 * n, g.vgic.lr[n]!);
    }
    this.enterGuestPstate(g);
    this.scenario(`the guest runs (${this.world.config.guest}): every guest-writable register takes a fresh value`);
  }

  /** PSTATE and PC of the guest at its exit. */
  private enterGuestPstate(g: GuestContext<V>): void {
    const s = this.m.state;
    const D = this.D;
    // The mode selects the core's EL and stack pointer: a number even in a symbolic world.
    const mode = D.concrete(D.extract(g.pstate, 4, 0), 5, "the guest's mode (PSTATE.M)");
    if (this.aarch32) {
      s.pstate.nRW = 1;
      s.pstate.EL = mode === 0x10n ? 0 : 1;
      s.pstate.SP = 1;
    } else {
      s.pstate.nRW = 0;
      s.pstate.EL = Number(mode >> 2n) as 0 | 1;
      s.pstate.SP = Number(mode & 1n) as 0 | 1;
    }
    s.pstate.IL = 0;
    s.setNZCV(D.extract(g.pstate, 31, 28));
    s.setDAIF(this.aarch32 ? D.zeroExtend(D.extract(g.pstate, 8, 6), 3, 4) : D.extract(g.pstate, 9, 6));
    s.pc = Number(numberOr(D, g.pc, GUEST_PC_STAND_IN));
  }

  /** The exit, taken to EL2 as the architecture routes it (VBAR_EL2 + 0x400/0x480, or 0x600/0x680 from AArch32). */
  private takeExit(): void {
    const world = this.world;
    const e = world.exit;
    const s = this.m.state;
    const D = this.D;
    const g = world.run;
    if (s.pstate.EL === 2) this.enterGuestPstate(g);
    const abort = world.config.exit === 'dabt' || world.config.exit === 'perm';
    try {
      if (world.config.exit === 'irq') {
        assertInterrupt(this.m, 'irq', { pulse: true });
        if (!takePendingInterrupt(this.m)) failure('HL0712', `the guest's IRQ was not taken to EL2: HCR_EL2 ${this.text(s.stored(REG.hcr_el2))} does not route IRQs to EL2 (IMO)`, originOf(this.variant.hypSource));
      } else {
        // The exception class routes the exit: a number even in a symbolic world; the rest of the
        // syndrome, FAR and HPFAR are written from the world's values below.
        const syndrome = { ec: Number(D.concrete(D.extract(e.esr, 31, 26), 6, "the exit's ESR_EL2.EC")), il: 1 as const, iss: Number(numberOr(D, D.zeroExtend(D.extract(e.esr, 24, 0), 25, 64), 0n)) };
        TakeException(this.m, 2, 'sync', numberOr(D, g.pc, GUEST_PC_STAND_IN), abort ? { ...syndrome, far: numberOr(D, e.far, 0n), hpfar: validFor('hpfar_el2', numberOr(D, e.hpfar, 0n)) } : syndrome);
      }
    } catch (err) {
      if (err instanceof MachineFault) failure(err.code, `the guest's exit (${world.config.exit}) was not taken: ${err.message}`, originOf(this.variant.hypSource));
      throw err;
    }
    // What the architecture writes, as the world's values (the same numbers in a concrete world; terms
    // where the core above needed numbers).
    s.store(REG.elr_el2, g.pc);
    if (world.config.exit !== 'irq') s.store(REG.esr_el2, e.esr);
    if (abort) {
      s.store(REG.far_el2, e.far);
      s.store(REG.hpfar_el2, e.hpfar);
    }
    // The core keeps NZCV, DAIF, EL and SP of PSTATE: the SPSR_EL2 of an AArch32 guest (mode, T, IT, GE,
    // Q) is the one the architecture writes from its full PSTATE.
    if (this.aarch32) s.store(REG.spsr_el2, g.pstate);
    else if (s.stored(REG.spsr_el2) !== g.pstate) throw new Error(`internal: SPSR_EL2 ${this.text(s.stored(REG.spsr_el2))} is not the guest's PSTATE ${this.text(g.pstate)}`);
    this.scenario(`exit: ${world.config.exit} from the ${world.config.guest} guest to EL2 at ${hex64(BigInt(s.pc))} (ESR_EL2 ${this.text(s.stored(REG.esr_el2))})`);
  }

  /** `at s1e1r` of the guest's faulting VA: the world's IPA (the first walk fails for the retry path). */
  private translate(op: string, va: V): { pa: V } | { fault: number } {
    this.translations++;
    this.result.translations = this.translations;
    if (this.world.config.parFault && this.translations === 1) return { fault: DFSC.translationLevel1 };
    if (op === 's1e1r' && this.D.decide(this.D.eq(va, this.world.exit.far, 64))) return { pa: this.world.exit.ipa };
    return { fault: DFSC.translationLevel1 };
  }

  // ----------------------------------------------------------------------------------------------

  private scenario(title: string): void {
    this.result.trace?.push({ kind: 'scenario', title });
  }

  private mode(): string {
    const p = this.m.state.pstate;
    return p.nRW === 1 ? `AArch32 EL${p.EL}` : `EL${p.EL}${p.SP === 1 ? 'h' : 't'}`;
  }
}
