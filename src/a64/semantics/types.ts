// What a semantics function is: compiled once per decoded instruction (operands read, constants made,
// widths fixed), it returns the closure the machine runs each time the instruction executes.

import type { Domain } from '../domain.ts';
import type { Decoded, OperandValue } from '../entry.ts';
import type { Machine } from '../../machine/machine.ts';
import type { State } from '../../machine/state.ts';
import type { Width } from '../domain.ts';

export type Exec<V> = (m: Machine<V>) => void;

export interface CompileEnv<V> {
  dom: Domain<V>;
  /** The instruction's own address (the PC while it executes). */
  address: bigint;
}

export type Semantics = <V>(d: Decoded, env: CompileEnv<V>) => Exec<V>;

export type Reg = Extract<OperandValue, { kind: 'reg' }>;
export type VReg = Extract<OperandValue, { kind: 'vreg' }>;
export type Imm = Extract<OperandValue, { kind: 'imm' }>;
export type Shift = Extract<OperandValue, { kind: 'shift' }>;
export type Extend = Extract<OperandValue, { kind: 'extend' }>;
export type Cond = Extract<OperandValue, { kind: 'cond' }>;
export type Label = Extract<OperandValue, { kind: 'label' }>;
export type Named = Extract<OperandValue, { kind: 'name' }>;

/** Operand `i` of a decoded instruction, of the kind the table promises for this entry. */
export function operand<K extends OperandValue['kind']>(d: Decoded, i: number, kind: K): Extract<OperandValue, { kind: K }> {
  const op = d.operands[i];
  if (op === undefined || op.kind !== kind) throw new Error(`${d.entry.id}: operand ${i} is ${op?.kind ?? 'missing'}, expected ${kind}`);
  return op as Extract<OperandValue, { kind: K }>;
}

/** Reads a register operand: number 31 is SP where the operand allows it, else the zero register. */
export function readReg<V>(s: State<V>, r: Reg): V {
  return r.n === 31 && r.sp ? s.SP(r.width) : s.X(r.n, r.width);
}

export function writeReg<V>(s: State<V>, r: Reg, value: V): void {
  if (r.n === 31 && r.sp) s.setSP(value, r.width);
  else s.setX(r.n, value, r.width);
}

export function widthOf(r: Reg): Width {
  return r.width;
}
