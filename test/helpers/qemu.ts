// QEMU (qemu-system-aarch64) as an oracle for the execution core. Tests that need it register through
// `describeWithQemu` (test/helpers/oracle.ts): skipped loudly where QEMU is missing, a failure when
// HYPLAB_REQUIRE_ORACLES=1 (as in CI).

import { INSTALL_QEMU, findQemu } from '../../scripts/oracles/qemu.ts';
import { describeWithOracle } from './oracle.ts';

export const qemu = findQemu();

/** `describe` for tests that compare against QEMU (test/helpers/oracle.ts: skipped loudly without it). */
export function describeWithQemu(name: string, fn: (qemuPath: string) => void): void {
  describeWithOracle(name, { found: qemu, what: "QEMU 7.2 at EL2 (the comparison of hyplab's core against it)", missing: () => 'qemu-system-aarch64 not found on PATH', install: INSTALL_QEMU }, fn);
}
