// System instructions: mrs/msr (through the state's access rules), msr to PSTATE fields, hints,
// barriers and clrex (recorded events), and sys with its tlbi/ic/dc/at operations. dc zva zeroes
// memory and at writes PAR_EL1 through the machine's translation; the rest change no modelled state.

import type { Decoded } from '../entry.ts';
import type { Domain } from '../domain.ts';
import { barrierOptionText, pstateFieldByEncoding, systemOperationByFields } from '../sysops.ts';
import { systemRegisterOf } from '../table/system-registers.ts';
import { HINTS } from '../table/system.ts';
import { sysregDisplayName, unpackSysregFields } from '../sysregs.ts';
import { REG, sysregIndex } from '../../machine/state.ts';
import { undefinedInstruction } from '../../machine/faults.ts';
import { operand } from './types.ts';
import type { Exec, Semantics } from './types.ts';

const MRS: Semantics = <V>(d: Decoded): Exec<V> => {
  const rt = operand(d, 0, 'reg');
  const r = systemRegisterOf(d.fields);
  const name = sysregDisplayName(unpackSysregFields(d.fields.sysreg!));
  if (r === undefined) return () => { throw undefinedInstruction(`mrs of ${name}, a register the core does not implement`); };
  const i = sysregIndex(r);
  return (m) => m.state.setX(rt.n, m.state.readSysregAt(i));
};

const MSR_register: Semantics = <V>(d: Decoded): Exec<V> => {
  const rt = operand(d, 1, 'reg');
  const r = systemRegisterOf(d.fields);
  const name = sysregDisplayName(unpackSysregFields(d.fields.sysreg!));
  if (r === undefined) return () => { throw undefinedInstruction(`msr of ${name}, a register the core does not implement`); };
  const i = sysregIndex(r);
  return (m) => m.state.writeSysregAt(i, m.state.X(rt.n));
};

/** msr spsel/daifset/daifclr, #imm. */
const MSR_immediate: Semantics = <V>(d: Decoded, { dom: D }: { dom: Domain<V> }): Exec<V> => {
  const field = pstateFieldByEncoding(d.fields.op1!, d.fields.op2!)!;
  const imm = Number(operand(d, 1, 'imm').value);
  const bits = D.constant(BigInt(imm), 4);
  return (m) => {
    const s = m.state;
    if (s.pstate.EL === 0) {
      // EL0 may touch DAIF only when SCTLR_EL1.UMA is set; SPSel never.
      if (field.name === 'spsel' || !D.decide(D.extract(s.stored(REG.sctlr_el1), 9, 9))) throw undefinedInstruction(`msr ${field.name} at EL0`);
    }
    switch (field.name) {
      case 'spsel':
        return s.setSPSel((imm & 1) as 0 | 1);
      case 'daifset':
        return s.setDAIF(D.or(s.DAIF(), bits, 4));
      case 'daifclr':
        return s.setDAIF(D.and(s.DAIF(), D.not(bits, 4), 4));
    }
  };
};

/** Hints with an effect worth recording (waiting, events); the rest of the hint space is a NOP on the
 *  ARMv8.0 Cortex-A57 the lab models (no PAC, BTI, RAS or SPE), as the architecture requires. */
const RECORDED_HINTS = new Set(['yield', 'wfe', 'wfi', 'sev', 'sevl']);

const hint = (name: string): Semantics => <V>(_d: Decoded, { address }: { address: bigint }): Exec<V> =>
  RECORDED_HINTS.has(name) ? (m) => m.record('hint', name, address) : () => {};

const UDF: Semantics = <V>(d: Decoded): Exec<V> => {
  const imm = operand(d, 0, 'imm').value;
  return () => { throw undefinedInstruction(`udf #${imm} (permanently undefined)`); };
};

const barrier = (mnemonic: 'dsb' | 'dmb' | 'isb'): Semantics => <V>(d: Decoded, { address }: { address: bigint }): Exec<V> => {
  const option = barrierOptionText(mnemonic, d.fields.CRm!);
  const name = option === undefined ? mnemonic : `${mnemonic} ${option}`;
  return (m) => m.record('barrier', name, address);
};

const CLREX: Semantics = <V>(_d: Decoded, { address }: { address: bigint }): Exec<V> => (m) => m.record('clrex', 'clrex', address);

/** DCZID_EL0.BS of a Cortex-A57: dc zva zeroes 2^4 words = 64 bytes. */
const DC_ZVA_BYTES = 64n;

/** sys: the named tlbi/ic/dc/at operations; an unnamed encoding is UNDEFINED here. */
const SYS: Semantics = <V>(d: Decoded, { dom: D, address }: { dom: Domain<V>; address: bigint }): Exec<V> => {
  const f = d.fields;
  const op = systemOperationByFields({ op1: f.op1!, crn: f.CRn!, crm: f.CRm!, op2: f.op2! });
  const rt = f.Rt!;
  if (op === undefined || op.extension !== undefined) {
    const what = op === undefined ? `sys #${f.op1}, C${f.CRn}, C${f.CRm}, #${f.op2}` : `${op.mnemonic} ${op.name} (${op.extension})`;
    return () => { throw undefinedInstruction(`${what} is not implemented`); };
  }
  const name = `${op.mnemonic} ${op.name}`;
  const zero = D.constant(0n, 64);
  const PAR_PA = D.constant(0xfffffffff000n, 64);
  return (m) => {
    const s = m.state;
    if (s.pstate.EL < op.el) throw undefinedInstruction(`${name} at EL${s.pstate.EL}`);
    if (op.mnemonic === 'dc' && op.name === 'zva') {
      const va = D.concrete(s.X(rt), 64, 'dc zva address') & ~(DC_ZVA_BYTES - 1n);
      for (let a = va; a < va + DC_ZVA_BYTES; a += 8n) m.memory.store(a, 8, zero);
    } else if (op.mnemonic === 'at') {
      // The address stays a domain value: a symbolic proof translates a symbolic FAR.
      const result = m.translate(op.name, s.X(rt));
      // PAR_EL1: F = 0 with PA[47:12], or F = 1 with the fault status code in FST [6:1].
      const par = 'pa' in result ? D.and(result.pa, PAR_PA, 64) : D.constant((BigInt(result.fault & 0x3f) << 1n) | 1n, 64);
      s.store(REG.par_el1, par);
    }
    m.record(op.mnemonic, op.takesRegister ? `${name}, x${rt}` : name, address);
  };
};

const SYSL: Semantics = <V>(d: Decoded): Exec<V> => {
  const f = d.fields;
  return () => { throw undefinedInstruction(`sysl #${f.op1}, C${f.CRn}, C${f.CRm}, #${f.op2} is not implemented`); };
};

export const SYSTEM: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['MRS_RS_systemmove', MRS],
  ['MSR_SR_systemmove', MSR_register],
  ['MSR_SI_pstate', MSR_immediate],
  ...HINTS.map(({ name }): [string, Semantics] => [name.toUpperCase().replace(' ', '_'), hint(name)]),
  ['HINT', hint('hint')],
  ['UDF', UDF],
  ['DSB', barrier('dsb')],
  ['DMB', barrier('dmb')],
  ['ISB', barrier('isb')],
  ['CLREX', CLREX],
  ['SYS_CR_systeminstrs', SYS],
  ['SYSL_RC_systeminstrs', SYSL],
]);
