// Loads and stores: single registers (W/X, sign-extending, B/H/S/D/Q) in every addressing mode, loads
// from a literal, and pairs. The access itself happens before the base writeback, as in the ASL; a
// store reads its data before either.

import type { Decoded } from '../entry.ts';
import type { Domain, Width } from '../domain.ts';
import type { MemoryOperand } from '../table/loads-stores.ts';
import type { AccessBytes } from '../../machine/memory.ts';
import type { Machine } from '../../machine/machine.ts';
import type { State } from '../../machine/state.ts';
import { MachineFault } from '../../machine/faults.ts';
import { ExtendReg } from './pseudocode.ts';
import { operand } from './types.ts';
import type { Exec, Reg, Semantics, VReg } from './types.ts';

/** CheckSPAlignment(): an SP used as a base must be 16-byte aligned when checking is on. */
export function CheckSPAlignment<V>(s: State<V>): void {
  if (!s.SPAlignmentCheckEnabled()) return;
  const D = s.dom;
  if (!D.decide(D.eq(D.extract(s.SP(), 3, 0), D.constant(0n, 4), 4))) {
    throw new MachineFault('sp-alignment', `SP alignment fault: SP is not 16-byte aligned (SCTLR_EL${s.pstate.EL === 2 ? 2 : 1}.${s.pstate.EL === 0 ? 'SA0' : 'SA'} is set)`);
  }
}

/** The base register of an address: SP (checked for alignment) or X[n]. */
function baseValue<V>(s: State<V>, n: number): V {
  if (n !== 31) return s.X(n);
  CheckSPAlignment(s);
  return s.SP();
}

function setBase<V>(s: State<V>, n: number, value: V): void {
  if (n === 31) s.setSP(value);
  else s.setX(n, value);
}

/** How an addressing mode computes the address from the base register's value, and the written-back base. */
interface Addressing<V> {
  /** The address of the (first) access. */
  address(s: State<V>, base: V): V;
  /** The base register's new value, or undefined when the mode does not write back. */
  writeback: ((base: V, address: V) => V) | undefined;
}

function memoryOperand(d: Decoded, i: number): MemoryOperand {
  return operand(d, i, 'mem') as unknown as MemoryOperand;
}

function addressing<V>(D: Domain<V>, d: Decoded, memIndex: number): Addressing<V> {
  const mem = memoryOperand(d, memIndex);
  switch (mem.mode) {
    case 'offset': {
      if ((mem.offset ?? 0n) === 0n) return { address: (_s, base) => base, writeback: undefined };
      const offset = D.constant(mem.offset!, 64);
      return { address: (_s, base) => D.add(base, offset, 64), writeback: undefined };
    }
    case 'pre': {
      const offset = D.constant(mem.offset!, 64);
      return { address: (_s, base) => D.add(base, offset, 64), writeback: (_base, address) => address };
    }
    case 'post': {
      const offset = D.constant(operand(d, memIndex + 1, 'imm').value, 64);
      return { address: (_s, base) => base, writeback: (base) => D.add(base, offset, 64) };
    }
    case 'register': {
      const extend = mem.extend === 'lsl' ? 'uxtx' : mem.extend!;
      const shift = mem.shift ?? 0;
      const m = mem.index!;
      return { address: (s, base) => D.add(base, ExtendReg(D, s.X(m), extend, shift, 64), 64), writeback: undefined };
    }
  }
}

/** The register an access transfers: a general-purpose register (with its load extension) or a V register. */
interface Transfer<V> {
  bytes: AccessBytes;
  read(s: State<V>): V;
  write(s: State<V>, data: V): void;
}

function transfer<V>(D: Domain<V>, op: Reg | VReg, signed: boolean, bytes: AccessBytes): Transfer<V> {
  const width: Width = bytes * 8;
  if (op.kind === 'vreg') {
    return { bytes, read: (s) => s.Vreg(op.n, width), write: (s, data) => s.setVreg(op.n, data, width) };
  }
  const N = op.width as 32 | 64;
  return {
    bytes,
    read: (s) => s.X(op.n, width as Width),
    write: (s, data) => {
      if (width === N) s.setX(op.n, data, N);
      else s.setX(op.n, signed ? D.signExtend(data, width, N) : D.zeroExtend(data, width, N), N);
    },
  };
}

function Mem<V>(m: Machine<V>, address: V, bytes: AccessBytes): V {
  return m.memory.load(m.dom.concrete(address, 64, 'load address'), bytes);
}

