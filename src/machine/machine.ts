// The machine the semantics run on: state, memory and domain, plus what the architecture leaves
// outside the register file: recorded events (barriers, TLB and cache maintenance), the translation
// that AT instructions consult, and the semihosting exit.

import type { Domain } from '../a64/domain.ts';
import type { Arena } from './arena.ts';
import type { Memory } from './memory.ts';
import type { State } from './state.ts';

export type EventKind = 'barrier' | 'tlbi' | 'ic' | 'dc' | 'at' | 'hint' | 'clrex' | 'exception' | 'eret' | 'semihosting';

/** Something the program did that changes no modelled state but that a reviewer may want to see. */
export interface MachineEvent {
  kind: EventKind;
  /** `dsb ish`, `tlbi vmalls12e1is`, `hvc #0x0 -> el2`, ... */
  name: string;
  pc: bigint;
}

/** Result of an address translation (AT): the physical address, or a fault with its status code. */
export type TranslationResult<V = bigint> = { pa: V } | { fault: number };

/** How AT instructions translate; `op` is the operation name (`s1e1r`). Values of the machine's domain. */
export type Translation<V = bigint> = (op: string, va: V) => TranslationResult<V>;

/** The default translation: every AT faults (PAR_EL1.F = 1), as with no tables set up. */
export const faultingTranslation = (): { fault: number } => ({ fault: 0 });

export class Machine<V> {
  readonly events: MachineEvent[] = [];
  /** Set by the semihosting SYS_EXIT call: the run ends normally with this status. */
  exit: { status: bigint } | undefined;
  /** Text written through semihosting SYS_WRITE0 / SYS_WRITEC. */
  output = '';
  translate: Translation<V> = faultingTranslation;
  recordEvents = true;
  /**
   * Why an exception may not enter the vector at this address (undefined: it may); the runner
   * installs its exception policy here (src/machine/exception-policy.ts). Outside a run every
   * exception is taken.
   */
  exceptionRefusal: (vector: bigint) => string | undefined = () => undefined;
  /** Asserted interrupt lines, one bit per line (src/machine/interrupts.ts); 0 when none. */
  interruptLines = 0;
  /** Lines that deassert themselves when their interrupt is taken (an acknowledged pulse). */
  interruptPulses = 0;
  /** Why the last eret was illegal (it set PSTATE.IL), for the diagnostic of the instruction after it. */
  illegalReturn: string | undefined;
  /** A concrete machine's storage, when it lives in one arena (src/machine/arena.ts). */
  arena: Arena | undefined;

  constructor(
    readonly dom: Domain<V>,
    readonly state: State<V>,
    readonly memory: Memory<V>,
  ) {}

  record(kind: EventKind, name: string, pc: bigint): void {
    if (this.recordEvents) this.events.push({ kind, name, pc });
  }
}
