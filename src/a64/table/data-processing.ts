// Data processing: add/sub (immediate, shifted, extended), logical (immediate, shifted), move wide,
// bitfield, extract, 1- and 2-source, 3-source multiply, conditional select and compare, adr/adrp.
// Each entry is written once per register width (sf = 0: W, sf = 1: X); aliases follow their base.

import type { EntrySpec } from '../entry.ts';
import {
  gpr,
  gprOfWidth,
  imm,
  addSubImm,
  addSubShift,
  negatedAddSubImm,
  moveWideShift,
  movImmediate,
  bitmaskImmediate,
  isWideConstant,
  registerShift,
  registerExtend,
  extendRegisterWidth,
  lslBitfieldAmount,
  bitfieldLsb,
  bitfieldWidth,
  condition,
  label,
} from '../operands.ts';
import { decodeBitMasks } from '../bitmask.ts';

// X forms first: most code uses them, and assembly tries forms in table order.
const WIDTHS = [
  { sf: 1, width: 64, w: '64' },
  { sf: 0, width: 32, w: '32' },
] as const;

const ZR = 31;

function addSub(): EntrySpec[] {
  const out: EntrySpec[] = [];
  const ops = [
    { name: 'ADD', m: 'add', op: 0, S: 0 },
    { name: 'ADDS', m: 'adds', op: 0, S: 1 },
    { name: 'SUB', m: 'sub', op: 1, S: 0 },
    { name: 'SUBS', m: 'subs', op: 1, S: 1 },
  ] as const;
  for (const { sf, width, w } of WIDTHS) {
    const r = (field: string | string[], sp = false) => gpr(field, { width, sp });
    for (const { name, m, op, S } of ops) {
      const head = `sf=${sf} ${op} ${S}`;
      const setsFlags = S === 1;
      // Immediate.
      const immId = `${name}_${w}_addsub_imm`;
      out.push({ id: immId, mnemonic: m, pattern: `${head} 100010 sh:1 imm12:12 Rn:5 Rd:5`, operands: [r('Rd', !setsFlags), r('Rn', true), addSubImm(), addSubShift()] });
      if (name === 'ADD') {
        out.push({
          id: `MOV_${w}_to_from_sp`, mnemonic: 'mov', aliasOf: immId, pattern: `${head} 100010 0 000000000000 Rn:5 Rd:5`,
          operands: [r('Rd', true), r('Rn', true)], when: (f) => f.Rd === ZR || f.Rn === ZR,
        });
      }
      if (setsFlags) {
        out.push({
          id: `${name === 'ADDS' ? 'CMN' : 'CMP'}_${w}_addsub_imm`, mnemonic: name === 'ADDS' ? 'cmn' : 'cmp', aliasOf: immId,
          pattern: `${head} 100010 sh:1 imm12:12 Rn:5 11111`, operands: [r('Rn', true), addSubImm(), addSubShift()],
        });
      }
      // Shifted register.
      const shId = `${name}_${w}_addsub_shift`;
      const shifted = `${head} 01011 shift:2 0 Rm:5 imm6:6 Rn:5`;
      out.push({ id: shId, mnemonic: m, pattern: `${shifted} Rd:5`, operands: [r('Rd'), r('Rn'), r('Rm'), registerShift(width, { ror: false })] });
      if (setsFlags) {
        out.push({
          id: `${name === 'ADDS' ? 'CMN' : 'CMP'}_${w}_addsub_shift`, mnemonic: name === 'ADDS' ? 'cmn' : 'cmp', aliasOf: shId,
          pattern: `${shifted} 11111`, operands: [r('Rn'), r('Rm'), registerShift(width, { ror: false })],
        });
      }
      if (op === 1) {
        out.push({
          id: `${S ? 'NEGS' : 'NEG'}_${w}_addsub_shift`, mnemonic: S ? 'negs' : 'neg', aliasOf: shId,
          pattern: `${head} 01011 shift:2 0 Rm:5 imm6:6 11111 Rd:5`, operands: [r('Rd'), r('Rm'), registerShift(width, { ror: false })],
        });
      }
      // Extended register. The register width follows the extend (X for uxtx/sxtx).
      const extId = `${name}_${w}_addsub_ext`;
      const rm = gprOfWidth('Rm', (f) => (width === 64 ? extendRegisterWidth(f) : 32));
      const extended = `${head} 01011 00 1 Rm:5 option:3 imm3:3 Rn:5`;
      const lslWhen = setsFlags ? ['Rn'] : ['Rd', 'Rn'];
      out.push({
        id: extId, mnemonic: m, pattern: `${extended} Rd:5`,
        operands: [r('Rd', !setsFlags), r('Rn', true), rm, registerExtend(width, lslWhen)],
      });
      if (setsFlags) {
        out.push({
          id: `${name === 'ADDS' ? 'CMN' : 'CMP'}_${w}_addsub_ext`, mnemonic: name === 'ADDS' ? 'cmn' : 'cmp', aliasOf: extId,
          pattern: `${extended} 11111`, operands: [r('Rn', true), rm, registerExtend(width, ['Rn'])],
        });
      }
    }
  }
  // GNU as takes a negative immediate on the opposite operation (`add x0, x1, #-1` is sub #1,
  // `cmp x0, #-1` is cmn #1). These rows come after every regular row of their mnemonic.
  const opposite: Record<string, string> = { add: 'SUB', sub: 'ADD', adds: 'SUBS', subs: 'ADDS', cmp: 'ADDS', cmn: 'SUBS' };
  for (const { sf, width, w } of WIDTHS) {
    for (const [m, target] of Object.entries(opposite)) {
      const setsFlags = target.endsWith('S');
      const op = target.startsWith('SUB') ? 1 : 0;
      const compare = m === 'cmp' || m === 'cmn';
      const r = (field: string, sp: boolean) => gpr(field, { width, sp });
      out.push({
        id: `${m.toUpperCase()}_${w}_addsub_imm_negated`, mnemonic: m, aliasOf: `${target}_${w}_addsub_imm`,
        pattern: `sf=${sf} ${op} ${setsFlags ? 1 : 0} 100010 sh:1 imm12:12 Rn:5 ${compare ? '11111' : 'Rd:5'}`,
        operands: [...(compare ? [] : [r('Rd', !setsFlags)]), r('Rn', true), negatedAddSubImm(), addSubShift()],
        prefer: () => false, noGenerate: 'assembler-only spelling: objdump prints the opposite instruction with a positive immediate',
      });
    }
  }
  return out;
}

