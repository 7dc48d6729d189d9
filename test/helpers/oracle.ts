// One way for a test to need an outside tool (GNU as, QEMU, xmllint): with the tool it runs; without
// it the test is skipped loudly (what, why, the command that un-skips it), and with
// HYPLAB_REQUIRE_ORACLES=1 (as .ci/run sets) the missing tool is a failing test instead.

import { describe, it } from 'vitest';
import { which } from '../../scripts/oracles/which.ts';

export { which };

/** True when CI demands the oracles: a missing tool is then a failure, not a skip. */
export function oraclesRequired(): boolean {
  return process.env.HYPLAB_REQUIRE_ORACLES === '1';
}

export interface Oracle<T> {
  /** The tool, or undefined when it is missing. */
  found: T | undefined;
  /** What the tests compare against (`GNU as 2.40`), for the message. */
  what: string;
  /** Why it is missing (`qemu-system-aarch64 not found on PATH`). */
  missing: () => string;
  /** The command that installs it. */
  install: string;
}

export function describeWithOracle<T>(name: string, oracle: Oracle<T>, fn: (tool: T) => void): void {
  const tool = oracle.found;
  if (tool !== undefined) {
    describe(name, () => fn(tool));
    return;
  }
  const why = oracle.missing();
  if (oraclesRequired()) {
    describe(name, () => {
      it(`needs ${oracle.what} (HYPLAB_REQUIRE_ORACLES=1)`, () => {
        throw new Error(`oracle required but ${why}; install it with: ${oracle.install}`);
      });
    });
    return;
  }
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!! SKIPPED: "${name}" needs ${oracle.what},`,
      `!! but ${why}.`,
      `!! To run it:  ${oracle.install}`,
      '!! (CI sets HYPLAB_REQUIRE_ORACLES=1, which turns this skip into a failure.)',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    ].join('\n'),
  );
  describe(name, () => {
    it.skip(`skipped: ${why} (install: ${oracle.install})`, () => {});
  });
}
