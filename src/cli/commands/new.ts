// `hyplab new NAME --from VARIANT`: starts a prototype. Copies variants/VARIANT into variants/NAME,
// renames what names the old variant's own files (`variants/VARIANT` paths and `proposals/VARIANT.md`
// in comments; never the contract symbols, never the `[reconstructed] VARIANT:` markers, which say who
// wrote a line), and writes proposals/NAME.md from proposals/TEMPLATE.md with VARIANT's declared
// deltas (the copy behaves as VARIANT does). Refuses to replace an existing variant or proposal without
// --force (exit 2). The new folder is assembled in a hidden staging folder and renamed into place, so
// an interrupted `new` leaves no half-written variant. Exit 0 on success, 1 when it cannot write, 2
// for bad usage.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { fail, originOf } from '../../asm/diagnostics.ts';
import { parseDeltas } from '../../equiv/deltas.ts';
import { REPOSITORY_ROOT } from '../../worldswitch/variant.ts';
import { EXIT, type CliIO } from '../io.ts';
import { reportFailure } from '../report-errors.ts';

interface NewArgs {
  name: string;
  from: string;
  force: boolean;
  root: string;
  format: 'text' | 'json';
}

/** The repository: the folder holding variants/ and proposals/. */

/** A variant's name is a folder name: lower-case letters and digits, words joined by single dashes. */
const VARIANT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 64;

/** Notes about the old variant stay with it: the new variant's prose is its proposal. */
const NOT_COPIED = /\.md$/i;

export function newCommand(io: CliIO, setStatus: (status: number) => void): CommandModule<object, NewArgs> {
  return {
    command: 'new <name>',
    describe: 'Start a new variant: copy variants/VARIANT into variants/NAME and write proposals/NAME.md from the template',
    builder: (y) =>
      y
        .positional('name', { type: 'string', demandOption: true, describe: 'the new variant: lower-case letters, digits and dashes (a folder name under variants/)' })
        .option('from', { type: 'string', demandOption: true, describe: 'the variant to copy (a name under variants/)' })
        .option('force', { type: 'boolean', default: false, describe: 'replace an existing variants/NAME and proposals/NAME.md' })
        .option('root', { type: 'string', default: REPOSITORY_ROOT, describe: 'the folder holding variants/ and proposals/' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
        .check((argv) => {
          const problem = newProblem(argv);
          if (problem !== undefined) throw new Error(problem);
          return true;
        }),
    handler: (args) => {
      setStatus(
        reportFailure(io, () => {
          const made = createVariant(resolve(args.root), args.from, args.name);
          if (args.format === 'json') io.stdout(`${JSON.stringify(made, null, 2)}\n`);
          else io.stdout(newText(made));
          return EXIT.ok;
        }),
      );
    },
  };
}

/** What is wrong with the arguments, or undefined. */
function newProblem(argv: { name?: unknown; from?: unknown; force?: unknown; root?: unknown }): string | undefined {
  const { name, from } = argv;
  const root = resolve(typeof argv.root === 'string' ? argv.root : REPOSITORY_ROOT);
  const variants = join(root, 'variants');
  if (typeof name !== 'string' || !VARIANT_NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    return `bad variant name '${String(name)}': a folder name of lower-case letters, digits and single dashes (e.g. 'shared-vgic-macro'), at most ${MAX_NAME_LENGTH} characters`;
  }
  const known = existsSync(variants) ? readdirSync(variants).filter((d) => !d.startsWith('.') && existsSync(join(variants, d, 'hyp.S'))).sort() : [];
  if (from === undefined) return `name the variant to copy: --from VARIANT (one of ${known.join(', ') || '(none found)'})`;
  if (typeof from !== 'string' || !VARIANT_NAME.test(from) || !existsSync(join(variants, from, 'hyp.S')) || !existsSync(join(variants, from, 'layout.ts'))) {
    return `no variant '${String(from)}' to copy in ${variants}: name one of ${known.join(', ') || '(none found)'}`;
  }
  if (name === from) return `the new variant must have a name of its own, not '${from}'`;
  if (argv.force !== true) {
    const taken = [join(variants, name), join(root, 'proposals', `${name}.md`)].filter((p) => existsSync(p));
    if (taken.length > 0) return `${taken.join(' and ')} already exist${taken.length === 1 ? 's' : ''}: choose another name, or --force to replace ${taken.length === 1 ? 'it' : 'them'}`;
  }
  return undefined;
}

interface RenamedLine {
  file: string;
  line: number;
  before: string;
  after: string;
}

export interface NewVariant {
  name: string;
  from: string;
  variant: string;
  proposal: string;
  files: string[];
  /** Files of the old variant left behind (notes about it). */
  skipped: string[];
  renamed: RenamedLine[];
  /** Deltas carried over from proposals/FROM.md. */
  deltas: number;
  replaced: boolean;
}

/** `variants/FROM` (a path naming the old variant's folder) and `proposals/FROM.md`, with their new names. */
function renameReferences(text: string, from: string, name: string): string {
  const escaped = from.replace(/[-]/g, '\\-');
  return text.replace(new RegExp(`(^|[^\\w-])variants/${escaped}(?![\\w-])`, 'g'), `$1variants/${name}`).replace(new RegExp(`(^|[^\\w-])proposals/${escaped}\\.md\\b`, 'g'), `$1proposals/${name}.md`);
}

/** The files of `dir`, relative to it, depth first in name order. */
function filesOf(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? filesOf(path, `${prefix}${entry}/`) : [`${prefix}${entry}`];
    });
}

