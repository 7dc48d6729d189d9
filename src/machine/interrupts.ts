// Physical interrupt lines (IRQ, FIQ, SError) and the rule that takes them (ARMv8.0, no EL3, HCR_EL2.E2H
// = 0). A scenario asserts a line (assertInterrupt, or RunOptions.interrupts at a step); before each
// instruction the runner takes the highest-priority asserted line that routing and masking allow:
//
//   routed to EL2  when HCR_EL2.{IMO, FMO, AMO} (for IRQ, FIQ, SError) or HCR_EL2.TGE is set; else to EL1
//   target < EL    not taken (an EL1 interrupt stays pending while EL2 runs)
//   target > EL    taken whatever PSTATE.{I, F, A} say (EL1's masks do not mask EL2's interrupts)
//   target = EL    taken when PSTATE's mask bit for the line (I, F, A) is clear
//
// The preferred return address is the instruction that did not run. Lines are level-sensitive: one
// stays asserted (and is taken again once unmasked) until deasserted, unless it was asserted as a
// pulse, which deasserts when it is taken (the interrupt controller acknowledged it).
// Virtual interrupts (HCR_EL2.VI/VF/VSE) are not modelled.

import type { ExceptionLevel } from '../a64/sysregs.ts';
import { EC, HCR, TakeException, hcrBit } from '../a64/semantics/exceptions.ts';
import type { ExceptionType } from '../a64/semantics/exceptions.ts';
import type { Machine } from './machine.ts';
import type { State } from './state.ts';

export type InterruptLine = 'irq' | 'fiq' | 'serror';

interface LineRule {
  bit: number;
  /** HCR_EL2 routing bit. */
  route: number;
  /** PSTATE mask bit: the field of the state. */
  mask: 'I' | 'F' | 'A';
  type: ExceptionType;
}

/** The lines in the order the lab takes them when several are asserted (highest priority first). */
export const INTERRUPT_LINES: Readonly<Record<InterruptLine, LineRule>> = {
  serror: { bit: 4, route: HCR.AMO, mask: 'A', type: 'serror' },
  fiq: { bit: 2, route: HCR.FMO, mask: 'F', type: 'fiq' },
  irq: { bit: 1, route: HCR.IMO, mask: 'I', type: 'irq' },
};

const PRIORITY = Object.keys(INTERRUPT_LINES) as InterruptLine[];

export interface AssertOptions {
  /** Deassert the line once its interrupt is taken (default: level, stays asserted). */
  pulse?: boolean;
}

export function assertInterrupt<V>(m: Machine<V>, line: InterruptLine, options: AssertOptions = {}): void {
  const bit = INTERRUPT_LINES[line].bit;
  m.interruptLines |= bit;
  if (options.pulse) m.interruptPulses |= bit;
  else m.interruptPulses &= ~bit;
}

export function deassertInterrupt<V>(m: Machine<V>, line: InterruptLine): void {
  const bit = INTERRUPT_LINES[line].bit;
  m.interruptLines &= ~bit;
  m.interruptPulses &= ~bit;
}

/** The EL a physical interrupt on `line` goes to under the current HCR_EL2. */
export function interruptTarget<V>(s: State<V>, line: InterruptLine): ExceptionLevel {
  return hcrBit(s, INTERRUPT_LINES[line].route) || hcrBit(s, HCR.TGE) ? 2 : 1;
}

/** Whether an interrupt on `line` would be taken now. */
export function interruptTakeable<V>(s: State<V>, line: InterruptLine): boolean {
  const target = interruptTarget(s, line);
  const el = s.pstate.EL;
  if (target < el) return false;
  if (target > el) return true;
  return !s.dom.decide(s[INTERRUPT_LINES[line].mask]);
}

/**
 * Takes the highest-priority asserted interrupt that routing and masking allow, before the
 * instruction at the PC; returns whether one was taken.
 */
export function takePendingInterrupt<V>(m: Machine<V>): boolean {
  if (m.interruptLines === 0) return false;
  const s = m.state;
  for (const line of PRIORITY) {
    const rule = INTERRUPT_LINES[line];
    if ((m.interruptLines & rule.bit) === 0 || !interruptTakeable(s, line)) continue;
    // An SError writes ESR_ELx (EC 0x2F, ISS 0: no syndrome in ARMv8.0); IRQ and FIQ leave it alone.
    TakeException(m, interruptTarget(s, line), rule.type, BigInt(s.pc), line === 'serror' ? { ec: EC.serror, il: 1, iss: 0 } : undefined);
    if ((m.interruptPulses & rule.bit) !== 0) deassertInterrupt(m, line);
    return true;
  }
  return false;
}

/** An interrupt a run asserts before the given step (0 = before the first instruction). */
export interface ScheduledInterrupt {
  step: number;
  line: InterruptLine;
  pulse?: boolean;
}
