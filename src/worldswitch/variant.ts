// A variant (variants/<name>/: hyp.S + layout.ts) ready to run: its layout, assembled with the
// layout's constants as #defines and its folder as include directory, prepared for the concrete core,
// and the addresses of the symbols the scenario drives it through (variants/README.md). Cached per
// folder and content: a check runs the same variant many times, and an edited folder is a new variant.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleFile } from '../asm/assemble.ts';
import { AsmError, diagnostic, fail, originOf } from '../asm/diagnostics.ts';
import { concreteDomain } from '../a64/domain-concrete.ts';
import { asmConstants } from '../layout/asm-constants.ts';
import type { Layout } from '../layout/layout.ts';
import { prepareProgram } from '../machine/image.ts';
import type { Image } from '../machine/image.ts';

/** The repository's root folder (variants/, proposals/, REPORT.md). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folder holding every variant: <repo>/variants. */
export const VARIANTS_DIR = fileURLToPath(new URL('../../variants/', import.meta.url));

/** Symbols every variant defines (variants/README.md, "Symbols the scenario looks up"). */
export const CONTRACT_SYMBOLS = ['__kvm_hyp_vector', '__kvm_vcpu_run', '__kvm_vcpu_guest_entry', '__kvm_vcpu_return', '__kvm_hyp_host_return', '__kvm_hyp_panic'] as const;
export type ContractSymbol = (typeof CONTRACT_SYMBOLS)[number];

/** Constants every layout exports. */
export const CONTRACT_CONSTANTS = ['ARM_EXCEPTION_IRQ', 'ARM_EXCEPTION_TRAP', 'KVM_SPSR_EL1', 'KVM_SPSR_ABT', 'KVM_SPSR_UND', 'KVM_SPSR_IRQ', 'KVM_SPSR_FIQ', 'NR_SYS_REGS', 'VGIC_MAX_LRS'] as const;

export interface Variant {
  name: string;
  dir: string;
  hypSource: string;
  layoutFile: string;
  layout: Layout;
  /** The HYP code, loaded at its link address (0x4000_0000). */
  image: Image<bigint>;
  symbols: Record<ContractSymbol, bigint>;
  /** Whether `kvm_vcpu.arch.host_cpu_context` exists (else the host's state lives on the hyp stack only). */
  hasHostContext: boolean;
  /** The struct `arch.host_cpu_context` points to, and its size. */
  hostContext?: { struct: string; size: number };
}

const cache = new Map<string, Variant>();
/** Mutation runs load hundreds of folders: keep the most recent ones only. */
const CACHE_LIMIT = 32;

/** The folder and a digest of every file in it (hyp.S, layout.ts, the headers hyp.S includes). */
function cacheKey(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    hash.update(name).update('\0').update(readFileSync(file)).update('\0');
  }
  return `${dir}\0${hash.digest('hex')}`;
}

/** Every folder in variants/ that holds a hyp.S, sorted by name. */
export function listVariants(dir: string = VARIANTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'hyp.S')))
    .sort();
}

/**
 * The folder `spec` names: a path to a folder (anything with a '/' or that exists as given), else a
 * name under variants/. Undefined when it names no folder.
 */
export function resolveVariantDir(spec: string): string | undefined {
  const candidates = spec.includes('/') || spec.startsWith('.') ? [resolve(spec)] : [join(VARIANTS_DIR, spec), resolve(spec)];
  return candidates.find((d) => existsSync(d) && statSync(d).isDirectory());
}

/** Loads (or returns the cached) variant in folder `dir`; throws AsmError with coded diagnostics. */
export function loadVariant(dir: string): Variant {
  const folder = resolve(dir);
  const hypSource = join(folder, 'hyp.S');
  const layoutFile = join(folder, 'layout.ts');
  for (const file of [hypSource, layoutFile]) {
    if (!existsSync(file)) fail('HL0902', `cannot read ${file}: a variant folder holds hyp.S and layout.ts`, originOf(file));
  }
  const key = cacheKey(folder);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const constants = asmConstants(layoutFile);
  const layout = constants.layout;
  for (const name of CONTRACT_CONSTANTS) {
    if (!layout.source.values.has(name)) fail('HL0808', `${basename(folder)}: layout.ts does not export ${name}, which every variant provides (variants/README.md)`, originOf(layoutFile));
  }
  const program = assembleFile(hypSource, { includeDirs: [folder], defines: constants.defines });
  const image = prepareProgram(program, concreteDomain);
  const symbols = {} as Record<ContractSymbol, bigint>;
  const missing: string[] = [];
  for (const name of CONTRACT_SYMBOLS) {
    const address = image.symbols.get(name);
    if (address === undefined) missing.push(name);
    else symbols[name] = address;
  }
  if (missing.length > 0) {
    throw new AsmError(diagnostic('HL0301', `${basename(folder)}: hyp.S does not define ${missing.join(', ')}, which the world-switch scenario drives it through (variants/README.md)`, originOf(hypSource)));
  }
  const hostContext = hostContextOf(layout);
  const variant: Variant = {
    name: basename(folder),
    dir: folder,
    hypSource,
    layoutFile,
    layout,
    image,
    symbols,
    hasHostContext: hostContext !== undefined,
    ...(hostContext !== undefined ? { hostContext } : {}),
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, variant);
  return variant;
}

function hostContextOf(layout: Layout): { struct: string; size: number } | undefined {
  let field;
  try {
    field = layout.locate('kvm_vcpu', 'arch.host_cpu_context');
  } catch (e) {
    if (e instanceof AsmError && e.diagnostics[0]?.code === 'HL0806') return undefined;
    throw e;
  }
  if (field.type.kind !== 'pointer' || field.type.target === 'void') {
    return fail('HL0806', `kvm_vcpu.arch.host_cpu_context must be a Ptr<struct> (variants/README.md)`, originOf(layout.file));
  }
  return { struct: field.type.target, size: layout.struct(field.type.target).size };
}
