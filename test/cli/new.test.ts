// `hyplab new NAME --from VARIANT`: a copy that assembles and runs as its source does, its own name in
// its headers, a proposal from the template that `check` can read; refusals (existing name without
// --force, bad name, unknown source) exit 2 and change nothing; a failed write leaves nothing behind.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDeltas } from '../../src/equiv/deltas.ts';
import { CONTRACT_SYMBOLS, VARIANTS_DIR } from '../../src/worldswitch/variant.ts';
import { runCli } from '../helpers/cli.ts';

const REPO = join(VARIANTS_DIR, '..');
const work = mkdtempSync(join(tmpdir(), 'hyplab-new-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let roots = 0;
/** A fresh root holding copies of the given variants, their proposals and the template. */
function root(...variants: string[]): string {
  const dir = join(work, `root${roots++}`);
  mkdirSync(join(dir, 'variants'), { recursive: true });
  mkdirSync(join(dir, 'proposals'));
  cpSync(join(REPO, 'proposals', 'TEMPLATE.md'), join(dir, 'proposals', 'TEMPLATE.md'));
  for (const v of variants) {
    cpSync(join(REPO, 'variants', v), join(dir, 'variants', v), { recursive: true });
    if (existsSync(join(REPO, 'proposals', `${v}.md`))) cpSync(join(REPO, 'proposals', `${v}.md`), join(dir, 'proposals', `${v}.md`));
  }
  return dir;
}

/** Every file under `dir` with its content, to see that a refusal changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

const hidden = (dir: string): string[] => readdirSync(join(dir, 'variants')).filter((n) => n.startsWith('.'));

describe('hyplab new: a new variant from original', () => {
  const r0 = root('original');

  it('copies the variant, names itself in its headers, keeps the contract, and writes the proposal', async () => {
    const r = await runCli('new', 'my-idea', '--from', 'original', '--root', r0);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^created .*variants\/my-idea\/ from variants\/original\/: hyp\.S, layout\.ts$/m);
    expect(r.stdout).toMatch(/not copied \(notes about original\): NOTES-from-scenario\.md/);
    const hyp = readFileSync(join(r0, 'variants', 'my-idea', 'hyp.S'), 'utf8');
    const before = readFileSync(join(REPO, 'variants', 'original', 'hyp.S'), 'utf8');
    expect(hyp.split('\n')[1]).toBe(before.split('\n')[1]!.replace('variants/original/', 'variants/my-idea/'));
    expect(hyp).not.toMatch(/variants\/original(?![\w-])/);
    // Only the self-references changed: every other line is original's, the contract symbols included.
    const changed = hyp.split('\n').filter((l, i) => l !== before.split('\n')[i]);
    expect(changed.length).toBeGreaterThan(0);
    for (const l of changed) expect(l).toContain('variants/my-idea');
    for (const s of CONTRACT_SYMBOLS) expect(hyp).toContain(s);
    const layout = readFileSync(join(r0, 'variants', 'my-idea', 'layout.ts'), 'utf8');
    expect(layout).not.toMatch(/variants\/original(?![\w-])/);
    const proposal = readFileSync(join(r0, 'proposals', 'my-idea.md'), 'utf8');
    expect(proposal).toMatch(/^# my-idea: /);
    expect(proposal).toContain('`variants/my-idea/` (from a copy of `variants/original/`)');
    expect(proposal).not.toContain('{{');
    expect(parseDeltas(proposal, 'my-idea.md')).toEqual([]);
    expect(hidden(r0)).toEqual([]);
  });

  it('the copy assembles and runs, and observes exactly what original observes', async () => {
    const copy = await runCli('run', join(r0, 'variants', 'my-idea'), '--seed', '5', '--format', 'json');
    const orig = await runCli('run', 'original', '--seed', '5', '--format', 'json');
    expect(copy.stderr).toBe('');
    expect(copy.status).toBe(0);
    const [a, b] = [JSON.parse(copy.stdout), JSON.parse(orig.stdout)];
    expect(a.variant).toBe('my-idea');
    expect(a.status).toBe('completed');
    expect(a.guest_entry).toEqual(b.guest_entry);
    expect(a.host_return).toEqual(b.host_return);
    expect(a.specification).toEqual([]);
  });

  it('refuses an existing name without --force (exit 2, HL0903, nothing changed); --force replaces it whole', async () => {
    writeFileSync(join(r0, 'variants', 'my-idea', 'scratch.S'), '// an edit in progress\n');
    const before = snapshot(r0);
    const refused = await runCli('new', 'my-idea', '--from', 'original', '--root', r0);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/error\[HL0903\]: .*variants\/my-idea and .*proposals\/my-idea\.md already exist: .*--force/);
    expect(refused.stdout).toBe('');
    expect(snapshot(r0)).toEqual(before);

    const forced = await runCli('new', 'my-idea', '--from', 'original', '--root', r0, '--force', '--format', 'json');
    expect(forced.status).toBe(0);
    const json = JSON.parse(forced.stdout);
    expect(json).toMatchObject({ name: 'my-idea', from: 'original', files: ['hyp.S', 'layout.ts'], skipped: ['NOTES-from-scenario.md'], deltas: 0, replaced: true });
    expect(json.renamed.length).toBeGreaterThan(0);
    for (const r of json.renamed) expect(r).toEqual({ file: expect.any(String), line: expect.any(Number), before: expect.stringContaining('variants/original'), after: expect.stringContaining('variants/my-idea') });
    expect(existsSync(join(r0, 'variants', 'my-idea', 'scratch.S'))).toBe(false);
    expect(hidden(r0)).toEqual([]);
  });

  it('refuses when only the proposal exists', async () => {
    writeFileSync(join(r0, 'proposals', 'only-prose.md'), '# only-prose\n');
    const r = await runCli('new', 'only-prose', '--from', 'original', '--root', r0);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/proposals\/only-prose\.md already exists/);
    expect(existsSync(join(r0, 'variants', 'only-prose'))).toBe(false);
  });

  it.each([
    [['Bad_Name'], /bad variant name 'Bad_Name'/],
    [['-x'], /./],
    [['double--dash'], /bad variant name 'double--dash'/],
    [['trailing-'], /bad variant name 'trailing-'/],
    [['a'.repeat(65)], /at most 64 characters/],
    [['original'], /already exist|a name of its own/],
  ])('bad name %j exits 2 with HL0903', async ([name], message) => {
    const before = snapshot(r0);
    const r = await runCli('new', name!, '--from', 'original', '--root', r0);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/HL0903/);
    expect(r.stderr).toMatch(message);
    expect(snapshot(r0)).toEqual(before);
  });

  it('an unknown source variant, or none, exits 2', async () => {
    const unknown = await runCli('new', 'fresh', '--from', 'no-such', '--root', r0);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/error\[HL0903\]: no variant 'no-such' to copy in .*: name one of .*original/);
    const missing = await runCli('new', 'fresh', '--root', r0);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/error\[HL0903\]: name the variant to copy: --from VARIANT \(one of .*original/);
  });
});

describe('hyplab new: from a variant with a proposal', () => {
  it("carries the source proposal's declared deltas over (the copy behaves as its source)", async () => {
    const r1 = root('slim-host-vcpu');
    const r = await runCli('new', 'slimmer', '--from', 'slim-host-vcpu', '--root', r1);
    expect(r.status).toBe(0);
    const source = parseDeltas(readFileSync(join(r1, 'proposals', 'slim-host-vcpu.md'), 'utf8'), 'x');
    const copied = parseDeltas(readFileSync(join(r1, 'proposals', 'slimmer.md'), 'utf8'), 'x');
    expect(source.length).toBeGreaterThan(0);
    expect(copied.map(({ value, change, why }) => ({ value, change, why }))).toEqual(source.map(({ value, change, why }) => ({ value, change, why })));
    expect(r.stdout).toContain(`${source.length} declared deltas carried over from proposals/slim-host-vcpu.md`);
    const hyp = readFileSync(join(r1, 'variants', 'slimmer', 'hyp.S'), 'utf8');
    expect(hyp.split('\n')[1]).toContain('variants/slimmer/hyp.S');
    // Markers name the proposal that wrote a line: they stay.
    expect(hyp).toContain('[reconstructed] slim-host-vcpu:');
  });
});

describe('hyplab new: a write that fails leaves nothing half-written', () => {
  it('no new folder, the old one intact, no staging left, exit 1 with HL0902', async () => {
    const r2 = root('original');
    const first = await runCli('new', 'kept', '--from', 'original', '--root', r2);
    expect(first.status).toBe(0);
    writeFileSync(join(r2, 'variants', 'kept', 'hyp.S'), '// the user edited this\n', { flag: 'a' });
    const before = snapshot(join(r2, 'variants'));
    // proposals/ becomes a file: the proposal cannot be written after the folder is staged.
    rmSync(join(r2, 'proposals'), { recursive: true });
    writeFileSync(join(r2, 'proposals'), 'not a folder\n');
    for (const args of [['other'], ['kept', '--force']]) {
      const r = await runCli('new', ...args, '--from', 'original', '--root', r2);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/error\[HL0902\]: cannot create .* \(nothing was changed\)/);
      expect(r.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
      expect(snapshot(join(r2, 'variants'))).toEqual(before);
      expect(hidden(r2)).toEqual([]);
    }
  });
});