function logical(): EntrySpec[] {
  const out: EntrySpec[] = [];
  const immOps = [
    { name: 'AND', m: 'and', opc: '00' },
    { name: 'ORR', m: 'orr', opc: '01' },
    { name: 'EOR', m: 'eor', opc: '10' },
    { name: 'ANDS', m: 'ands', opc: '11' },
  ] as const;
  const regOps = [
    { name: 'AND', m: 'and', opc: '00', N: 0 },
    { name: 'BIC', m: 'bic', opc: '00', N: 1 },
    { name: 'ORR', m: 'orr', opc: '01', N: 0 },
    { name: 'ORN', m: 'orn', opc: '01', N: 1 },
    { name: 'EOR', m: 'eor', opc: '10', N: 0 },
    { name: 'EON', m: 'eon', opc: '10', N: 1 },
    { name: 'ANDS', m: 'ands', opc: '11', N: 0 },
    { name: 'BICS', m: 'bics', opc: '11', N: 1 },
  ] as const;
  for (const { sf, width, w } of WIDTHS) {
    const r = (field: string | string[], sp = false) => gpr(field, { width, sp });
    const nField = sf === 1 ? 'N:1' : 'N=0';
    for (const { name, m, opc } of immOps) {
      const id = `${name}_${w}_log_imm`;
      const head = `sf=${sf} ${opc} 100100 ${nField} immr:6 imms:6 Rn:5`;
      out.push({ id, mnemonic: m, pattern: `${head} Rd:5`, operands: [r('Rd', name !== 'ANDS'), r('Rn'), bitmaskImmediate(width)] });
      if (name === 'AND') {
        out.push({
          id: `BIC_${w}_log_imm`, mnemonic: 'bic', aliasOf: id, pattern: `${head} Rd:5`, operands: [r('Rd', true), r('Rn'), bitmaskImmediate(width, { inverted: true })],
          prefer: () => false, noGenerate: 'assembler-only spelling (GNU as takes `bic Xd, Xn, #imm` as and with ~imm); objdump prints the and',
        });
      }
      if (name === 'ANDS') {
        out.push({ id: `TST_${w}_log_imm`, mnemonic: 'tst', aliasOf: id, pattern: `${head} 11111`, operands: [r('Rn'), bitmaskImmediate(width)] });
      }
    }
    for (const { name, m, opc, N } of regOps) {
      const id = `${name}_${w}_log_shift`;
      const head = `sf=${sf} ${opc} 01010 shift:2 ${N} Rm:5 imm6:6`;
      out.push({ id, mnemonic: m, pattern: `${head} Rn:5 Rd:5`, operands: [r('Rd'), r('Rn'), r('Rm'), registerShift(width, { ror: true })] });
      if (name === 'ORR') {
        out.push({ id: `MOV_${w}_orr_reg`, mnemonic: 'mov', aliasOf: id, pattern: `sf=${sf} ${opc} 01010 00 ${N} Rm:5 000000 11111 Rd:5`, operands: [r('Rd'), r('Rm')] });
      }
      if (name === 'ORR' && sf === 0) {
        out.push({
          id: 'UXTW_64_orr_reg', mnemonic: 'uxtw', aliasOf: id, pattern: `sf=0 01 01010 00 0 Rm:5 000000 11111 Rd:5`,
          operands: [gpr('Rd', { width: 64 }), gpr('Rm', { width: 32 })],
          prefer: () => false, noGenerate: 'assembler-only spelling: GNU as takes `uxtw Xd, Wn` as `mov Wd, Wn`, which objdump prints',
        });
      }
      if (name === 'ORN') {
        out.push({ id: `MVN_${w}_orn_reg`, mnemonic: 'mvn', aliasOf: id, pattern: `${head} 11111 Rd:5`, operands: [r('Rd'), r('Rm'), registerShift(width, { ror: true })] });
      }
      if (name === 'ANDS') {
        out.push({ id: `TST_${w}_log_shift`, mnemonic: 'tst', aliasOf: id, pattern: `${head} Rn:5 11111`, operands: [r('Rn'), r('Rm'), registerShift(width, { ror: true })] });
      }
    }
  }
  return out;
}

