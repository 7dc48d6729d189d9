// General-purpose register names as GNU as reads them. Number 31 is either the zero register or the
// stack pointer depending on the operand; the name says which one the writer meant.

export interface GprName {
  n: number;
  width: 32 | 64;
  /** Written as sp/wsp. */
  sp: boolean;
  /** Written as xzr/wzr. */
  zr: boolean;
}

const NAMED: Record<string, GprName> = {
  sp: { n: 31, width: 64, sp: true, zr: false },
  wsp: { n: 31, width: 32, sp: true, zr: false },
  xzr: { n: 31, width: 64, sp: false, zr: true },
  wzr: { n: 31, width: 32, sp: false, zr: true },
  lr: { n: 30, width: 64, sp: false, zr: false },
  fp: { n: 29, width: 64, sp: false, zr: false },
  ip0: { n: 16, width: 64, sp: false, zr: false },
  ip1: { n: 17, width: 64, sp: false, zr: false },
};

/** Reads a lower-case register name (x0-x30, w0-w30, sp, wsp, xzr, wzr, lr, fp, ip0, ip1). */
export function gprByName(name: string): GprName | undefined {
  const named = NAMED[name];
  if (named) return named;
  const m = /^([xw])([0-9]|[12][0-9]|30)$/.exec(name);
  if (!m) return undefined;
  return { n: Number(m[2]), width: m[1] === 'x' ? 64 : 32, sp: false, zr: false };
}

/** The name objdump prints. */
export function gprText(n: number, width: 32 | 64, sp: boolean): string {
  if (n === 31) return width === 64 ? (sp ? 'sp' : 'xzr') : sp ? 'wsp' : 'wzr';
  return `${width === 64 ? 'x' : 'w'}${n}`;
}
