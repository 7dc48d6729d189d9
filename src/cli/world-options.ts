// The options that choose one world switch (--exit, --guest, --seed), shared by `run`, `trace` and `diff`,
// and the checks (shared by every command that takes them) that turn a bad value into a usage error
// (exit 2) before anything runs.

import type { Argv } from 'yargs';
import { listVariants, resolveVariantDir } from '../worldswitch/variant.ts';
import { EXIT_KINDS, GUEST_WIDTHS, generateWorld } from '../worldswitch/world.ts';
import type { ExitKind, GuestWidth, World } from '../worldswitch/world.ts';

export interface WorldArgs {
  exit?: ExitKind;
  guest?: GuestWidth;
  seed: number;
}

export function worldOptions<T>(y: Argv<T>) {
  return y
    .option('exit', { choices: EXIT_KINDS, describe: 'how the guest exits: hypercall, stage-2 translation fault, stage-2 permission fault (at s1e1r), IRQ (default: from the seed)' })
    .option('guest', { choices: GUEST_WIDTHS, describe: 'the guest is AArch64 (HCR_EL2.RW = 1) or AArch32 (default: from the seed)' })
    .option('seed', { type: 'number', default: 1, describe: 'the seed the world (host state, vcpu context, guest run, configuration, placement) is generated from' });
}

/** What is wrong with --seed, --exit or --guest, or undefined. */
export function worldProblem(argv: { seed?: unknown; exit?: unknown; guest?: unknown }): string | undefined {
  const seed = argv.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) return `--seed must be a non-negative integer, not ${String(seed)}`;
  if (argv.exit !== undefined && !(EXIT_KINDS as readonly unknown[]).includes(argv.exit)) return `--exit must be one of ${EXIT_KINDS.join(', ')}`;
  if (argv.guest !== undefined && !(GUEST_WIDTHS as readonly unknown[]).includes(argv.guest)) return `--guest must be one of ${GUEST_WIDTHS.join(', ')}`;
  return undefined;
}

/** What is wrong with a count option (--runs, --limit): it must be a positive integer. */
export function countProblem(option: string, value: unknown): string | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? undefined : `${option} must be a positive integer, not ${String(value)}`;
}

/** What is wrong with fast-check's --seed (given), or undefined: it must be a 32-bit integer. */
export function propertySeedProblem(seed: unknown): string | undefined {
  if (seed === undefined || (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= -0x8000_0000 && seed <= 0x7fff_ffff)) return undefined;
  return `--seed must be a 32-bit integer, not ${String(seed)}`;
}

/** What is wrong with a variant argument (a name under variants/ or a folder), or undefined. */
export function variantProblem(spec: unknown): string | undefined {
  if (typeof spec === 'string' && resolveVariantDir(spec) !== undefined) return undefined;
  return `no variant '${String(spec)}': name one of ${listVariants().join(', ') || '(none found)'} or a folder holding hyp.S and layout.ts`;
}

export function worldOf(args: WorldArgs): World {
  return generateWorld(args.seed, { ...(args.exit ? { exit: args.exit } : {}), ...(args.guest ? { guest: args.guest } : {}) });
}

/** `hvc exit from an aarch64 guest, seed 1`. */
export function worldTitle(w: World): string {
  return `${w.config.exit} exit from an ${w.config.guest} guest, seed ${w.seed}`;
}