/** movn/movz/movk, and the `mov` immediate aliases in the order GNU as tries them: movz, movn, orr. */
function moveWide(): EntrySpec[] {
  const out: EntrySpec[] = [];
  for (const { sf, width, w } of WIDTHS) {
    const r = (field: string, sp = false) => gpr(field, { width, sp });
    const hw = sf === 1 ? 'hw:2' : '0 hw:1';
    const shift = moveWideShift(width);
    const base = (name: string, opc: string): EntrySpec => ({
      id: `${name.toUpperCase()}_${w}`, mnemonic: name, pattern: `sf=${sf} ${opc} 100101 ${hw} imm16:16 Rd:5`,
      operands: [r('Rd'), imm('imm16', { bits: 16, style: 'hex', placeAsOffset: true }), shift],
    });
    out.push(base('movn', '00'), base('movz', '10'), base('movk', '11'));
    out.push({
      id: `MOV_${w}_movz`, mnemonic: 'mov', aliasOf: `MOVZ_${w}`, pattern: `sf=${sf} 10 100101 ${hw} imm16:16 Rd:5`,
      operands: [r('Rd'), movImmediate(width, 'movz')], prefer: (f) => !(f.imm16 === 0 && f.hw !== 0),
    });
    out.push({
      id: `MOV_${w}_movn`, mnemonic: 'mov', aliasOf: `MOVN_${w}`, pattern: `sf=${sf} 00 100101 ${hw} imm16:16 Rd:5`,
      operands: [r('Rd'), movImmediate(width, 'movn')], prefer: (f) => !(f.imm16 === 0 && f.hw !== 0) && !(sf === 0 && f.imm16 === 0xffff),
    });
  }
  for (const { sf, width, w } of WIDTHS) {
    out.push({
      id: `MOV_${w}_orr_imm`, mnemonic: 'mov', aliasOf: `ORR_${w}_log_imm`,
      pattern: `sf=${sf} 01 100100 ${sf === 1 ? 'N:1' : 'N=0'} immr:6 imms:6 11111 Rd:5`,
      operands: [gpr('Rd', { width, sp: true }), movImmediate(width, 'bitmask')],
      // movz/movn cannot write SP, so objdump prints `mov sp, #imm` even for a wide constant.
      prefer: (f) => f.Rd === ZR || !isWideConstant(decodeBitMasks(f.N!, f.imms!, f.immr!, width)!, width),
    });
  }
  return out;
}

