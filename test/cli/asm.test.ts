import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function source(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe('hyplab asm', () => {
  const good = source(
    'push.S',
    ['#define OFF(x) (8*(x))', '.macro push a, b', '\tstp \\a, \\b, [sp, #-16]!', '.endm', '.text', 'start:', '\tpush x19, x20', '\tldr x0, [x1, #OFF(2)]', '\tb start', ''].join('\n'),
  );

  it('lists every instruction with its encoding, text and origin through the macro stack', async () => {
    const run = await runCli('asm', good);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    // stp x19, x20, [sp, #-16]! is a9bf53f3; it came from line 3 of the macro invoked at line 7.
    expect(run.stdout).toMatch(/0000 {2}a9bf53f3 {2}stp x19, x20, \[sp, #-16\]!\s+.*push\.S:3:\d+ < push@.*push\.S:7:\d+/);
    expect(run.stdout).toMatch(/0004 {2}f9400820 {2}ldr x0, \[x1, #\(8\*\(2\)\)\]/);
  });

  it('prints the Program as JSON with sections as hex', async () => {
    const run = await runCli('asm', good, '--format', 'json');
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.sections['.text']).toBe('f353bfa9200840f9feffff17');
    expect(json.instructions).toHaveLength(3);
    expect(json.instructions[0]).toMatchObject({ section: '.text', offset: 0, encoding: 'a9bf53f3' });
    expect(json.symbols.start).toMatchObject({ section: '.text', value: '0x0', global: false });
  });

  it('reports bad input as a coded GNU-style diagnostic with exit status 1, never a stack trace', async () => {
    const bad = source('bad.S', '.text\n\tstp x0, x1, [sp, #-1024]!\n');
    const run = await runCli('asm', bad);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: error\\[HL0503\\]: `));
    expect(run.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
  });

  it('reports a missing file as HL0902 with exit status 1', async () => {
    const run = await runCli('asm', join(work, 'no-such-file.S'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/error\[HL0902\]/);
  });

  it('gives exit status 2 for a usage error', async () => {
    expect((await runCli('asm')).status).toBe(2);
    expect((await runCli('frobnicate')).status).toBe(2);
    expect((await runCli('asm', good, '--format', 'xml')).status).toBe(2);
  });
});

describe('usage errors', () => {
  it('run no command: a bad choice prints nothing on stdout', async () => {
    const file = source('quiet.S', '.text\n\tnop\n');
    for (const command of ['asm', 'exec']) {
      const run = await runCli(command, file, '--format', 'xml');
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/error\[HL0903\]/);
    }
  });
});