function setMem<V>(m: Machine<V>, address: V, bytes: AccessBytes, data: V): void {
  m.memory.store(m.dom.concrete(address, 64, 'store address'), bytes, data);
}

const SINGLE = /^(LD|ST)U?R(S)?(B|H|W)?_(?:32|64|B|H|S|D|Q)_/;
const LETTER_BYTES = { B: 1, H: 2, W: 4 } as const;

function singleTransfer<V>(D: Domain<V>, d: Decoded): { load: boolean; rt: Transfer<V> } {
  const match = SINGLE.exec(d.entry.id);
  if (match === null) throw new Error(`${d.entry.id}: not a single-register load/store`);
  const op = d.operands[0] as Reg | VReg;
  const bytes = (op.kind === 'vreg' ? op.bytes : match[3] !== undefined ? LETTER_BYTES[match[3] as 'B' | 'H' | 'W'] : op.width / 8) as AccessBytes;
  return { load: match[1] === 'LD', rt: transfer(D, op, match[2] === 'S', bytes) };
}

/** ldr/str and friends in the offset, pre-index, post-index and register-offset modes. */
const loadStoreSingle: Semantics = <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const { load, rt } = singleTransfer(D, d);
  const mode = addressing(D, d, 1);
  const writeback = mode.writeback;
  const n = memoryOperand(d, 1).base;
  if (load) {
    return (m) => {
      const s = m.state;
      const base = baseValue(s, n);
      const address = mode.address(s, base);
      const data = Mem(m, address, rt.bytes);
      if (writeback !== undefined) setBase(s, n, writeback(base, address));
      rt.write(s, data);
    };
  }
  return (m) => {
    const s = m.state;
    const data = rt.read(s);
    const base = baseValue(s, n);
    const address = mode.address(s, base);
    setMem(m, address, rt.bytes, data);
    if (writeback !== undefined) setBase(s, n, writeback(base, address));
  };
};

/** ldr (literal): PC-relative, no writeback. */
const loadLiteral: Semantics = <V>(d: Decoded, { dom: D, address }: { dom: Domain<V>; address: bigint }): Exec<V> => {
  const op = d.operands[0] as Reg | VReg;
  const signed = d.entry.id.startsWith('LDRSW');
  const bytes = (op.kind === 'vreg' ? op.bytes : signed ? 4 : op.width / 8) as AccessBytes;
  const rt = transfer(D, op, signed, bytes);
  const at = D.constant(address + operand(d, 1, 'label').offset, 64);
  return (m) => rt.write(m.state, Mem(m, at, bytes));
};

const PAIR = /^(LD|ST)N?P(SW)?_/;

/** ldp/stp/ldnp/stnp/ldpsw: two registers at address and address + size. */
const loadStorePair: Semantics = <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const match = PAIR.exec(d.entry.id)!;
  const load = match[1] === 'LD';
  const signed = match[2] !== undefined;
  const op1 = d.operands[0] as Reg | VReg;
  const op2 = d.operands[1] as Reg | VReg;
  const bytes = (op1.kind === 'vreg' ? op1.bytes : signed ? 4 : op1.width / 8) as AccessBytes;
  const rt = transfer(D, op1, signed, bytes);
  const rt2 = transfer(D, op2, signed, bytes);
  const mode = addressing(D, d, 2);
  const writeback = mode.writeback;
  const n = memoryOperand(d, 2).base;
  const step = D.constant(BigInt(bytes), 64);
  if (load) {
    return (m) => {
      const s = m.state;
      const base = baseValue(s, n);
      const address = mode.address(s, base);
      const data1 = Mem(m, address, bytes);
      const data2 = Mem(m, D.add(address, step, 64), bytes);
      if (writeback !== undefined) setBase(s, n, writeback(base, address));
      rt.write(s, data1);
      rt2.write(s, data2);
    };
  }
  return (m) => {
    const s = m.state;
    const data1 = rt.read(s);
    const data2 = rt2.read(s);
    const base = baseValue(s, n);
    const address = mode.address(s, base);
    setMem(m, address, bytes, data1);
    setMem(m, D.add(address, step, 64), bytes, data2);
    if (writeback !== undefined) setBase(s, n, writeback(base, address));
  };
};

/** Entry id -> semantics, for every row of the loads/stores table (matched by the id's form). */
export function loadStoreSemantics(id: string): Semantics | undefined {
  if (id.endsWith('_loadlit')) return loadLiteral;
  if (/_ldst(na)?pair_/.test(id)) return loadStorePair;
  if (/_ldst_(pos|unscaled|immpre|immpost|regoff)$/.test(id)) return loadStoreSingle;
  return undefined;
}
