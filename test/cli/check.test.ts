// `hyplab check`: every real variant holds at the default runs (with the not-compared table and its
// declared deltas printed); a broken copy fails with exit 1 and a replayable counterexample; bad input
// is exit 2; --format json and junit are well-formed (the JUnit XML is parsed and its shape checked).

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listVariants, VARIANTS_DIR } from '../../src/worldswitch/variant.ts';
import { runCli } from '../helpers/cli.ts';
import { describeWithOracle, which } from '../helpers/oracle.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-check-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A minimal XML reader for the JUnit shape: elements with attributes and children (no mixed content needed). */
interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

function parseXml(text: string): XmlElement {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  const root: XmlElement = { name: '#root', attributes: {}, children: [] };
  const stack = [root];
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = token.exec(body)) !== null) {
    expect(m.index, 'no stray characters between tags').toBe(consumed);
    consumed = token.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5], 'text content is escaped').not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;|apos;)/);
      continue;
    }
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      expect(stack.pop()!.name, 'tags nest').toBe(name);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrs!.matchAll(/([\w:.-]+)="([^"]*)"/g)) attributes[a[1]!] = a[2]!;
    const el: XmlElement = { name: name!, attributes, children: [] };
    stack[stack.length - 1]!.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toHaveLength(1);
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}

describe('hyplab check', () => {
  it('every real variant holds at the default runs, printing seed, deltas and the not-compared table', async () => {
    const r = await runCli('check', '--no-prove', '--seed', '20240601');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const name of listVariants()) expect(r.stdout).toMatch(new RegExp(`^${name}: HOLDS .*seed 20240601`, 'm'));
    expect(r.stdout).toContain('not compared   host-return.x1-x18: AAPCS64 caller-saved');
    expect(r.stdout).toMatch(/hostctx\.regs {2}extra-region: holds \(happened in \d+ of \d+ worlds\)/);
    expect(r.stdout.match(/compared and not compared:/g)).toHaveLength(listVariants().length);
    expect(r.stdout).toContain('every variant holds (seed 20240601)');
  }, 120_000);

  it('prints a fresh seed when none is given', async () => {
    const r = await runCli('check', 'original', '--runs', '2', '--no-prove');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/seed \d+ \(fresh\)/);
  });

  it('a broken copy: exit 1, the value, the source line, the replay line; JSON and JUnit agree', async () => {
    // original without restore_host_regs' msr elr_el1 (a copy under another name: no proposal, no deltas).
    const dir = join(work, 'original-broken');
    cpSync(join(VARIANTS_DIR, 'original'), dir, { recursive: true });
    const text = readFileSync(join(dir, 'hyp.S'), 'utf8');
    const at = text.indexOf('msr\telr_el1, x21');
    expect(text.indexOf('msr\telr_el1, x21', at + 1)).toBe(-1);
    writeFileSync(join(dir, 'hyp.S'), text.replace('msr\telr_el1, x21', 'nop'));
    const line = text.slice(0, at).split('\n').length;

    const r = await runCli('check', dir, '--runs', '3', '--seed', '5', '--no-prove');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^original-broken: FAILS/m);
    expect(r.stdout).toContain('host-return.elr_el1: expected');
    expect(r.stdout).toContain('replay: hyplab run ');
    expect(r.stdout).toMatch(new RegExp(`last written in original: msr\\s+elr_el1, x21  at \\S+/variants/original/hyp\\.S:${line}:2 < restore_host_regs@`));
    expect(r.stdout).toMatch(new RegExp(`<- first divergent write[\\s\\S]*at ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/hyp\\.S:${line}:`));

    const j = await runCli('check', dir, '--runs', '3', '--seed', '5', '--no-prove', '--format', 'json');
    expect(j.status).toBe(1);
    const json = JSON.parse(j.stdout);
    expect(json.seed).toBe(5);
    expect(json.verdicts[0].verdict).toBe('fails');
    expect(json.verdicts[0].properties[0].failure.differences[0].name).toBe('host-return.elr_el1');
    expect(json.verdicts[0].observation_table.length).toBeGreaterThan(20);

    const x = await runCli('check', 'original', dir, '--runs', '3', '--seed', '5', '--no-prove', '--format', 'junit');
    expect(x.status).toBe(1);
    const suites = parseXml(x.stdout);
    expect(suites.name).toBe('testsuites');
    expect(suites.children.map((s) => s.attributes.name)).toEqual(['original', 'original-broken']);
    for (const suite of suites.children) {
      expect(suite.name).toBe('testsuite');
      const cases = suite.children.filter((c) => c.name === 'testcase');
      expect(cases.map((c) => c.attributes.name)).toEqual(expect.arrayContaining(['smoke', 'declared deltas', 'proof']));
      expect(Number(suite.attributes.tests)).toBe(cases.length);
      expect(Number(suite.attributes.failures)).toBe(cases.filter((c) => c.children.some((k) => k.name === 'failure')).length);
      expect(cases.find((c) => c.attributes.name === 'proof')!.children[0]!.name).toBe('skipped');
    }
    expect(suites.children[0]!.attributes.failures).toBe('0');
    expect(suites.children[1]!.attributes.failures).toBe('1');
    expect(suites.attributes.failures).toBe('1');
  }, 60_000);

  it('the cheapest failing evidence first: a quick check of a refuted variant skips the proof; --proof full runs it', async () => {
    const dir = join(work, 'original-refuted');
    cpSync(join(VARIANTS_DIR, 'original'), dir, { recursive: true });
    const text = readFileSync(join(dir, 'hyp.S'), 'utf8');
    writeFileSync(join(dir, 'hyp.S'), text.replace('msr\telr_el1, x21', 'nop'));
    const quick = await runCli('check', dir, '--runs', '3', '--seed', '5');
    expect(quick.status).toBe(1);
    expect(quick.stdout).toContain('host-return.elr_el1: expected');
    expect(quick.stdout).toMatch(/proof +not run: the property tests refute it already/);
    const full = await runCli('check', dir, '--runs', '3', '--seed', '5', '--proof', 'full');
    expect(full.status).toBe(1);
    expect(full.stdout).toMatch(/proof +refuted: host-return\.elr_el1 differs/);
  }, 120_000);

  it('a holding variant gets the quick proof by default, and says how to run the full one', async () => {
    const r = await runCli('check', 'shared-gpr-macro', '--runs', '3', '--seed', '5');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/proof +proved on \d+ paths in \d+ ms \(quick: --proof full enumerates every nr_lr 1\.\.64\)/);
    expect(r.stdout).toContain('nr_lr in {1, 2, 3, 4, 64}');
  }, 120_000);

  it('on GitHub Actions, a failure is also an ::error annotation at the line of its counterexample', async () => {
    const dir = join(work, 'original-annotated');
    cpSync(join(VARIANTS_DIR, 'original'), dir, { recursive: true });
    const text = readFileSync(join(dir, 'hyp.S'), 'utf8');
    const line = text.slice(0, text.indexOf('msr\telr_el1, x21')).split('\n').length;
    writeFileSync(join(dir, 'hyp.S'), text.replace('msr\telr_el1, x21', 'nop'));
    const before = process.env.GITHUB_ACTIONS;
    process.env.GITHUB_ACTIONS = 'true';
    try {
      const r = await runCli('check', dir, '--runs', '3', '--seed', '5', '--no-prove');
      expect(r.status).toBe(1);
      const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
      expect(annotations).toHaveLength(1);
      const file = relative(process.cwd(), join(dir, 'hyp.S')).replace(/:/g, '%3A').replace(/,/g, '%2C');
      expect(annotations[0]).toMatch(new RegExp(`^::error file=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},line=${line},col=\\d+,title=hyplab check original-annotated::original-annotated: smoke fails: host-return\\.elr_el1: expected 0x[0-9a-f]+ \\((the specification|original)\\), actual 0x[0-9a-f]+ \\(replay: hyplab run `));
      const quiet = await (async () => {
        delete process.env.GITHUB_ACTIONS;
        return runCli('check', dir, '--runs', '3', '--seed', '5', '--no-prove');
      })();
      expect(quiet.stdout).not.toContain('::error');
    } finally {
      if (before === undefined) delete process.env.GITHUB_ACTIONS;
      else process.env.GITHUB_ACTIONS = before;
    }
  }, 60_000);

  it('bad input is exit 2 with a coded diagnostic', async () => {
    for (const argv of [
      ['check', 'no-such-variant'],
      ['check', 'original', '--runs', '0'],
      ['check', 'original', '--path', '1:2'],
      ['check', 'original', '--seed', '1', '--path', 'x'],
      ['check', 'original', '--format', 'xml'],
    ]) {
      const r = await runCli(...argv);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/HL0903/);
    }
  });
});

