// mrs/msr, msr to PSTATE fields, sys/sysl and their aliases tlbi/ic/dc/at. Entries: see ../README.md.
// The names come from the catalogs (../sysregs.ts, ../sysops.ts); the operand kinds below bind them to
// the encoding fields.

import fc from 'fast-check';
import type { EntrySpec, OperandSpec, OperandValue } from '../entry.ts';
import { OperandError } from '../entry.ts';
import type { Fields } from '../pattern.ts';
import { absoluteImmediate, gpr, hex, imm, optionalGpr } from '../operands.ts';
import {
  SYSTEM_REGISTERS,
  packSysregFields,
  parseSystemRegister,
  sysregDisplayName,
  systemRegisterByEncoding,
  unpackSysregFields,
} from '../sysregs.ts';
import {
  PSTATE_FIELDS,
  SYSTEM_OPERATIONS,
  pstateFieldByEncoding,
  pstateFieldByName,
  systemOperation,
  systemOperationByFields,
  type SysOpMnemonic,
} from '../sysops.ts';

type Named = Extract<OperandValue, { kind: 'name' }>;
type Imm = Extract<OperandValue, { kind: 'imm' }>;

const mismatch = (message: string): OperandError => new OperandError('HL0502', message);

// ------------------------------------------------------------------------------------------------
// Operand kinds

/**
 * The system register of mrs (`read`) or msr (`write`), in the 16-bit field `sysreg`
 * (op0:op1:CRn:CRm:op2). A catalog name or the generic S<op0>_<op1>_C<n>_C<m>_<op2>; a register the
 * catalog marks read-only (write-only) is an error for msr (mrs), where GNU as only warns.
 */
export function systemRegisterOperand(direction: 'read' | 'write'): OperandSpec<Named> {
  const usable = SYSTEM_REGISTERS.filter((r) => r.access !== (direction === 'read' ? 'wo' : 'ro'));
  return {
    kind: '<systemreg>',
    parse(text, env) {
      if (text === undefined) throw mismatch('missing system register');
      const t = text.trim();
      if (env.registerName(t) !== undefined || t.startsWith('#')) throw mismatch(`expected a system register, found '${t}'`);
      const operand = parseSystemRegister(t);
      if (operand === undefined) throw new OperandError('HL0505', `unknown system register '${t}'`);
      const r = operand.register;
      if (r !== undefined && direction === 'write' && r.access === 'ro') {
        throw new OperandError('HL0506', `system register '${r.name}' is read-only: msr cannot write it`);
      }
      if (r !== undefined && direction === 'read' && r.access === 'wo') {
        throw new OperandError('HL0507', `system register '${r.name}' is write-only: mrs cannot read it`);
      }
      return { kind: 'name', value: packSysregFields(operand.encoding), name: r?.name ?? t.toLowerCase() };
    },
    encode(value, f) {
      f.sysreg = value.value;
    },
    decode: (f) => ({ kind: 'name', value: f.sysreg!, name: sysregDisplayName(unpackSysregFields(f.sysreg!)) }),
    print: (v) => sysregDisplayName(unpackSysregFields(v.value)),
    arbitrary: () => fc.constantFrom(...usable).map((r): Named => ({ kind: 'name', value: packSysregFields(r), name: r.name })),
  };
}

/** The PSTATE field of `msr <field>, #imm`: writes op1 and op2. */
export function pstateFieldOperand(): OperandSpec<Named> {
  return {
    kind: '<pstatefield>',
    parse(text) {
      if (text === undefined) throw mismatch('missing PSTATE field');
      const field = pstateFieldByName(text);
      if (field === undefined) throw mismatch(`'${text.trim()}' is not a PSTATE field`);
      return { kind: 'name', value: (field.op1 << 3) | field.op2, name: field.name };
    },
    encode(value, f) {
      f.op1 = value.value >> 3;
      f.op2 = value.value & 7;
    },
    decode(f) {
      const field = pstateFieldByEncoding(f.op1!, f.op2!);
      return field === undefined ? undefined : { kind: 'name', value: (field.op1 << 3) | field.op2, name: field.name };
    },
    print: (v) => v.name,
    arbitrary: () => fc.constantFrom(...PSTATE_FIELDS).map((p): Named => ({ kind: 'name', value: (p.op1 << 3) | p.op2, name: p.name })),
  };
}

