// The GNU toolchain as an oracle: find aarch64-linux-gnu-as/-objdump (and gcc, used as the C
// preprocessor), assemble a source exactly as a kernel build would, and read the object back with our
// own ELF64 reader. Tests that need the oracle register through `describeWithGnuAs`, which skips
// loudly where the tools are missing and fails when HYPLAB_REQUIRE_ORACLES=1 (as in CI).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { describeWithOracle, oraclesRequired, which } from './oracle.ts';

/** The command that installs the oracle (gcc only serves as the C preprocessor). */
export const INSTALL_GNU_AS = 'apt-get install -y --no-install-recommends binutils-aarch64-linux-gnu gcc';

export interface GnuTools {
  as: string;
  objdump: string;
  /** Host gcc, used only as the C preprocessor (`gcc -E -x assembler-with-cpp`). */
  gcc: string;
}

/** The oracle's tools, or undefined when any of them is missing. */
export function findGnuAs(): GnuTools | undefined {
  const as = which('aarch64-linux-gnu-as');
  const objdump = which('aarch64-linux-gnu-objdump');
  const gcc = which('gcc');
  if (as === undefined || objdump === undefined || gcc === undefined) return undefined;
  return { as, objdump, gcc };
}

export const gnuAs = findGnuAs();

export { oraclesRequired };

function missingTools(): string {
  const names = ['aarch64-linux-gnu-as', 'aarch64-linux-gnu-objdump', 'gcc'];
  return `${names.filter((n) => which(n) === undefined).join(', ')} not found on PATH`;
}

/** `describe` for tests that compare against GNU as (test/helpers/oracle.ts: skipped loudly without it). */
export function describeWithGnuAs(name: string, fn: (tools: GnuTools) => void): void {
  describeWithOracle(name, { found: gnuAs, what: 'GNU as 2.40 (the comparison of hyplab against it)', missing: missingTools, install: INSTALL_GNU_AS }, fn);
}

// ---------------------------------------------------------------------------------------------
// Assembling with GNU as

export interface GnuAssembleOptions {
  /** `-D NAME[=VALUE]` for the C preprocessor. */
  defines?: Record<string, string | number | true>;
  /** `-I DIR` for the C preprocessor (the source's own directory is always searched first). */
  includeDirs?: string[];
  /** Run cpp even if the source has no directive (defaults: only when it has one, or defines are given). */
  preprocess?: boolean;
}

export type GnuInput = { path: string } | { text: string; name?: string };

export interface GnuObject {
  /** The text GNU as assembled (after cpp when cpp ran). */
  assembled: string;
  /** GNU as's stderr (empty: `--fatal-warnings` makes any warning a failure). */
  stderr: string;
  elf: ElfObject;
  instructions: ObjdumpLine[];
}

export class GnuAsFailure extends Error {
  constructor(
    readonly tool: string,
    readonly stderr: string,
  ) {
    super(`${tool} failed:\n${stderr}`);
    this.name = 'GnuAsFailure';
  }
}

const CPP_DIRECTIVE = /^[ \t]*#[ \t]*(include|define|undef|if|ifdef|ifndef|elif|else|endif|error|warning|pragma|line)\b/m;

/** True when the source needs the C preprocessor before GNU as sees it. */
export function hasCppDirectives(text: string): boolean {
  return CPP_DIRECTIVE.test(text);
}

function run(tool: string, args: string[], cwd: string): string {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error !== undefined) throw new GnuAsFailure(tool, String(r.error));
  if (r.status !== 0) throw new GnuAsFailure(`${basename(tool)} ${args.join(' ')}`, r.stderr + r.stdout);
  return r.stdout;
}

function cppArgs(options: GnuAssembleOptions, sourceDir: string): string[] {
  const args = ['-E', '-P', '-x', 'assembler-with-cpp', '-undef', '-D__ASSEMBLER__=1', '-D__aarch64__=1'];
  for (const [name, value] of Object.entries(options.defines ?? {})) {
    args.push(value === true ? `-D${name}` : `-D${name}=${value}`);
  }
  for (const dir of [sourceDir, ...(options.includeDirs ?? [])]) args.push('-I', resolve(dir));
  return args;
}

