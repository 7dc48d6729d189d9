// variants/original is the patch as the review quotes it: every quoted line of the hyp.S diff
// appears verbatim (tabs and odd spaces included), each quoted hunk as one run of lines in the
// seed's order, and everything else sits under a "[reconstructed]" comment. One test per quoted seed
// line, so the report lists which seed lines are transcribed and where.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quotedHunks, readSeed, transcription, unmarkedLines, SEED_PATH, SHARED_SEED_PATH } from '../../src/report/seed-lines.ts';

const HYP_PATH = 'variants/original/hyp.S';
const hyp = readFileSync(HYP_PATH, 'utf8');
const seed = readSeed();
const hunks = quotedHunks(seed.text);
const original = transcription(hunks, hyp);
const quotedHypLines = new Set(original.placements.flatMap((p) => (p.hypLine === undefined ? [] : [p.hypLine])));

describe('the seed quotes four hunks of the patch\'s hyp.S', () => {
  it('is the team\'s seed (when ../shared is present)', () => {
    if (seed.sharedCopyDiffers === undefined) console.warn(`${SHARED_SEED_PATH} not found: using the committed copy ${SEED_PATH} only`);
    expect(seed.sharedCopyDiffers ?? false).toBe(false);
  });

  it('96 lines in all', () => {
    expect(hunks.flatMap((h) => h.lines)).toHaveLength(96);
  });

  it('save_host_regs, save_guest_regs, the ordering comment with dump_sysregs, the start of save_guest_sysregs', () => {
    expect(hunks.map((h) => [h.lines[0]!.text, h.lines.length])).toEqual([
      ['.macro save_host_regs', 19],
      ['.macro save_guest_regs', 42],
      ['/*', 32],
      ['.macro save_guest_sysregs', 3],
    ]);
  });

  it('keeps the patch\'s bytes: tabs, the space before a tab, the MIPDR_EL2 typo', () => {
    const texts = hunks.flatMap((h) => h.lines.map((l) => l.text));
    expect(texts).toContain('\tmrs\tx13, \tafsr0_el1');
    expect(texts).toContain('\tmrs\tx23, \tcntkctl_el1');
    expect(texts).toContain('\tadd\tx2, x0, #SYSREG_OFFSET(CSSELR_EL1) // MIPDR_EL2 not written back');
    expect(texts).toContain('\tpop\tx6, x7\t\t\t// x2, x3');
    // The reviewer's interjection inside dump_sysregs does not split the hunk.
    const dump = hunks[2]!.lines.map((l) => l.text);
    expect(dump.slice(dump.indexOf('.macro dump_sysregs'), dump.indexOf('.macro dump_sysregs') + 3)).toEqual(['.macro dump_sysregs', '\tmrs\tx4,\tmpidr_el1', '\tmrs\tx5,\tcsselr_el1']);
  });
});

describe(`${HYP_PATH} transcribes every quoted line`, () => {
  it('each hunk is one run of identical lines, in the seed\'s order', () => {
    expect(original.problems).toEqual([]);
  });

  it.each(original.placements.map((p) => [p.quoted.seedLine, p.hypLine, JSON.stringify(p.quoted.text)] as const))(
    'seed line %i is hyp.S line %s: %s',
    (_seedLine, hypLine, text) => {
      expect(hypLine).toBeDefined();
      expect(JSON.stringify(hyp.split('\n')[hypLine! - 1])).toBe(text);
    },
  );
});

describe(`${HYP_PATH} marks everything the seed does not show`, () => {
  it('every other line of code is under a "[reconstructed]" comment', () => {
    expect(unmarkedLines(hyp, quotedHypLines)).toEqual([]);
  });

  it('the reconstruction covers the whole path (these blocks exist, each marked)', () => {
    const marked = hyp.split('\n').filter((l) => l.includes('[reconstructed]')).length;
    expect(marked).toBeGreaterThanOrEqual(30);
    for (const name of ['restore_host_regs', 'restore_guest_regs', 'load_sysregs', 'save_host_sysregs', 'restore_host_sysregs', 'restore_guest_sysregs', 'fpsimd_save', 'fpsimd_restore', 'save_guest_32bit_state', 'restore_guest_32bit_state', 'activate_traps', 'deactivate_traps', 'activate_vm', 'deactivate_vm', 'save_vgic_state', 'restore_vgic_state', 'save_timer_state', 'restore_timer_state']) {
      expect(hyp, name).toMatch(new RegExp(`// \\[reconstructed\\][^\\n]*(\\n//[^\\n]*)*\\n\\.macro ${name}\\b`));
    }
  });
});

describe('the checks catch damage', () => {
  const replaceLine = (text: string, from: string, to: string): string => {
    const lines = text.split('\n');
    const i = lines.indexOf(from);
    expect(i).toBeGreaterThanOrEqual(0);
    lines[i] = to;
    return lines.join('\n');
  };

  it('a "tidied" space before a tab', () => {
    const damaged = replaceLine(hyp, '\tmrs\tx13, \tafsr0_el1', '\tmrs\tx13,\tafsr0_el1');
    const t = transcription(hunks, damaged);
    expect(t.problems).toHaveLength(1);
    expect(t.problems[0]).toMatch(/seed line \d+ "\\tmrs\\tx13, \\tafsr0_el1" is missing/);
  });

  it('the typo corrected', () => {
    const from = '\tadd\tx2, x0, #SYSREG_OFFSET(CSSELR_EL1) // MIPDR_EL2 not written back';
    expect(transcription(hunks, replaceLine(hyp, from, from.replace('MIPDR', 'MPIDR'))).problems).toHaveLength(1);
  });

  it('two quoted lines swapped, or a line inserted inside a hunk', () => {
    const swapped = replaceLine(replaceLine(hyp, '\tpush\tx21, x22', '@@'), '\tpush\tx19, x20', '\tpush\tx21, x22').replace('@@', '\tpush\tx19, x20');
    expect(transcription(hunks, swapped).problems[0]).toMatch(/not as one run/);
    const inserted = replaceLine(hyp, '\tmrs\tx19, sp_el0', '\tnop\n\tmrs\tx19, sp_el0');
    expect(transcription(hunks, inserted).problems).toHaveLength(1);
  });

  it('a reconstructed macro without its marker', () => {
    const unmarked = hyp.replace('// [reconstructed] The reverse of save_host_regs', '// The reverse of save_host_regs');
    const lines = unmarkedLines(unmarked, quotedHypLines);
    expect(lines[0]!.text).toBe('.macro restore_host_regs');
    expect(lines.at(-1)!.text).toBe('.endm');
  });
});
