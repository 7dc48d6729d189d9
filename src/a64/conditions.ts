// Condition codes (Arm ARM, "Condition code"), with every name GNU as accepts for each; the first
// name is the one objdump prints, the others appear in its `// cs = hs, nlast` comments.

export const CONDITION_NAMES: readonly (readonly string[])[] = [
  ['eq', 'none'],
  ['ne', 'any'],
  ['cs', 'hs', 'nlast'],
  ['cc', 'lo', 'ul', 'last'],
  ['mi', 'first'],
  ['pl', 'nfrst'],
  ['vs'],
  ['vc'],
  ['hi', 'pmore'],
  ['ls', 'plast'],
  ['ge', 'tcont'],
  ['lt', 'tstop'],
  ['gt'],
  ['le'],
  ['al'],
  ['nv'],
];

const BY_NAME = new Map<string, number>(CONDITION_NAMES.flatMap((names, cond) => names.map((n) => [n, cond] as const)));

export function conditionByName(name: string): number | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function conditionName(cond: number): string {
  return CONDITION_NAMES[cond & 15]![0]!;
}

/** The other names of a condition, as objdump lists them in its comment. */
export function conditionOtherNames(cond: number): readonly string[] {
  return CONDITION_NAMES[cond & 15]!.slice(1);
}

/** Inverting a condition flips bit 0 (eq <-> ne, cs <-> cc, ...). */
export function invertCondition(cond: number): number {
  return cond ^ 1;
}

/**
 * The inverse of a condition as written, in the same spelling family (hs -> lo, cs -> cc); undefined
 * for al and nv (no inverse that branches) and for a name GNU as does not know.
 */
export function invertedConditionName(name: string): string | undefined {
  const cond = BY_NAME.get(name);
  if (cond === undefined || cond >= 14) return undefined;
  const names = CONDITION_NAMES[invertCondition(cond)]!;
  return names[CONDITION_NAMES[cond]!.indexOf(name)] ?? names[0];
}