/** `#imm` of `msr <field>, #imm` in CRm, limited by the field written before it (spsel: 0..1). */
export function pstateImmediate(): OperandSpec<Imm> {
  const maxOf = (f: Fields): number => pstateFieldByEncoding(f.op1!, f.op2!)?.maxImmediate ?? 15;
  return {
    kind: '#<imm>',
    shape: 'immediate',
    parse(text, env) {
      if (text === undefined) throw mismatch('missing immediate');
      const t = text.trim();
      if (env.registerName(t) !== undefined) throw mismatch('the register form of msr takes a system register name');
      return { kind: 'imm', value: absoluteImmediate(t, env) };
    },
    encode(value, f) {
      const max = maxOf(f);
      if (value.value < 0n || value.value > BigInt(max)) throw new OperandError('HL0503', `immediate ${value.value} out of range 0..${max}`);
      f.CRm = Number(value.value);
    },
    decode: (f) => (f.CRm! > maxOf(f) ? undefined : { kind: 'imm', value: BigInt(f.CRm!) }),
    print: (v) => `#${hex(v.value)}`,
    arbitrary: () => fc.integer({ min: 0, max: 1 }).map((v): Imm => ({ kind: 'imm', value: BigInt(v) })),
  };
}

/**
 * `C0`..`C15` (either case) of sys/sysl. `generateExcept` keeps values out of random generation: the
 * plain `sys` row avoids CRn 7 and 8, where objdump prints tlbi/ic/dc/at instead.
 */
export function controlRegisterOperand(field: 'CRn' | 'CRm', generateExcept: readonly number[] = []): OperandSpec<Imm> {
  const generated = Array.from({ length: 16 }, (_, n) => n).filter((n) => !generateExcept.includes(n));
  return {
    kind: `<C${field.slice(2)}>`,
    parse(text) {
      if (text === undefined) throw mismatch(`missing ${field}`);
      const m = /^[cC](\d+)$/.exec(text.trim());
      if (m === null) throw mismatch(`expected C0..C15, found '${text.trim()}'`);
      const n = BigInt(m[1]!);
      if (n > 15n) throw new OperandError('HL0503', `${field} C${n} out of range C0..C15`);
      return { kind: 'imm', value: n };
    },
    encode(value, f) {
      f[field] = Number(value.value);
    },
    decode: (f) => ({ kind: 'imm', value: BigInt(f[field]!) }),
    print: (v) => `C${v.value}`,
    arbitrary: () => fc.constantFrom(...generated).map((v): Imm => ({ kind: 'imm', value: BigInt(v) })),
  };
}

/**
 * The operation name of tlbi/ic/dc/at: writes op1, CRn, CRm and op2 (and Rt = 31 for an operation
 * without a register). A row exists for operations with and without Xt, so each kind takes only its own.
 */
export function systemOperationOperand(mnemonic: SysOpMnemonic, takesRegister: boolean): OperandSpec<Named> {
  const ops = SYSTEM_OPERATIONS.filter((o) => o.mnemonic === mnemonic && o.takesRegister === takesRegister);
  const named = (o: (typeof ops)[number]): Named => ({ kind: 'name', value: packSysOpKey(o), name: o.name });
  return {
    kind: `<${mnemonic}_op>`,
    parse(text) {
      if (text === undefined) throw mismatch(`missing ${mnemonic} operation`);
      const o = systemOperation(mnemonic, text);
      if (o === undefined) throw new OperandError('HL0514', `unknown ${mnemonic} operation '${text.trim()}'`);
      if (o.takesRegister !== takesRegister) {
        throw mismatch(takesRegister ? `${mnemonic} ${o.name} takes no register` : `${mnemonic} ${o.name} needs a register`);
      }
      return named(o);
    },
    encode(value, f) {
      Object.assign(f, unpackSysOpKey(value.value));
      if (!takesRegister) f.Rt = 31;
    },
    decode(f) {
      const o = systemOperationByFields({ op1: f.op1!, crn: f.CRn!, crm: f.CRm!, op2: f.op2! });
      return o !== undefined && o.mnemonic === mnemonic && o.takesRegister === takesRegister ? named(o) : undefined;
    },
    print: (v) => v.name,
    arbitrary: () => fc.constantFrom(...ops).map(named),
  };
}

