// The concrete machine's storage in one WebAssembly.Memory: the general registers, the stack pointers,
// the system registers with their bookkeeping bytes, and the RAM, each at a fixed offset. JavaScript
// reaches them through typed arrays over the same bytes; blocks compiled to WebAssembly
// (src/machine/stage-wasm.ts) reach them directly, and one compiled block serves every machine,
// because the offsets are the same in each.

import { SYSTEM_REGISTERS } from '../a64/sysregs.ts';

/** Byte offsets in the arena. */
export const ARENA = {
  /** X0-X30, 8 bytes each. */
  x: 0,
  /** SP_EL0, SP_EL1, SP_EL2. */
  sps: 256,
  /** System registers by catalog index, 8 bytes each. */
  sys: 512,
  /** Per catalog index: 1 once the register holds a value (State.given). */
  given: 4096,
  /** Per catalog index: 1 once the register is in State.touched. */
  seen: 4608,
  /** The RAM region's base address and size (u64 each). */
  ramBase: 5120,
  ramSize: 5128,
  /** The RAM region's bytes. */
  ram: 65536,
} as const;

const PAGE = 65536;
if (ARENA.sys + 8 * SYSTEM_REGISTERS.length > ARENA.given || SYSTEM_REGISTERS.length > ARENA.seen - ARENA.given) {
  throw new Error('the system register catalog outgrew the arena layout (src/machine/arena.ts)');
}

export type RegisterFile = 'x' | 'sps' | 'sys';
export type ByteFile = 'given' | 'seen';

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly ram: Uint8Array;

  constructor(
    readonly ramBase: bigint,
    ramSize: number,
  ) {
    // The WebAssembly bounds check (offset <= size - bytes, unsigned) needs room for a 16-byte access.
    if (ramSize < 16) throw new Error(`a machine's RAM must hold at least 16 bytes, not ${ramSize}`);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((ARENA.ram + ramSize) / PAGE) });
    this.ram = new Uint8Array(this.memory.buffer, ARENA.ram, ramSize);
    const header = new BigUint64Array(this.memory.buffer, ARENA.ramBase, 2);
    header[0] = ramBase;
    header[1] = BigInt(ramSize);
  }

  registers(file: RegisterFile, count: number): BigUint64Array {
    return new BigUint64Array(this.memory.buffer, ARENA[file], count);
  }

  bytes(file: ByteFile, count: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ARENA[file], count);
  }
}