// The JUnit report against the schema common CI systems read (test/fixtures/junit/junit.xsd), with
// libxml2's validator.
const JUNIT_SCHEMA = join(import.meta.dirname, '..', 'fixtures', 'junit', 'junit.xsd');
const xmllint = { found: which('xmllint'), what: "libxml2's xmllint (to validate the JUnit report)", missing: () => 'xmllint not found on PATH', install: 'apt-get install -y --no-install-recommends libxml2-utils' };

describeWithOracle('hyplab check --format junit against the JUnit XML schema', xmllint, (tool) => {
  const validate = (xml: string): { ok: boolean; output: string } => {
    const file = join(work, `report-${Math.random().toString(36).slice(2)}.xml`);
    writeFileSync(file, xml);
    const r = spawnSync(tool, ['--noout', '--schema', JUNIT_SCHEMA, file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  };

  it('a passing and a failing variant, with the proof run and skipped, all validate', async () => {
    const dir = join(work, 'original-junit');
    cpSync(join(VARIANTS_DIR, 'original'), dir, { recursive: true });
    const text = readFileSync(join(dir, 'hyp.S'), 'utf8');
    writeFileSync(join(dir, 'hyp.S'), text.replace('msr\telr_el1, x21', 'nop'));
    const failing = await runCli('check', 'shared-gpr-macro', dir, '--runs', '3', '--seed', '5', '--format', 'junit');
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('<failure message=');
    expect(failing.stdout).toContain('<skipped message=');
    expect(validate(failing.stdout)).toEqual({ ok: true, output: expect.stringContaining('validates') });
  }, 120_000);

  it('the schema rejects what CI systems reject (the validation can fail)', () => {
    const report = (testcase: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="s" tests="1">${testcase}</testsuite></testsuites>\n`;
    expect(validate(report('<testcase name="a" time="0.5"/>')).ok).toBe(true);
    expect(validate(report('<testcase time="0.5"/>')).ok).toBe(false); // a test case needs a name
    expect(validate(report('<testcase name="a" time="soon"/>')).ok).toBe(false); // time is a decimal
    expect(validate(report('<testcase name="a"><failure/><passed/></testcase>')).ok).toBe(false); // no such element
  });
});