/** Arm ARM BFXPreferred: whether UBFM/SBFM print as ubfx/sbfx. */
function bfxPreferred(sf: number, unsigned: boolean, imms: number, immr: number): boolean {
  if (imms < immr) return false;
  if (imms === (sf ? 63 : 31)) return false;
  if (immr === 0) {
    if (sf === 0 && (imms === 7 || imms === 15)) return false;
    if (sf === 1 && !unsigned && (imms === 7 || imms === 15 || imms === 31)) return false;
  }
  return true;
}

function bitfield(): EntrySpec[] {
  const out: EntrySpec[] = [];
  for (const { sf, width, w } of WIDTHS) {
    const r = (field: string) => gpr(field, { width });
    const rn32 = gpr('Rn', { width: 32 });
    const max = width - 1;
    const head = (opc: string) => `sf=${sf} ${opc} 100110 N=${sf} immr:6 imms:6 Rn:5 Rd:5`;
    const raw = [imm('immr', { bits: 6, style: 'dec', max, what: 'immr' }), imm('imms', { bits: 6, style: 'dec', max, what: 'imms' })];
    for (const { name, opc } of [{ name: 'SBFM', opc: '00' }, { name: 'BFM', opc: '01' }, { name: 'UBFM', opc: '10' }] as const) {
      const id = `${name}_${w}`;
      const m = name.toLowerCase();
      const p = head(opc);
      out.push({ id, mnemonic: m, pattern: p, operands: [r('Rd'), r('Rn'), ...raw] });
      const alias = (mn: string, operands: EntrySpec['operands'], prefer: (f: Record<string, number>) => boolean, pattern = p): EntrySpec => ({
        id: `${mn.toUpperCase()}_${w}_${m}`, mnemonic: mn, aliasOf: id, pattern, operands, prefer,
      });
      const extract = [r('Rd'), r('Rn'), bitfieldLsb(width, 'extract'), bitfieldWidth(width, 'extract')];
      const insert = [r('Rd'), r('Rn'), bitfieldLsb(width, 'insert'), bitfieldWidth(width, 'insert')];
      if (name === 'SBFM') {
        out.push(alias('asr', [r('Rd'), r('Rn'), imm('immr', { bits: 6, style: 'dec', max, what: 'shift amount' })], () => true, `sf=${sf} 00 100110 N=${sf} immr:6 imms=${sf ? '111111' : '011111'} Rn:5 Rd:5`));
        out.push(alias('sbfiz', insert, (f) => f.imms! < f.immr!));
        out.push(alias('sbfx', extract, (f) => bfxPreferred(sf, false, f.imms!, f.immr!)));
        const ext = (mn: string, imms: string): EntrySpec => alias(mn, [r('Rd'), rn32], () => true, `sf=${sf} 00 100110 N=${sf} 000000 imms=${imms} Rn:5 Rd:5`);
        out.push(ext('sxtb', '000111'), ext('sxth', '001111'));
        if (sf === 1) out.push(ext('sxtw', '011111'));
      } else if (name === 'BFM') {
        out.push({
          ...alias('bfc', [r('Rd'), bitfieldLsb(width, 'insert'), bitfieldWidth(width, 'insert')], (f) => f.imms! < f.immr!, `sf=${sf} 01 100110 N=${sf} immr:6 imms:6 11111 Rd:5`),
          noGenerate: 'GNU as 2.40 accepts bfc only with -march=armv8.2-a (objdump prints it anyway); bfi with wzr/xzr covers the encoding',
        });
        out.push(alias('bfi', insert, (f) => f.imms! < f.immr!));
        out.push(alias('bfxil', extract, (f) => f.imms! >= f.immr!));
      } else {
        out.push(alias('lsl', [r('Rd'), r('Rn'), lslBitfieldAmount(width)], () => true));
        out.push(alias('lsr', [r('Rd'), r('Rn'), imm('immr', { bits: 6, style: 'dec', max, what: 'shift amount' })], () => true, `sf=${sf} 10 100110 N=${sf} immr:6 imms=${sf ? '111111' : '011111'} Rn:5 Rd:5`));
        out.push(alias('ubfiz', insert, (f) => f.imms! < f.immr!));
        out.push(alias('ubfx', extract, (f) => bfxPreferred(sf, true, f.imms!, f.immr!)));
        if (sf === 0) {
          const ext = (mn: string, imms: string): EntrySpec => alias(mn, [r('Rd'), rn32], () => true, `sf=0 10 100110 N=0 000000 imms=${imms} Rn:5 Rd:5`);
          out.push(ext('uxtb', '000111'), ext('uxth', '001111'));
        }
      }
    }
    // EXTR and its ror alias.
    const extrId = `EXTR_${w}`;
    out.push({ id: extrId, mnemonic: 'extr', pattern: `sf=${sf} 00 100111 N=${sf} 0 Rm:5 imms:6 Rn:5 Rd:5`, operands: [r('Rd'), r('Rn'), r('Rm'), imm('imms', { bits: 6, style: 'dec', max, what: 'lsb' })] });
    out.push({
      id: `ROR_${w}_extr`, mnemonic: 'ror', aliasOf: extrId, pattern: `sf=${sf} 00 100111 N=${sf} 0 Rm:5 imms:6 Rn:5 Rd:5`,
      operands: [r('Rd'), gpr(['Rn', 'Rm'], { width }), imm('imms', { bits: 6, style: 'dec', max, what: 'shift amount' })],
    });
  }
  return out;
}

