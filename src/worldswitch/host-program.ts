// The host's side of the call, as kvm_call_hyp makes it: the HYP function in x0, its argument (the
// vcpu) in x1, `hvc #0`; back at EL1, x0 holds the exit code. The host reads both arguments from its
// own data (the scenario writes them), so one assembly serves every placement. The program is
// assembled by our front end and loaded right after a variant's HYP image, in one image the core runs.

import { assembleText } from '../asm/assemble.ts';
import type { Program } from '../asm/program.ts';
import { concreteDomain } from '../a64/domain-concrete.ts';
import { prepareProgram } from '../machine/image.ts';
import type { Image } from '../machine/image.ts';
import type { Variant } from './variant.ts';

export const HOST_SOURCE_NAME = '<host>/kvm_call_hyp.S';

const HOST_SOURCE = `// The host kernel's call into HYP (kvm_call_hyp), at EL1.
	.text
	.globl	_start
_start:
	ldr	x0, hyp_function	// the HYP function's address (MMU off: the same address)
	ldr	x1, hyp_argument	// its argument: the vcpu
	hvc	#0
	.globl	host_returned
host_returned:				// x0 = the exit code; the scenario stops here
	b	host_returned
	.balign	8
	.globl	hyp_function
hyp_function:
	.quad	0
	.globl	hyp_argument
hyp_argument:
	.quad	0
`;

let program: Program | undefined;

function hostProgram(): Program {
  program ??= assembleText(HOST_SOURCE_NAME, HOST_SOURCE);
  return program;
}

/** A variant's HYP image with the host's code after it, and where the host's pieces are. */
export interface WorldImage {
  image: Image<bigint>;
  host: { start: bigint; returned: bigint; hypFunction: bigint; hypArgument: bigint };
}

const images = new WeakMap<Variant, WorldImage>();

/** The host's code goes on the next 4 KiB boundary after the HYP image. */
const HOST_ALIGN = 0x1000;

export function worldImage(variant: Variant): WorldImage {
  const cached = images.get(variant);
  if (cached !== undefined) return cached;
  const hyp = variant.image;
  const hostOffset = Math.ceil(hyp.bytes.length / HOST_ALIGN) * HOST_ALIGN;
  const hostBase = BigInt(hyp.base + hostOffset);
  const host = prepareProgram(hostProgram(), concreteDomain, { base: hostBase });
  const bytes = new Uint8Array(hostOffset + host.bytes.length);
  bytes.set(hyp.bytes, 0);
  bytes.set(host.bytes, hostOffset);
  const slots = new Array<Image<bigint>['slots'][number]>(bytes.length / 4).fill(undefined);
  hyp.slots.forEach((s, i) => (slots[i] = s));
  host.slots.forEach((s, i) => (slots[hostOffset / 4 + i] = s));
  const sections = new Map(hyp.sections);
  for (const [name, s] of host.sections) sections.set(`host:${name}`, s);
  const symbol = (name: string): bigint => host.symbols.get(name)!;
  const world: WorldImage = {
    image: { dom: hyp.dom, base: hyp.base, bytes, sections, symbols: hyp.symbols, slots, entry: symbol('_start') },
    host: { start: symbol('_start'), returned: symbol('host_returned'), hypFunction: symbol('hyp_function'), hypArgument: symbol('hyp_argument') },
  };
  images.set(variant, world);
  return world;
}