function packSysOpKey(o: { op1: number; crn: number; crm: number; op2: number }): number {
  return (o.op1 << 11) | (o.crn << 7) | (o.crm << 3) | o.op2;
}

function unpackSysOpKey(key: number): Fields {
  return { op1: key >> 11, CRn: (key >> 7) & 15, CRm: (key >> 3) & 15, op2: key & 7 };
}

// ------------------------------------------------------------------------------------------------
// Entries

const SYS_PATTERN = '1101010100 L=0 01 op1:3 CRn:4 CRm:4 op2:3 Rt:5';

function sysAlias(mnemonic: SysOpMnemonic, takesRegister: boolean): EntrySpec {
  const operands: OperandSpec<any>[] = [systemOperationOperand(mnemonic, takesRegister)];
  if (takesRegister) operands.push(gpr('Rt', { width: 64 }));
  return {
    id: `${mnemonic.toUpperCase()}_SYS${takesRegister ? '_reg' : ''}`,
    mnemonic,
    pattern: SYS_PATTERN,
    operands,
    aliasOf: 'SYS_CR_systeminstrs',
  };
}

export const systemRegisters: EntrySpec[] = [
  // SYS/SYSL come first: MRS/MSR's 16-bit field also covers op0 = 1, which objdump prints as sys/sysl.
  {
    id: 'SYS_CR_systeminstrs',
    mnemonic: 'sys',
    pattern: SYS_PATTERN,
    operands: [
      imm('op1', { bits: 3, style: 'dec', what: 'op1' }),
      controlRegisterOperand('CRn', [7, 8]),
      controlRegisterOperand('CRm'),
      imm('op2', { bits: 3, style: 'dec', what: 'op2' }),
      optionalGpr('Rt', { width: 64, default: 31 }),
    ],
  },
  sysAlias('tlbi', false),
  sysAlias('tlbi', true),
  sysAlias('ic', false),
  sysAlias('ic', true),
  sysAlias('dc', true),
  sysAlias('at', true),
  {
    id: 'SYSL_RC_systeminstrs',
    mnemonic: 'sysl',
    pattern: '1101010100 L=1 01 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    operands: [
      gpr('Rt', { width: 64 }),
      imm('op1', { bits: 3, style: 'dec', what: 'op1' }),
      controlRegisterOperand('CRn'),
      controlRegisterOperand('CRm'),
      imm('op2', { bits: 3, style: 'dec', what: 'op2' }),
    ],
  },
  {
    id: 'MSR_SI_pstate',
    mnemonic: 'msr',
    pattern: '1101010100 0 00 op1:3 0100 CRm:4 op2:3 11111',
    operands: [pstateFieldOperand(), pstateImmediate()],
  },
  {
    id: 'MRS_RS_systemmove',
    mnemonic: 'mrs',
    pattern: '1101010100 L=1 sysreg:16 Rt:5',
    operands: [gpr('Rt', { width: 64 }), systemRegisterOperand('read')],
    // op0 = 1 is SYSL (above); random generation draws catalog registers, whose op0 is 2 or 3.
    when: (f) => f.sysreg! >> 14 !== 1,
  },
  {
    id: 'MSR_SR_systemmove',
    mnemonic: 'msr',
    pattern: '1101010100 L=0 sysreg:16 Rt:5',
    operands: [systemRegisterOperand('write'), gpr('Rt', { width: 64 })],
    when: (f) => f.sysreg! >> 14 !== 1,
  },
];

/** For the execution core: the catalog entry an MRS/MSR decodes to (undefined for an unnamed encoding). */
export function systemRegisterOf(fields: Fields): ReturnType<typeof systemRegisterByEncoding> {
  return systemRegisterByEncoding(unpackSysregFields(fields.sysreg!));
}
