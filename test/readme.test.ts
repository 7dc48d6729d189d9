// Every command README.md gives, exercised as written: the main job by test/ci/check-every-variant.test.ts
// (which runs README's main-job line), the test command by .ci/run (checked here to be the same line),
// the oracle packages against what .ci/run installs, and the new-variant walk-through here, line by
// line, in a copy of the repository (so that the variant it makes never appears in this checkout).

import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listVariants, REPOSITORY_ROOT } from '../src/worldswitch/variant.ts';
import { readmeMainJob, readmeShellBlocks, readmeTestCommand } from './helpers/readme.ts';

const copy = mkdtempSync(join(tmpdir(), 'hyplab-readme-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** A clone's worth of the repository for the commands to run in (node_modules shared). */
function cloneRepository(): void {
  for (const entry of ['bin', 'src', 'variants', 'proposals', 'package.json', 'tsconfig.json']) cpSync(join(REPOSITORY_ROOT, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
}

function shell(line: string): { status: number; stdout: string } {
  try {
    return { status: 0, stdout: execFileSync('bash', ['-c', line], { cwd: copy, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const failed = e as { status?: number; stdout?: string; stderr?: string };
    return { status: failed.status ?? -1, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('README.md', () => {
  it('opens with the main job (hyplab check, every variant) and the test command that .ci/run runs', () => {
    expect(readmeMainJob()[0]).toBe('check');
    // No variant named: every variant.
    expect(readmeMainJob().filter((a) => listVariants().includes(a) || a.includes('/'))).toEqual([]);
    const ci = readFileSync(join(REPOSITORY_ROOT, '.ci', 'run'), 'utf8').trim().split('\n');
    expect(ci[ci.length - 1]).toBe(readmeTestCommand());
  });

  it('installs at least the oracles .ci/run installs', () => {
    const install = readmeShellBlocks().flat().find((l) => l.includes('apt-get install'));
    const ci = /apt_packages=\(([^)]*)\)/.exec(readFileSync(join(REPOSITORY_ROOT, '.ci', 'run'), 'utf8'))![1]!.split(/\s+/);
    for (const p of ci) expect(install?.split(/\s+/)).toContain(p);
  });

  it('walks a new variant through new, an edit, check and diff, each line as written', () => {
    cloneRepository();
    const walk = readmeShellBlocks().find((block) => block.some((l) => l.startsWith('npx hyplab new ')));
    expect(walk).toBeDefined();
    const outputs: string[] = [];
    for (const line of walk!) {
      // The editor step: an edit that keeps the variant equivalent (a comment at the end of the file).
      const edit = /^\$EDITOR (\S+)$/.exec(line);
      if (edit !== null) {
        appendFileSync(join(copy, edit[1]!), '\n// an edit from the README walk-through\n');
        continue;
      }
      const r = shell(line);
      expect(r.status, `${line}\n${r.stdout}`).toBe(0);
      outputs.push(r.stdout);
    }
    const [made, checked, diffed] = outputs;
    expect(made).toMatch(/variants\/my-idea/);
    expect(checked).toMatch(/^my-idea: HOLDS/m);
    expect(checked).toMatch(/proof +proved on \d+ paths/);
    expect(diffed).toMatch(/original.*my-idea|my-idea.*original/);
  }, 300_000);
});
