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

/** Every lower-case name, made once: a lookup is one map hit (assembly reads registers constantly). */
const GPR_BY_NAME: ReadonlyMap<string, GprName> = (() => {
  const map = new Map<string, GprName>(Object.entries(NAMED));
  for (let n = 0; n <= 30; n++) {
    map.set(`x${n}`, { n, width: 64, sp: false, zr: false });
    map.set(`w${n}`, { n, width: 32, sp: false, zr: false });
  }
  return map;
})();

/** Reads a lower-case register name (x0-x30, w0-w30, sp, wsp, xzr, wzr, lr, fp, ip0, ip1). The result is
 *  shared: do not change it. */
export function gprByName(name: string): GprName | undefined {
  return GPR_BY_NAME.get(name);
}

/** The name objdump prints. */
export function gprText(n: number, width: 32 | 64, sp: boolean): string {
  if (n === 31) return width === 64 ? (sp ? 'sp' : 'xzr') : sp ? 'wsp' : 'wzr';
  return `${width === 64 ? 'x' : 'w'}${n}`;
}
