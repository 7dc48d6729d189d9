// The laws of a world switch (DESIGN.md, "What identical architectural state means"), written once so
// that every variant gets them in one line: `expectWorldSwitchLaws(variant, world)`.

import { expect } from 'vitest';
import { formatDiagnostic } from '../../src/asm/diagnostics.ts';
import { runWorldSwitch } from '../../src/worldswitch/scenario.ts';
import type { WorldSwitchRun } from '../../src/worldswitch/scenario.ts';
import type { Observation } from '../../src/worldswitch/observations.ts';
import { expectedGuestEntry, expectedGuestRetry, expectedHostReturn, expectedVcpuAtExit, mismatches, specificationContext } from '../../src/worldswitch/specification.ts';
import type { Variant } from '../../src/worldswitch/variant.ts';
import type { World } from '../../src/worldswitch/world.ts';

const hex = (v: bigint | undefined): string => (v === undefined ? 'nothing' : `0x${v.toString(16)}`);

/** Every expected value is in the observation; a failure lists each difference by name. */
function expectHolds(what: string, world: World, expected: Observation, actual: Observation | undefined): void {
  expect(actual, `${what}: not observed`).toBeDefined();
  const diffs = mismatches(expected, actual!);
  const where = `seed ${world.seed}, ${world.config.exit} exit from an ${world.config.guest} guest`;
  expect(diffs.map((d) => `${d.name}: expected ${hex(d.expected)}, got ${hex(d.actual)}`), `${what} (${where})`).toEqual([]);
  // Guard against a vacuous check: the specification determines many values.
  expect(Object.keys(expected).length).toBeGreaterThan(30);
}

/** The run reached the host return: no panic, fault, runaway or contract breach. */
export function expectCompleted(run: WorldSwitchRun): void {
  expect(run.failure === undefined ? undefined : formatDiagnostic(run.failure)).toBeUndefined();
  expect(run.hostReturn).toBeDefined();
}

/** Guest entry equals the vcpu context the host prepared. */
export function expectGuestEntryMatchesVcpu(world: World, run: WorldSwitchRun): void {
  expectHolds('guest entry = the vcpu the host prepared', world, expectedGuestEntry(world), run.guestEntry);
}

/** Host return equals the host's state before its hvc (callee-saved, EL1, FP/SIMD, EL2 controls), x0 = exit code. */
export function expectHostReturnMatchesHost(variant: Variant, world: World, run: WorldSwitchRun): void {
  expectHolds('host return = the host before its hvc', world, expectedHostReturn(world, specificationContext(variant)), run.hostReturn);
}

/** The vcpu holds the guest's state at its exit, and the fault HYP recorded. */
export function expectVcpuHoldsGuestExit(world: World, run: WorldSwitchRun): void {
  expectHolds('vcpu = the guest at its exit', world, expectedVcpuAtExit(world), run.hostReturn);
}

/** A permission fault whose stage 1 walk failed resumes the guest where it faulted, untouched. */
export function expectRetryResumesGuest(world: World, run: WorldSwitchRun): void {
  if (world.config.exit === 'perm' && world.config.parFault) {
    expect(run.guestRetry, 'the PAR_EL1.F = 1 path returns to the guest').toBeDefined();
    const diffs = mismatches(expectedGuestRetry(world), run.guestRetry!);
    expect(diffs.map((d) => `${d.name}: expected ${hex(d.expected)}, got ${hex(d.actual)}`)).toEqual([]);
  } else {
    expect(run.guestRetry).toBeUndefined();
  }
}

/** The frame: HYP stores only into the vcpu, host context, hyp stack and GICH. */
export function expectFrame(run: WorldSwitchRun): void {
  expect(run.strayWrites.map((s) => `${s.bytes} bytes at 0x${s.address.toString(16)} by 0x${s.pc.toString(16)}`)).toEqual([]);
  expect(run.hypStackDepth).toBeGreaterThan(0);
}

/** Runs one world switch and checks every law; returns the run for further checks. */
export function expectWorldSwitchLaws(variant: Variant, world: World): WorldSwitchRun {
  const run = runWorldSwitch(variant, world);
  expectCompleted(run);
  expectGuestEntryMatchesVcpu(world, run);
  expectHostReturnMatchesHost(variant, world, run);
  expectVcpuHoldsGuestExit(world, run);
  expectRetryResumesGuest(world, run);
  expectFrame(run);
  return run;
}
