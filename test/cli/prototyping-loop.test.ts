// The prototyping loop as a reviewer runs it: start a variant from original with `hyplab new`, make an
// edit that breaks equivalence, see `hyplab check` fail with the counterexample at the edited line,
// undo the edit, see `hyplab check` pass.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'hyplab-loop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('new, break, check fails at the edit, undo, check passes', () => {
  it('runs the whole loop', async () => {
    // A checkout of our own to prototype in: the variants and proposals as the repository has them.
    for (const folder of ['variants', 'proposals']) cpSync(folder, join(root, folder), { recursive: true });
    const made = await runCli('new', 'pop-order', '--from', 'original', '--root', root);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const dir = join(root, 'variants', 'pop-order');
    const hypPath = join(dir, 'hyp.S');
    const pristine = readFileSync(hypPath, 'utf8');

    // restore_host_regs pops the host's x27/x28 pair swapped: a swapped ldp in a restore macro.
    const lines = pristine.split('\n');
    const macro = lines.indexOf('.macro restore_host_regs');
    const edited = lines.findIndex((l, i) => i > macro && l === '\tpop\tx27, x28');
    expect(macro).toBeGreaterThanOrEqual(0);
    expect(edited).toBeGreaterThan(macro);
    lines[edited] = '\tpop\tx28, x27';
    writeFileSync(hypPath, lines.join('\n'));

    const broken = await runCli('check', dir, '--runs', '10', '--seed', '7', '--no-prove');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^pop-order: FAILS/m);
    expect(broken.stdout).toMatch(/host-return\.x2[78]: expected/);
    // The counterexample points at the edited line, inside the macro that was invoked.
    expect(broken.stdout).toContain(`${hypPath}:${edited + 1}:`);
    expect(broken.stdout).toMatch(/replay: hyplab run /);

    writeFileSync(hypPath, pristine);
    const fixed = await runCli('check', dir, '--runs', '10', '--seed', '7', '--no-prove');
    expect(fixed.stderr).toBe('');
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toMatch(/^pop-order: HOLDS/m);
  }, 120_000);
});
