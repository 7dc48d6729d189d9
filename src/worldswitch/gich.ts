// The GICv2 virtual interface control block (GICH) as an MMIO device: 32-bit registers at the GICv2
// architecture's offsets. HYP reads and writes it while switching the vgic; the scenario plays the
// hardware (the guest's run changes VMCR, APR, the list registers and the status registers).

import type { Domain } from '../a64/domain.ts';
import { concreteDomain } from '../a64/domain-concrete.ts';
import { MachineFault, hex64 } from '../machine/faults.ts';
import type { AccessBytes, Device } from '../machine/memory.ts';

/** Register offsets (GICv2 architecture specification, GICH register map). */
export const GICH = {
  HCR: 0x00,
  VTR: 0x04,
  VMCR: 0x08,
  MISR: 0x10,
  EISR0: 0x20,
  EISR1: 0x24,
  ELRSR0: 0x30,
  ELRSR1: 0x34,
  APR: 0xf0,
  LR0: 0x100,
} as const;

/** Registers the hypervisor cannot write: VTR describes the hardware, the rest is status it computes. */
const READ_ONLY = new Set<number>([GICH.VTR, GICH.MISR, GICH.EISR0, GICH.EISR1, GICH.ELRSR0, GICH.ELRSR1]);

/** The device holds values of any domain (32-bit values; a symbolic proof keeps terms). */
export class GichDevice<V = bigint> implements Device<V> {
  /** Register values by offset (32-bit). */
  readonly registers = new Map<number, V>();
  private readonly zero: V;

  constructor(
    readonly base: bigint,
    /** Implemented list registers: GICH_VTR.ListRegs + 1. */
    readonly nrLr: number,
    readonly dom: Domain<V> = concreteDomain as unknown as Domain<V>,
  ) {
    this.zero = dom.constant(0n, 32);
    this.registers.set(GICH.VTR, dom.constant(BigInt(nrLr - 1), 32));
  }

  /** Whether `offset` is a register this GICH implements (LRs beyond nrLr are reserved: RAZ/WI). */
  implements(offset: number): boolean {
    if (offset >= GICH.LR0) return offset < GICH.LR0 + 4 * this.nrLr;
    return (Object.values(GICH) as number[]).includes(offset);
  }

  read(offset: number, bytes: AccessBytes): V {
    this.checkWord(offset, bytes, false);
    return this.implements(offset) ? (this.registers.get(offset) ?? this.zero) : this.zero;
  }

  write(offset: number, bytes: AccessBytes, value: V): void {
    this.checkWord(offset, bytes, true);
    if (this.implements(offset) && !READ_ONLY.has(offset)) this.registers.set(offset, this.dom.extract(value, 31, 0));
  }

  /** The hardware's side: set any register (status registers included); `value` is 32 bits or wider. */
  set(offset: number, value: V): void {
    this.registers.set(offset, this.dom.extract(value, 31, 0));
  }

  get(offset: number): V {
    return this.registers.get(offset) ?? this.zero;
  }

  /** GICv2 registers take aligned 32-bit accesses; anything else is an external abort. */
  private checkWord(offset: number, bytes: AccessBytes, write: boolean): void {
    if (bytes === 4 && offset % 4 === 0) return;
    const address = this.base + BigInt(offset);
    throw new MachineFault('unmapped', `data abort: ${bytes}-byte ${write ? 'write to' : 'read from'} GICH at ${hex64(address)} (GICH takes aligned 32-bit accesses)`, { address, bytes, write });
  }
}
