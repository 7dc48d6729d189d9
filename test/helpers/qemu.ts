// QEMU (qemu-system-aarch64) as an oracle for the execution core. Tests that need it register through
// `describeWithQemu`, which skips loudly where QEMU is missing and fails when HYPLAB_REQUIRE_ORACLES=1
// (as in CI), like describeWithGnuAs.

import { describe, it } from 'vitest';
import { INSTALL_QEMU, findQemu } from '../../scripts/oracles/qemu.ts';
import { oraclesRequired } from './gnu-as.ts';

export { INSTALL_QEMU };

export const qemu = findQemu();

/**
 * `describe` for tests that compare against QEMU. Without qemu-system-aarch64: registers one skipped
 * test and warns loudly (what, why, how to un-skip); with HYPLAB_REQUIRE_ORACLES=1 registers a failing test.
 */
export function describeWithQemu(name: string, fn: (qemuPath: string) => void): void {
  if (qemu !== undefined) {
    describe(name, () => fn(qemu));
    return;
  }
  const why = 'qemu-system-aarch64 not found on PATH';
  if (oraclesRequired()) {
    describe(name, () => {
      it('needs the QEMU oracle (HYPLAB_REQUIRE_ORACLES=1)', () => {
        throw new Error(`oracle required but ${why}; install it with: ${INSTALL_QEMU}`);
      });
    });
    return;
  }
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!! SKIPPED: "${name}" compares hyplab's core against QEMU 7.2 at EL2,`,
      `!! but ${why}.`,
      `!! To run it:  ${INSTALL_QEMU}`,
      '!! (CI sets HYPLAB_REQUIRE_ORACLES=1, which turns this skip into a failure.)',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    ].join('\n'),
  );
  describe(name, () => {
    it.skip(`skipped: ${why} (install: ${INSTALL_QEMU})`, () => {});
  });
}
