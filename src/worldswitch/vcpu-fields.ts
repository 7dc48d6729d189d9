// The vcpu as named values, through a variant's own layout: every field the contract names
// (variants/README.md, "Names every layout.ts provides") with the stable name observations use
// (`vcpu.regs[4]`, `vcpu.sys_regs[TTBR0_EL1]`, `vcpu.fault.esr_el2`) and the path it has in
// `struct kvm_vcpu`. Reading and writing go through StructView: never a hard-coded offset.

import { fail, originOf } from '../asm/diagnostics.ts';
import type { Layout } from '../layout/layout.ts';
import type { AccessBytes } from '../machine/memory.ts';
import { StructView } from '../layout/struct-view.ts';
import type { MemoryAccessor } from '../layout/struct-view.ts';
import { AARCH32_SPSRS, SYSREG_SLOTS } from './registers.ts';
import type { GuestContext } from './world.ts';

export interface VcpuField {
  /** The observation's name: `vcpu.regs[4]`. */
  name: string;
  /** The path in `struct kvm_vcpu`: `arch.ctxt.gp_regs.regs.regs[4]`. */
  path: string;
}

const GP = 'arch.ctxt.gp_regs';
const VGIC = 'arch.vgic_cpu';

/** Every contract field of the vcpu, in a stable order. */
export function vcpuFields(vgicMaxLrs: number): VcpuField[] {
  const f: VcpuField[] = [];
  for (let n = 0; n <= 30; n++) f.push({ name: `vcpu.regs[${n}]`, path: `${GP}.regs.regs[${n}]` });
  f.push({ name: 'vcpu.sp', path: `${GP}.regs.sp` }, { name: 'vcpu.pc', path: `${GP}.regs.pc` }, { name: 'vcpu.pstate', path: `${GP}.regs.pstate` });
  f.push({ name: 'vcpu.sp_el1', path: `${GP}.sp_el1` }, { name: 'vcpu.elr_el1', path: `${GP}.elr_el1` }, { name: 'vcpu.spsr[EL1]', path: `${GP}.spsr[KVM_SPSR_EL1]` });
  for (const s of AARCH32_SPSRS) f.push({ name: `vcpu.spsr[${s.name.toUpperCase()}]`, path: `${GP}.spsr[${s.index}]` });
  for (let n = 0; n < 32; n++) f.push({ name: `vcpu.vregs[${n}]`, path: `${GP}.fp_regs.vregs[${n}]` });
  f.push({ name: 'vcpu.fpsr', path: `${GP}.fp_regs.fpsr` }, { name: 'vcpu.fpcr', path: `${GP}.fp_regs.fpcr` });
  for (const s of SYSREG_SLOTS) f.push({ name: `vcpu.sys_regs[${s.slot}]`, path: `arch.ctxt.sys_regs[${s.slot}]` });
  f.push({ name: 'vcpu.hcr_el2', path: 'arch.hcr_el2' });
  for (const k of ['esr_el2', 'far_el2', 'hpfar_el2']) f.push({ name: `vcpu.fault.${k}`, path: `arch.fault.${k}` });
  f.push({ name: 'vcpu.timer.cntv_ctl', path: 'arch.timer_cpu.cntv_ctl' }, { name: 'vcpu.timer.cntv_cval', path: 'arch.timer_cpu.cntv_cval' });
  for (const k of ['hcr', 'vmcr', 'misr']) f.push({ name: `vcpu.vgic.${k}`, path: `${VGIC}.vgic_${k}` });
  for (const k of ['eisr', 'elrsr']) for (let n = 0; n < 2; n++) f.push({ name: `vcpu.vgic.${k}[${n}]`, path: `${VGIC}.vgic_${k}[${n}]` });
  f.push({ name: 'vcpu.vgic.apr', path: `${VGIC}.vgic_apr` });
  for (let n = 0; n < vgicMaxLrs; n++) f.push({ name: `vcpu.vgic.lr[${n}]`, path: `${VGIC}.vgic_lr[${n}]` });
  f.push({ name: 'vcpu.vgic.nr_lr', path: `${VGIC}.nr_lr` });
  return f;
}

