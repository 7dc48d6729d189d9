// Branches: b/bl (immediate), b.cond, cbz/cbnz, tbz/tbnz, br/blr/ret. PC-relative targets are
// resolved when the instruction is compiled; a taken branch sets the PC, the fall-through is PC + 4
// (set by the runner before each step).

import type { Decoded } from '../entry.ts';
import type { Domain } from '../domain.ts';
import { ConditionHolds } from './pseudocode.ts';
import { branchToValue } from './exceptions.ts';
import { operand } from './types.ts';
import type { Exec, Semantics } from './types.ts';

/** The target of a PC-relative label operand, as a PC number. */
function target(d: Decoded, i: number, address: bigint): number {
  return Number(address + operand(d, i, 'label').offset);
}

const branchImmediate = (link: boolean): Semantics => <V>(d: Decoded, { dom: D, address }: { dom: Domain<V>; address: bigint }): Exec<V> => {
  const to = target(d, 0, address);
  if (!link) return (m) => void (m.state.pc = to);
  const ret = D.constant(address + 4n, 64);
  return (m) => {
    m.state.setX(30, ret);
    m.state.pc = to;
  };
};

const B_cond: Semantics = <V>(d: Decoded, { dom: D, address }: { dom: Domain<V>; address: bigint }): Exec<V> => {
  const cond = operand(d, 0, 'cond').cond;
  const to = target(d, 1, address);
  return (m) => {
    if (D.decide(ConditionHolds(m.state, cond))) m.state.pc = to;
  };
};

const compareAndBranch = (nonZero: boolean): Semantics => <V>(d: Decoded, { dom: D, address }: { dom: Domain<V>; address: bigint }): Exec<V> => {
  const rt = operand(d, 0, 'reg');
  const N = rt.width;
  const zero = D.constant(0n, N);
  const to = target(d, 1, address);
  return (m) => {
    const isZero = D.decide(D.eq(m.state.X(rt.n, N), zero, N));
    if (isZero !== nonZero) m.state.pc = to;
  };
};

const testAndBranch = (nonZero: boolean): Semantics => <V>(d: Decoded, { dom: D, address }: { dom: Domain<V>; address: bigint }): Exec<V> => {
  const rt = operand(d, 0, 'reg');
  const bit = Number(operand(d, 1, 'imm').value);
  const to = target(d, 2, address);
  return (m) => {
    const set = D.decide(D.extract(m.state.X(rt.n, 64), bit, bit));
    if (set === nonZero) m.state.pc = to;
  };
};

const branchRegister = (link: boolean): Semantics => <V>(d: Decoded, { dom: D, address }: { dom: Domain<V>; address: bigint }): Exec<V> => {
  const rn = operand(d, 0, 'reg');
  const ret = D.constant(address + 4n, 64);
  return (m) => {
    const s = m.state;
    const to = s.X(rn.n); // read before the link write: blr x30 branches to the old x30
    if (link) s.setX(30, ret);
    branchToValue(s, to);
  };
};

export const BRANCHES: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['B', branchImmediate(false)],
  ['BL', branchImmediate(true)],
  ['B_cond', B_cond],
  ['CBZ_32', compareAndBranch(false)],
  ['CBZ_64', compareAndBranch(false)],
  ['CBNZ_32', compareAndBranch(true)],
  ['CBNZ_64', compareAndBranch(true)],
  ['TBZ', testAndBranch(false)],
  ['TBNZ', testAndBranch(true)],
  ['BR', branchRegister(false)],
  ['BLR', branchRegister(true)],
  ['RET', branchRegister(false)],
]);