/** The lines between the ```json deltas fence and its close, or undefined when `text` has no such block. */
function deltasBlock(text: string): { start: number; end: number } | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^```json deltas\s*$/.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('```'));
  return end < 0 ? undefined : { start, end };
}

/** The template filled in: names, and the deltas block holding `deltas` (JSON lines). */
function proposalText(template: string, name: string, from: string, deltas: string[]): string {
  const filled = template.replaceAll('{{name}}', name).replaceAll('{{from}}', from);
  const block = deltasBlock(filled);
  if (block === undefined) return filled;
  const lines = filled.split('\n');
  return [...lines.slice(0, block.start + 1), ...deltas, ...lines.slice(block.end)].join('\n');
}

/** The deltas of proposals/FROM.md as written (checked by the parser `check` uses), or `[]`. */
function inheritedDeltas(root: string, from: string): { lines: string[]; count: number } {
  const file = join(root, 'proposals', `${from}.md`);
  if (!existsSync(file)) return { lines: ['[]'], count: 0 };
  const text = readFileSync(file, 'utf8');
  const count = parseDeltas(text, file).length;
  const block = deltasBlock(text)!;
  return { lines: text.split('\n').slice(block.start + 1, block.end), count };
}

const templateFile = (root: string): string => [join(root, 'proposals', 'TEMPLATE.md'), join(REPOSITORY_ROOT, 'proposals', 'TEMPLATE.md')].find((f) => existsSync(f))!;

/** Cleanup after the work is done or undone: a path that cannot be there (its parent is a file) is gone already. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // ENOTDIR and the like: nothing to remove.
  }
}

/** Creates variants/NAME and proposals/NAME.md under `root` (replacing them: the caller checked --force); each appears whole or not at all. */
function createVariant(root: string, from: string, name: string): NewVariant {
  const source = join(root, 'variants', from);
  const target = join(root, 'variants', name);
  const proposal = join(root, 'proposals', `${name}.md`);
  const inherited = inheritedDeltas(root, from);
  const text = proposalText(readFileSync(templateFile(root), 'utf8'), name, from, inherited.lines);
  parseDeltas(text, proposal); // the proposal written must be one `check` reads

  const files: string[] = [];
  const skipped: string[] = [];
  const renamed: RenamedLine[] = [];
  // Hidden names next to the targets (a rename does not cross file systems); mkdir, not mkdtemp, so
  // the folder gets the umask's permissions.
  const unique = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(root, 'variants', `.${name}.new-${unique}`);
  mkdirSync(staging);
  const proposalStaging = join(root, 'proposals', `.${name}.md.new-${unique}`);
  let backup: string | undefined;
  let placed = false;
  const replaced = existsSync(target) || existsSync(proposal);
  try {
    for (const file of filesOf(source)) {
      if (NOT_COPIED.test(file)) {
        skipped.push(file);
        continue;
      }
      const before = readFileSync(join(source, file), 'utf8');
      const after = renameReferences(before, from, name);
      const oldLines = before.split('\n');
      after.split('\n').forEach((l, i) => l !== oldLines[i] && renamed.push({ file, line: i + 1, before: oldLines[i]!, after: l }));
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      writeFileSync(join(staging, file), after);
      files.push(file);
    }
    mkdirSync(join(root, 'proposals'), { recursive: true });
    writeFileSync(proposalStaging, text);
    if (existsSync(target)) {
      backup = join(root, 'variants', `.${name}.old-${unique}`);
      renameSync(target, backup);
    }
    renameSync(staging, target);
    placed = true;
    renameSync(proposalStaging, proposal);
  } catch (e) {
    // Put things back as they were: no new folder, the old one (if any) in its place.
    if (placed) rmSync(target, { recursive: true, force: true });
    if (backup !== undefined) renameSync(backup, target);
    backup = undefined;
    const message = e instanceof Error ? e.message : String(e);
    fail('HL0902', `cannot create ${target} and ${proposal} (nothing was changed): ${message}`, originOf(target));
  } finally {
    removeQuietly(staging);
    removeQuietly(proposalStaging);
    if (backup !== undefined) removeQuietly(backup);
  }
  return {
    name,
    from,
    variant: target,
    proposal,
    files,
    skipped,
    renamed,
    deltas: inherited.count,
    replaced,
  };
}

function newText(m: NewVariant): string {
  const rel = (p: string): string => (p.startsWith(`${process.cwd()}/`) ? relative(process.cwd(), p) : p);
  const lines = [`created ${rel(m.variant)}/ from variants/${m.from}/: ${m.files.join(', ')}`];
  if (m.skipped.length > 0) lines.push(`  not copied (notes about ${m.from}): ${m.skipped.join(', ')}`);
  for (const r of m.renamed) lines.push(`  renamed ${r.file}:${r.line}: ${r.after.trim()}`);
  lines.push(`created ${rel(m.proposal)} from proposals/TEMPLATE.md (${m.deltas === 0 ? 'no declared deltas' : `${m.deltas} declared deltas carried over from proposals/${m.from}.md`})`);
  lines.push(`next: edit ${rel(m.variant)}/hyp.S, then \`hyplab diff ${m.from} ${rel(m.variant)}\` and \`hyplab check ${rel(m.variant)}\``);
  return `${lines.join('\n')}\n`;
}