function dataProcessingRegister(): EntrySpec[] {
  const out: EntrySpec[] = [];
  for (const { sf, width, w } of WIDTHS) {
    const r = (field: string | string[]) => gpr(field, { width });
    // Two sources: the variable shifts are always printed as their lsl/lsr/asr/ror aliases.
    const two = [
      { name: 'UDIV', op: '000010' },
      { name: 'SDIV', op: '000011' },
      { name: 'LSLV', op: '001000', alias: 'lsl' },
      { name: 'LSRV', op: '001001', alias: 'lsr' },
      { name: 'ASRV', op: '001010', alias: 'asr' },
      { name: 'RORV', op: '001011', alias: 'ror' },
    ];
    for (const { name, op, alias } of two) {
      const id = `${name}_${w}`;
      const pattern = `sf=${sf} 0 0 11010110 Rm:5 ${op} Rn:5 Rd:5`;
      out.push({ id, mnemonic: name.toLowerCase(), pattern, operands: [r('Rd'), r('Rn'), r('Rm')] });
      if (alias) out.push({ id: `${alias.toUpperCase()}_${w}_reg`, mnemonic: alias, aliasOf: id, pattern, operands: [r('Rd'), r('Rn'), r('Rm')] });
    }
    const one = [
      { name: 'RBIT', op: '000000' },
      { name: 'REV16', op: '000001' },
      ...(sf === 1 ? [{ name: 'REV32', op: '000010' }, { name: 'REV', op: '000011' }] : [{ name: 'REV', op: '000010' }]),
      { name: 'CLZ', op: '000100' },
      { name: 'CLS', op: '000101' },
    ];
    for (const { name, op } of one) {
      out.push({ id: `${name}_${w}`, mnemonic: name.toLowerCase(), pattern: `sf=${sf} 1 0 11010110 00000 ${op} Rn:5 Rd:5`, operands: [r('Rd'), r('Rn')] });
    }
    // Three sources: madd/msub, with mul/mneg when Ra is the zero register.
    for (const { name, o0, alias } of [{ name: 'MADD', o0: 0, alias: 'mul' }, { name: 'MSUB', o0: 1, alias: 'mneg' }]) {
      const id = `${name}_${w}`;
      out.push({ id, mnemonic: name.toLowerCase(), pattern: `sf=${sf} 00 11011 000 Rm:5 ${o0} Ra:5 Rn:5 Rd:5`, operands: [r('Rd'), r('Rn'), r('Rm'), r('Ra')] });
      out.push({ id: `${alias.toUpperCase()}_${w}`, mnemonic: alias, aliasOf: id, pattern: `sf=${sf} 00 11011 000 Rm:5 ${o0} 11111 Rn:5 Rd:5`, operands: [r('Rd'), r('Rn'), r('Rm')] });
    }
    // Conditional select and its aliases (cset/csetm/cinc/cinv/cneg print the inverted condition).
    const csel = [
      { name: 'CSEL', op: 0, o2: 0, aliases: [] as string[] },
      { name: 'CSINC', op: 0, o2: 1, aliases: ['cset', 'cinc'] },
      { name: 'CSINV', op: 1, o2: 0, aliases: ['csetm', 'cinv'] },
      { name: 'CSNEG', op: 1, o2: 1, aliases: ['cneg'] },
    ];
    for (const { name, op, o2, aliases } of csel) {
      const id = `${name}_${w}`;
      const head = `sf=${sf} ${op} 0 11010100`;
      out.push({ id, mnemonic: name.toLowerCase(), pattern: `${head} Rm:5 cond:4 0 ${o2} Rn:5 Rd:5`, operands: [r('Rd'), r('Rn'), r('Rm'), condition('cond')] });
      for (const a of aliases) {
        if (a === 'cset' || a === 'csetm') {
          out.push({ id: `${a.toUpperCase()}_${w}`, mnemonic: a, aliasOf: id, pattern: `${head} 11111 cond:4 0 ${o2} 11111 Rd:5`, operands: [r('Rd'), condition('cond', { invert: true })] });
        } else {
          out.push({
            id: `${a.toUpperCase()}_${w}`, mnemonic: a, aliasOf: id, pattern: `${head} Rm:5 cond:4 0 ${o2} Rn:5 Rd:5`,
            operands: [r('Rd'), r(['Rn', 'Rm']), condition('cond', { invert: true })], prefer: (f) => f.Rn !== ZR || a === 'cneg',
          });
        }
      }
    }
    // Conditional compare, register and immediate.
    for (const { name, op } of [{ name: 'CCMN', op: 0 }, { name: 'CCMP', op: 1 }]) {
      const nzcv = imm('nzcv', { bits: 4, style: 'hex', what: 'nzcv' });
      out.push({ id: `${name}_${w}_reg`, mnemonic: name.toLowerCase(), pattern: `sf=${sf} ${op} 1 11010010 Rm:5 cond:4 0 0 Rn:5 0 nzcv:4`, operands: [r('Rn'), r('Rm'), nzcv, condition('cond')] });
      out.push({ id: `${name}_${w}_imm`, mnemonic: name.toLowerCase(), pattern: `sf=${sf} ${op} 1 11010010 imm5:5 cond:4 1 0 Rn:5 0 nzcv:4`, operands: [r('Rn'), imm('imm5', { bits: 5, style: 'hex' }), nzcv, condition('cond')] });
    }
  }
  // Long multiplies (64-bit only).
  const x = (field: string) => gpr(field, { width: 64 });
  const wreg = (field: string) => gpr(field, { width: 32 });
  for (const { name, u, o0, alias } of [
    { name: 'SMADDL', u: 0, o0: 0, alias: 'smull' },
    { name: 'SMSUBL', u: 0, o0: 1, alias: 'smnegl' },
    { name: 'UMADDL', u: 1, o0: 0, alias: 'umull' },
    { name: 'UMSUBL', u: 1, o0: 1, alias: 'umnegl' },
  ]) {
    out.push({ id: name, mnemonic: name.toLowerCase(), pattern: `1 00 11011 ${u}01 Rm:5 ${o0} Ra:5 Rn:5 Rd:5`, operands: [x('Rd'), wreg('Rn'), wreg('Rm'), x('Ra')] });
    out.push({ id: alias.toUpperCase(), mnemonic: alias, aliasOf: name, pattern: `1 00 11011 ${u}01 Rm:5 ${o0} 11111 Rn:5 Rd:5`, operands: [x('Rd'), wreg('Rn'), wreg('Rm')] });
  }
  out.push({ id: 'SMULH', mnemonic: 'smulh', pattern: '1 00 11011 010 Rm:5 0 (11111) Rn:5 Rd:5', operands: [x('Rd'), x('Rn'), x('Rm')] });
  out.push({ id: 'UMULH', mnemonic: 'umulh', pattern: '1 00 11011 110 Rm:5 0 (11111) Rn:5 Rd:5', operands: [x('Rd'), x('Rn'), x('Rm')] });
  return out;
}