/** A guest context as the vcpu's named fields (the ctxt, timer and vgic parts). */
export function contextValues<V>(g: GuestContext<V>): Record<string, V> {
  const out: Record<string, V> = {};
  g.x.forEach((v, n) => (out[`vcpu.regs[${n}]`] = v));
  out['vcpu.sp'] = g.sp_el0;
  out['vcpu.pc'] = g.pc;
  out['vcpu.pstate'] = g.pstate;
  out['vcpu.sp_el1'] = g.sp_el1;
  out['vcpu.elr_el1'] = g.elr_el1;
  out['vcpu.spsr[EL1]'] = g.spsr_el1;
  for (const s of AARCH32_SPSRS) out[`vcpu.spsr[${s.name.toUpperCase()}]`] = g.spsr32[s.name]!;
  g.v.forEach((v, n) => (out[`vcpu.vregs[${n}]`] = v));
  out['vcpu.fpsr'] = g.fpsr;
  out['vcpu.fpcr'] = g.fpcr;
  for (const s of SYSREG_SLOTS) out[`vcpu.sys_regs[${s.slot}]`] = g.sysregs[s.slot]!;
  out['vcpu.timer.cntv_ctl'] = g.timer.cntv_ctl;
  out['vcpu.timer.cntv_cval'] = g.timer.cntv_cval;
  out['vcpu.vgic.hcr'] = g.vgic.hcr;
  out['vcpu.vgic.vmcr'] = g.vgic.vmcr;
  out['vcpu.vgic.misr'] = g.vgic.misr;
  for (let n = 0; n < 2; n++) {
    out[`vcpu.vgic.eisr[${n}]`] = g.vgic.eisr[n]!;
    out[`vcpu.vgic.elrsr[${n}]`] = g.vgic.elrsr[n]!;
  }
  out['vcpu.vgic.apr'] = g.vgic.apr;
  g.vgic.lr.forEach((v, n) => (out[`vcpu.vgic.lr[${n}]`] = v));
  return out;
}

/** A field resolved through the layout once: offset and size in `struct kvm_vcpu`. */
interface ResolvedField extends VcpuField {
  offset: bigint;
  bytes: AccessBytes;
}

const resolved = new WeakMap<Layout, ResolvedField[]>();

/** The contract fields of a layout's kvm_vcpu, located once per layout (a run touches each of them). */
function resolveFields(layout: Layout): ResolvedField[] {
  let fields = resolved.get(layout);
  if (fields === undefined) {
    fields = vcpuFields(Number(layout.value('VGIC_MAX_LRS'))).map((f) => {
      const at = layout.locate('kvm_vcpu', f.path);
      if (at.type.kind !== 'scalar' && at.type.kind !== 'pointer') fail('HL0811', `kvm_vcpu.${f.path} must be a scalar (variants/README.md)`, originOf(layout.file));
      return { ...f, offset: BigInt(at.offset), bytes: at.type.size as AccessBytes };
    });
    resolved.set(layout, fields);
  }
  return fields;
}

/** The vcpu struct at `base` in `memory`, read and written by field name. */
export class VcpuView<V = bigint> {
  readonly view: StructView<V>;
  readonly fields: readonly ResolvedField[];
  private readonly byName: Map<string, ResolvedField>;

  constructor(
    layout: Layout,
    private readonly memory: MemoryAccessor<V>,
    private readonly base: bigint,
  ) {
    this.view = new StructView(layout, 'kvm_vcpu', memory, base);
    this.fields = resolveFields(layout);
    this.byName = new Map(this.fields.map((f) => [f.name, f]));
  }

  write(name: string, value: V): void {
    const f = this.field(name);
    this.memory.store(this.base + f.offset, f.bytes, value);
  }

  read(name: string): V {
    const f = this.field(name);
    return this.memory.load(this.base + f.offset, f.bytes);
  }

  /** Every field by name. */
  readAll(): Record<string, V> {
    const out: Record<string, V> = {};
    for (const f of this.fields) out[f.name] = this.memory.load(this.base + f.offset, f.bytes);
    return out;
  }

  private field(name: string): ResolvedField {
    const f = this.byName.get(name);
    if (f === undefined) throw new Error(`no vcpu field named ${name}`);
    return f;
  }
}
