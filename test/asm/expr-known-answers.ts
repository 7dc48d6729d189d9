// GNU as 2.40's values for expressions that pin down its operator precedence and arithmetic,
// measured with `.quad <expr>`; expr.test.ts checks hyplab against them, oracle.test.ts checks them
// against the live tool.

/** expression -> value GNU as 2.40 stored (as a signed 64-bit number). */
export const PRECEDENCE_KNOWN_ANSWERS: [string, bigint][] = [
  ['1 + 2 * 3', 7n],
  ['6 & 3 + 1', 3n], // & binds tighter than +
  ['1 << 2 + 1', 5n], // << binds tighter than +
  ['2 + 3 << 1', 8n],
  ['1 | 2 & 0', 0n], // | and & share a level, left to right
  ['1 & 3 * 2', 0n], // * binds tighter than &: 1 & 6
  ['8 >> 1 * 2', 8n], // >> and * share a level
  ['2 * 3 % 4', 2n],
  ['2 == 1 + 1', -1n], // + binds tighter than ==; true is -1
  ['1 - 1 == 0', -1n],
  ['5 > 3 == 3', 0n], // comparisons share a level
  ['1 && 0 == 0', 1n], // && is below ==, gives 1
  ['1 || 0 && 0', 1n], // && binds tighter than ||
  ['0 && 1 || 1', 1n],
  ['3 - 1 - 1', 1n],
  ['1 < 2', -1n],
  ['2 < 1', 0n],
  ['1 != 1', 0n],
  ['1 <> 2', -1n],
  ['2 >= 2', -1n],
  ['1 >= 2', 0n],
  ['-1 < 0', -1n], // signed
  ['5 ! 1', -1n], // binary ! is or-not
  ['!5', 0n],
  ['!0', 1n],
  ['~0', -1n],
  ['-16 >> 2', 0x3ffffffffffffffcn], // logical shift
  ['-7 / 2', -3n],
  ['-7 % 2', -1n],
  ['0x7fffffffffffffff + 1', -0x8000000000000000n],
  ['0xffffffffffffffff + 2', 1n],
  ["'a", 97n],
  ["'a + 1", 98n],
  ['017', 15n],
  ['0b101', 5n],
  ['6 ^ 3 | 8', 13n],
];