/** Preprocesses (when needed) and assembles with GNU as in a temporary directory. */
export function gnuAssemble(input: GnuInput, options: GnuAssembleOptions = {}, tools: GnuTools | undefined = gnuAs): GnuObject {
  if (tools === undefined) throw new Error(`GNU as oracle not installed: ${INSTALL_GNU_AS}`);
  const work = mkdtempSync(join(tmpdir(), 'hyplab-gnu-'));
  try {
    const sourcePath = 'path' in input ? resolve(input.path) : join(work, input.name ?? 'input.S');
    const text = 'path' in input ? readFileSync(sourcePath, 'utf8') : input.text;
    if (!('path' in input)) writeFileSync(sourcePath, text);
    const needsCpp = options.preprocess ?? (hasCppDirectives(text) || Object.keys(options.defines ?? {}).length > 0);
    const assembled = needsCpp ? run(tools.gcc, [...cppArgs(options, dirname(sourcePath)), sourcePath], work) : text;
    const asInput = join(work, 'input.s');
    writeFileSync(asInput, assembled);
    const objectPath = join(work, 'out.o');
    const r = spawnSync(tools.as, ['--fatal-warnings', '-o', objectPath, asInput], { cwd: work, encoding: 'utf8' });
    if (r.error !== undefined || r.status !== 0) throw new GnuAsFailure('aarch64-linux-gnu-as', `${r.stderr ?? ''}${r.error ?? ''}`);
    const elf = readElf64(readFileSync(objectPath));
    const instructions = objdumpTexts(objectPath, tools);
    return { assembled, stderr: r.stderr, elf, instructions };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const gnuAssembleFile = (path: string, options: GnuAssembleOptions = {}): GnuObject => gnuAssemble({ path }, options);
export const gnuAssembleText = (text: string, options: GnuAssembleOptions = {}): GnuObject => gnuAssemble({ text }, options);

// ---------------------------------------------------------------------------------------------
// objdump -d

export interface ObjdumpLine {
  section: string;
  offset: number;
  /** The encoding column as a number (a 32-bit word for instructions; fewer bytes for `.byte`/`.short`). */
  word: number;
  /** Text after the encoding column, `<sym+off>` annotations removed, trailing space trimmed. */
  text: string;
  /** objdump printed data (`.word`, `.byte`, ...) rather than an instruction (mapping symbol $d). */
  isData: boolean;
}

const SECTION_HEADER = /^Disassembly of section (.+):$/;
const LINE = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s*\t(.*)$/;
/** What objdump prints for data (mapping symbol $d); `.inst` is an undefined instruction, not data. */
const DATA_TEXT = /^\.(word|short|hword|byte|dword|quad)\b/;

/** Removes objdump's `<symbol+0x10>` annotations; they depend on symbol placement, not on the encoding. */
export function stripSymbolAnnotations(text: string): string {
  return text.replace(/\s*<[^<>]*>/g, '').trimEnd();
}

/** `objdump -d -z` of an object file, one entry per instruction or data unit. */
export function objdumpTexts(objectPath: string, tools: GnuTools | undefined = gnuAs): ObjdumpLine[] {
  if (tools === undefined) throw new Error(`GNU objdump not installed: ${INSTALL_GNU_AS}`);
  const out = run(tools.objdump, ['-d', '-z', objectPath], dirname(objectPath));
  return parseObjdump(out);
}

export function parseObjdump(out: string): ObjdumpLine[] {
  const lines: ObjdumpLine[] = [];
  let section = '';
  for (const line of out.split('\n')) {
    const header = SECTION_HEADER.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const m = LINE.exec(line);
    if (!m) continue;
    const text = stripSymbolAnnotations(m[3]!);
    lines.push({ section, offset: parseInt(m[1]!, 16), word: parseInt(m[2]!, 16), text, isData: DATA_TEXT.test(text) });
  }
  return lines;
}

/** Whitespace-insensitive form of a disassembly text: objdump separates the mnemonic with a tab. */
export function normaliseDisassembly(text: string): string {
  return stripSymbolAnnotations(text).replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// ELF64 little-endian reader (relocatable objects only)

export interface ElfSection {
  name: string;
  type: number;
  flags: bigint;
  bytes: Uint8Array;
  alignment: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  /** STT_*: 0 notype, 1 object, 2 func, 3 section, 4 file. */
  type: number;
  /** STB_*: 0 local, 1 global, 2 weak. */
  binding: number;
  /** Name of the defining section; undefined for undefined (external) symbols, `*ABS*` for absolute ones. */
  section: string | undefined;
}

export interface ElfRelocation {
  /** The section the relocation patches (`.text` for `.rela.text`). */
  section: string;
  offset: number;
  /** R_AARCH64_ name without the prefix, e.g. `ABS64`, `CALL26`; `R<number>` when unknown. */
  type: string;
  /** Symbol name; for a section symbol, the section's name. */
  symbol: string;
  addend: bigint;
}

export interface ElfObject {
  sections: Map<string, ElfSection>;
  symbols: ElfSymbol[];
  relocations: ElfRelocation[];
}

/** R_AARCH64_* relocation numbers (ELF for the Arm 64-bit Architecture, table "Static relocations"). */
export const AARCH64_RELOCATION_NAMES: Record<number, string> = {
  257: 'ABS64',
  258: 'ABS32',
  259: 'ABS16',
  260: 'PREL64',
  261: 'PREL32',
  262: 'PREL16',
  263: 'MOVW_UABS_G0',
  264: 'MOVW_UABS_G0_NC',
  265: 'MOVW_UABS_G1',
  266: 'MOVW_UABS_G1_NC',
  267: 'MOVW_UABS_G2',
  268: 'MOVW_UABS_G2_NC',
  269: 'MOVW_UABS_G3',
  273: 'LD_PREL_LO19',
  274: 'ADR_PREL_LO21',
  275: 'ADR_PREL_PG_HI21',
  276: 'ADR_PREL_PG_HI21_NC',
  277: 'ADD_ABS_LO12_NC',
  278: 'LDST8_ABS_LO12_NC',
  279: 'TSTBR14',
  280: 'CONDBR19',
  282: 'JUMP26',
  283: 'CALL26',
  284: 'LDST16_ABS_LO12_NC',
  285: 'LDST32_ABS_LO12_NC',
  286: 'LDST64_ABS_LO12_NC',
  299: 'LDST128_ABS_LO12_NC',
};

const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_NOBITS = 8;
const SHN_UNDEF = 0;
const SHN_ABS = 0xfff1;
const STT_SECTION = 3;

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(at, end)).toString('utf8');
}

interface RawSection {
  name: string;
  type: number;
  flags: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
}

/** Reads an ELFCLASS64, ELFDATA2LSB relocatable object: sections, symbols, RELA relocations. */
export function readElf64(file: Uint8Array): ElfObject {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0, false) !== 0x7f454c46) throw new Error('not an ELF file');
  if (file[4] !== 2 || file[5] !== 1) throw new Error('not ELF64 little-endian');
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);

  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    raw.push({
      name: '',
      type: view.getUint32(at + 4, true),
      flags: view.getBigUint64(at + 8, true),
      offset: Number(view.getBigUint64(at + 0x18, true)),
      size: Number(view.getBigUint64(at + 0x20, true)),
      link: view.getUint32(at + 0x28, true),
      info: view.getUint32(at + 0x2c, true),
      align: Number(view.getBigUint64(at + 0x30, true)),
      entsize: Number(view.getBigUint64(at + 0x38, true)),
    });
    raw[i]!.name = String(view.getUint32(at, true)); // resolved below
  }
  const shstr = raw[shstrndx]!;
  const names = file.subarray(shstr.offset, shstr.offset + shstr.size);
  for (const s of raw) s.name = cString(names, Number(s.name));

  const sections = new Map<string, ElfSection>();
  for (const s of raw.slice(1)) {
    const bytes = s.type === SHT_NOBITS ? new Uint8Array(s.size) : file.slice(s.offset, s.offset + s.size);
    sections.set(s.name, { name: s.name, type: s.type, flags: s.flags, bytes, alignment: s.align });
  }

  const symbols: ElfSymbol[] = [];
  const symtabIndex = raw.findIndex((s) => s.type === SHT_SYMTAB);
  if (symtabIndex >= 0) {
    const symtab = raw[symtabIndex]!;
    const strtab = raw[symtab.link]!;
    const strings = file.subarray(strtab.offset, strtab.offset + strtab.size);
    for (let at = symtab.offset; at < symtab.offset + symtab.size; at += symtab.entsize) {
      const info = view.getUint8(at + 4);
      const shndx = view.getUint16(at + 6, true);
      const type = info & 0xf;
      const section = shndx === SHN_UNDEF ? undefined : shndx === SHN_ABS ? '*ABS*' : raw[shndx]?.name;
      const ownName = cString(strings, view.getUint32(at, true));
      symbols.push({
        name: type === STT_SECTION && section !== undefined ? section : ownName,
        value: view.getBigUint64(at + 8, true),
        size: view.getBigUint64(at + 16, true),
        type,
        binding: info >> 4,
        section,
      });
    }
  }

  const relocations: ElfRelocation[] = [];
  for (const s of raw) {
    if (s.type !== SHT_RELA) continue;
    const target = raw[s.info]!.name;
    for (let at = s.offset; at < s.offset + s.size; at += s.entsize) {
      const info = view.getBigUint64(at + 8, true);
      const typeNumber = Number(info & 0xffffffffn);
      const symbol = symbols[Number(info >> 32n)];
      relocations.push({
        section: target,
        offset: Number(view.getBigUint64(at, true)),
        type: AARCH64_RELOCATION_NAMES[typeNumber] ?? `R${typeNumber}`,
        symbol: symbol?.name ?? '',
        addend: view.getBigInt64(at + 16, true),
      });
    }
  }
  return { sections, symbols, relocations };
}

/** Sections that hold program contents (what the Program's sections must equal), by name. */
export function contentSections(elf: ElfObject): Map<string, Uint8Array> {
  const SHF_ALLOC = 2n;
  const out = new Map<string, Uint8Array>();
  for (const [name, s] of elf.sections) {
    if ((s.flags & SHF_ALLOC) === 0n) continue;
    out.set(name, s.bytes);
  }
  return out;
}