/** Add/subtract with carry, and ngc/ngcs (sbc/sbcs from the zero register). */
function withCarry(): EntrySpec[] {
  const out: EntrySpec[] = [];
  for (const { sf, width, w } of WIDTHS) {
    const r = (field: string) => gpr(field, { width });
    for (const { name, op, S } of [
      { name: 'ADC', op: 0, S: 0 },
      { name: 'ADCS', op: 0, S: 1 },
      { name: 'SBC', op: 1, S: 0 },
      { name: 'SBCS', op: 1, S: 1 },
    ]) {
      const id = `${name}_${w}`;
      out.push({ id, mnemonic: name.toLowerCase(), pattern: `sf=${sf} ${op} ${S} 11010000 Rm:5 000000 Rn:5 Rd:5`, operands: [r('Rd'), r('Rn'), r('Rm')] });
      if (op === 1) {
        const alias = S ? 'ngcs' : 'ngc';
        out.push({ id: `${alias.toUpperCase()}_${w}`, mnemonic: alias, aliasOf: id, pattern: `sf=${sf} ${op} ${S} 11010000 Rm:5 000000 11111 Rd:5`, operands: [r('Rd'), r('Rm')] });
      }
    }
  }
  return out;
}

function pcRelative(): EntrySpec[] {
  const x = gpr('Rd', { width: 64 });
  return [
    {
      id: 'ADR', mnemonic: 'adr', pattern: '0 immlo:2 10000 immhi:19 Rd:5',
      operands: [x, label({ bits: 21, scale: 1, relocation: 'ADR_PREL_LO21', split: { lo: 'immlo', loBits: 2, hi: 'immhi' } })],
    },
    {
      id: 'ADRP', mnemonic: 'adrp', pattern: '1 immlo:2 10000 immhi:19 Rd:5',
      operands: [x, label({ bits: 21, scale: 4096, relocation: 'ADR_PREL_PG_HI21', split: { lo: 'immlo', loBits: 2, hi: 'immhi' }, page: true })],
    },
  ];
}

export const dataProcessing: EntrySpec[] = [...addSub(), ...logical(), ...moveWide(), ...bitfield(), ...dataProcessingRegister(), ...withCarry(), ...pcRelative()];

