// Verdicts: the table covers every observed value; declared deltas are the only differences allowed
// and must happen; a random-world failure shrinks and replays from its seed and path; the arbitrary
// makes valid worlds from generateWorld's own description.

import fc from 'fast-check';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsmError } from '../../src/asm/diagnostics.ts';
import { checkVariant, loadOriginal, smokeWorlds } from '../../src/equiv/check-variant.ts';
import { observe } from '../../src/equiv/compare.ts';
import { covers, parseDeltas } from '../../src/equiv/deltas.ts';
import { OBSERVATION_TABLE } from '../../src/equiv/observation-table.ts';
import { worldArbitrary } from '../../src/equiv/world-arbitrary.ts';
import { SYSREG_SLOTS, validFor } from '../../src/worldswitch/registers.ts';
import { loadVariant, VARIANTS_DIR } from '../../src/worldswitch/variant.ts';

const work = mkdtempSync(join(tmpdir(), 'hyplab-verdicts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const original = loadOriginal();

describe('the observation table', () => {
  it('puts every observed value of every smoke world under exactly one compared row', () => {
    const names = new Set<string>();
    for (const { world } of smokeWorlds()) {
      const o = observe(original, world);
      for (const n of [...Object.keys(o.values), ...o.hostContextWrites, 'frame.failure', 'frame.stray-writes']) names.add(n);
    }
    expect(names.size).toBeGreaterThan(400);
    for (const name of names) {
      const rows = OBSERVATION_TABLE.filter((r) => r.comparison !== 'not compared' && r.pattern?.test(name));
      expect(rows.map((r) => r.values), name).toHaveLength(1);
    }
    for (const x of [1, 5, 18]) expect(names.has(`host-return.x${x}`), `x${x} is caller-saved`).toBe(false);
    expect(OBSERVATION_TABLE.filter((r) => r.comparison === 'not compared').every((r) => r.reason.length > 10)).toBe(true);
  });
});

describe('declared deltas', () => {
  it('parses one json deltas block, naming the line of each delta', () => {
    const text = 'x\n```json deltas\n[\n  { "value": "host-return.par_el1", "change": "clobbered", "why": "at s1e1r" }\n]\n```\n';
    expect(parseDeltas(text, 'p.md')).toEqual([{ value: 'host-return.par_el1', change: 'clobbered', why: 'at s1e1r', file: 'p.md', line: 4 }]);
    expect(covers('hostctx.regs', 'hostctx.regs[19]')).toBe(true);
    expect(covers('hostctx.regs', 'hostctx.regs_extra')).toBe(false);
  });

  it('refuses malformed blocks with HL0905 at their line', () => {
    const bad = [
      'no block here',
      '```json deltas\n[]\n```\n```json deltas\n[]\n```',
      '```json deltas\n[ { "value": "x21", "change": "clobbered", "why": "w" } ]\n```',
      '```json deltas\n[ { "value": "host-return.x21", "change": "maybe", "why": "w" } ]\n```',
      '```json deltas\n[ { "value": "host-return.x21", "change": "extra-region", "why": "w" } ]\n```',
      '```json deltas\n[ { "value": "host-return.x21", "change": "clobbered" } ]\n```',
      '```json deltas\n{ not json\n```',
    ];
    for (const text of bad) {
      try {
        parseDeltas(text, 'p.md');
        expect.unreachable(text);
      } catch (e) {
        expect(e).toBeInstanceOf(AsmError);
        expect((e as AsmError).diagnostics[0]!.code).toBe('HL0905');
        expect((e as AsmError).diagnostics[0]!.origin.location.line).toBeGreaterThan(0);
      }
    }
  });

  /** A proposals folder holding one proposal for `name`. */
  function proposals(tag: string, name: string, deltas: string): string {
    const dir = join(work, tag);
    mkdirSync(dir);
    writeFileSync(join(dir, `${name}.md`), `# ${name}\n\n\`\`\`json deltas\n${deltas}\n\`\`\`\n`);
    return dir;
  }

  it('an undeclared extra region fails: slim-host-vcpu without its proposal writes hostctx.regs', () => {
    const slim = loadVariant(join(VARIANTS_DIR, 'slim-host-vcpu'));
    const v = checkVariant(slim, { runs: 2, seed: 1, original, proposals: proposals('none', 'slim-host-vcpu', '[]') });
    expect(v.holds).toBe(false);
    const f = v.properties.find((p) => p.name === 'smoke')!.failure!;
    expect(f.differences.every((d) => d.kind === 'extra-region' && d.name.startsWith('hostctx.'))).toBe(true);
    expect(f.differences.some((d) => d.name.startsWith('hostctx.regs['))).toBe(true);
    expect(f.differences.some((d) => d.name.startsWith('hostctx.sys_regs['))).toBe(true);
  });

  it('a declared delta that does not happen fails; a clobbered one need not happen', () => {
    const dir = proposals('unhappened', 'original', '[\n{ "value": "host-return.x21", "change": "differs", "why": "claimed" },\n{ "value": "host-return.x22", "change": "clobbered", "why": "allowed" }\n]');
    // original has no proposal by design: check a copy named after the proposal.
    const copy = join(work, 'copy', 'original');
    cpSync(join(VARIANTS_DIR, 'original'), copy, { recursive: true });
    writeFileSync(join(dir, 'original.md'), readFileSync(join(dir, 'original.md'), 'utf8'));
    const renamed = join(work, 'copy2', 'claims');
    cpSync(copy, renamed, { recursive: true });
    writeFileSync(join(dir, 'claims.md'), readFileSync(join(dir, 'original.md'), 'utf8'));
    const v = checkVariant(loadVariant(renamed), { runs: 3, seed: 1, original, proposals: dir });
    expect(v.holds).toBe(false);
    expect(v.properties.filter((p) => !p.holds).map((p) => p.name)).toEqual(['declared deltas']);
    expect(v.deltas.map((d) => [d.delta.value, d.happened, d.holds])).toEqual([
      ['host-return.x21', 0, false],
      ['host-return.x22', 0, true],
    ]);
  });
});

describe('random worlds', () => {
  it('a failure the smoke worlds would catch is found by fast-check too, shrunk, and replayed by seed and path', () => {
    const text = readFileSync(join(VARIANTS_DIR, 'original', 'hyp.S'), 'utf8');
    const dir = join(work, 'random', 'original-broken');
    cpSync(join(VARIANTS_DIR, 'original'), dir, { recursive: true });
    writeFileSync(join(dir, 'hyp.S'), text.replace('pop\tx27, x28', 'pop\tx28, x27'));
    const broken = loadVariant(dir);
    const v = checkVariant(broken, { runs: 20, seed: 42, original, smoke: false, shrinks: 60 });
    const f = v.properties.find((p) => p.name === 'random worlds')!.failure!;
    expect(f.replay).toMatch(/^hyplab check \S+original-broken --seed 42 --path \d+(:\d+)*$/);
    expect(f.differences.map((d) => d.name).sort()).toEqual(['host-return.x27', 'host-return.x28']);
    // Shrunk toward the small world: the first exit kind and guest width, no timer, no vgic.
    expect(f.world!.config).toMatchObject({ exit: 'hvc', guest: 'aarch64', timerEnabled: false, gic: { present: false } });
    const path = /--path (\S+)/.exec(f.replay!)![1]!;
    const again = checkVariant(broken, { runs: 20, seed: 42, path, original, shrinks: 60 });
    const g = again.properties.find((p) => p.name === 'random worlds')!.failure!;
    expect(g.world).toEqual(f.world);
    expect(again.properties.map((p) => p.name)).toEqual(['random worlds', 'declared deltas']);
  });

  it('the arbitrary makes valid worlds (RES0/RES1, AArch32 widths, placement apart), deterministic per seed', () => {
    const worlds = fc.sample(worldArbitrary(), { numRuns: 40, seed: 7 });
    expect(fc.sample(worldArbitrary(), { numRuns: 40, seed: 7 })).toEqual(worlds);
    for (const w of worlds) {
      for (const s of SYSREG_SLOTS) expect(validFor(s.readAtEL1 ?? s.register, w.vcpu.sysregs[s.slot]!)).toBe(w.vcpu.sysregs[s.slot]);
      if (w.config.guest === 'aarch32') for (const x of w.run.x) expect(x >> 32n).toBe(0n);
      expect(w.vcpu.hcr_el2 & 1n).toBe(1n);
      const p = w.placement;
      expect(new Set([p.vcpu >> 16n, p.kvm >> 16n, p.hostContext >> 16n, (p.hypStackTop - 1n) >> 16n]).size).toBe(4);
    }
    expect(new Set(worlds.map((w) => w.config.exit)).size).toBeGreaterThan(2);
  });
});
