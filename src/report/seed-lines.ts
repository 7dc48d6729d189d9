// The review's quotations of the patch, as data: which lines of hyp.S the seed shows, in which
// hunks, and where a variant's hyp.S holds them verbatim. Also the rule that every line of a variant
// the seed does not show sits under a "[reconstructed]" comment.

import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Paths below are relative to the checkout; read through this so any working directory works. */
const inCheckout = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The seed as committed with the tests (a copy of ../shared/seed, checked equal when that is present). */
export const SEED_PATH = 'test/variants/seed/review-hyp-world-switch.txt';
/** Where the team keeps the seed, next to the checkout. */
export const SHARED_SEED_PATH = '../shared/seed/review-hyp-world-switch.txt';

export const RECONSTRUCTED_MARKER = '[reconstructed]';

/** One line of hyp.S as the seed quotes it: `> +\tpush\tx19, x20` gives `\tpush\tx19, x20`. */
export interface QuotedLine {
  /** 1-based line number in the seed. */
  seedLine: number;
  text: string;
}

/** Quoted lines with no `[...]` between them: consecutive lines of the patch. */
export interface QuotedHunk {
  lines: QuotedLine[];
}

const HYP_DIFF = /^> diff --git a\/arch\/arm64\/kvm\/hyp\.S /;
const OTHER_DIFF = /^> diff --git /;
const ELISION = '[...]';
const ADDED = '> +';

/**
 * The hunks of the hyp.S diff the seed quotes. Reviewer text between quoted lines does not break a
 * hunk (the quotation resumes where it stopped); an elision `[...]` does.
 */
export function quotedHunks(seed: string): QuotedHunk[] {
  const hunks: QuotedHunk[] = [];
  let inHypDiff = false;
  let current: QuotedHunk | undefined;
  seed.split('\n').forEach((line, i) => {
    if (HYP_DIFF.test(line)) {
      inHypDiff = true;
      current = undefined;
      return;
    }
    if (OTHER_DIFF.test(line)) inHypDiff = false;
    if (!inHypDiff) return;
    if (line.trim() === ELISION) {
      current = undefined;
      return;
    }
    if (!line.startsWith(ADDED)) return;
    if (current === undefined) {
      current = { lines: [] };
      hunks.push(current);
    }
    current.lines.push({ seedLine: i + 1, text: line.slice(ADDED.length) });
  });
  return hunks;
}

/** Where a quoted line sits in the variant: 1-based line number, or undefined when it is not there. */
export interface Placement {
  quoted: QuotedLine;
  hypLine: number | undefined;
}

export interface Transcription {
  placements: Placement[];
  /** One message per hunk that is not found verbatim, contiguous, after the previous hunk. */
  problems: string[];
}

/** Finds every hunk as a run of consecutive, identical lines, each hunk after the one before it. */
export function transcription(hunks: QuotedHunk[], hyp: string): Transcription {
  const lines = hyp.split('\n');
  const placements: Placement[] = [];
  const problems: string[] = [];
  let from = 0;
  for (const hunk of hunks) {
    const at = findRun(lines, hunk.lines.map((l) => l.text), from);
    if (at === undefined) {
      const first = hunk.lines[0]!;
      problems.push(`seed lines ${first.seedLine}-${hunk.lines.at(-1)!.seedLine} (${JSON.stringify(first.text)} ...) are not in hyp.S verbatim, in one piece, after line ${from}: ${firstMissing(lines, hunk)}`);
      for (const quoted of hunk.lines) placements.push({ quoted, hypLine: undefined });
      continue;
    }
    hunk.lines.forEach((quoted, k) => placements.push({ quoted, hypLine: at + k + 1 }));
    from = at + hunk.lines.length;
  }
  return { placements, problems };
}

function findRun(lines: string[], run: string[], from: number): number | undefined {
  for (let i = from; i + run.length <= lines.length; i++) {
    if (run.every((text, k) => lines[i + k] === text)) return i;
  }
  return undefined;
}

/** The first quoted line that appears nowhere in hyp.S, to say what was damaged. */
function firstMissing(lines: string[], hunk: QuotedHunk): string {
  const present = new Set(lines);
  const missing = hunk.lines.find((l) => !present.has(l.text));
  return missing === undefined ? 'every line exists, but not as one run in this order' : `seed line ${missing.seedLine} ${JSON.stringify(missing.text)} is missing`;
}

/** A line with its comments removed (block comments may span lines: `inBlock` carries that state). */
function codeOf(line: string, state: { inBlock: boolean }): { code: string; comment: string } {
  let code = '';
  let comment = '';
  let i = 0;
  while (i < line.length) {
    if (state.inBlock) {
      const end = line.indexOf('*/', i);
      comment += line.slice(i, end < 0 ? line.length : end);
      if (end < 0) return { code, comment };
      state.inBlock = false;
      i = end + 2;
      continue;
    }
    if (line.startsWith('/*', i)) {
      state.inBlock = true;
      i += 2;
      continue;
    }
    if (line.startsWith('//', i)) return { code, comment: comment + line.slice(i) };
    code += line[i];
    i++;
  }
  return { code, comment };
}

const UNIT_END = /^\s*(\.endm\b|ENDPROC\()/;

/**
 * Lines of code that are neither quoted by the seed nor covered by a "[reconstructed]" comment.
 * A marker covers the code after it up to the end of its unit (`.endm` or `ENDPROC(...)`) or up to
 * the next quoted line, so every reconstructed macro, function and constant block carries its own.
 */
export function unmarkedLines(hyp: string, quotedHypLines: ReadonlySet<number>): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const state = { inBlock: false };
  let covered = false;
  hyp.split('\n').forEach((text, i) => {
    const { code, comment } = codeOf(text, state);
    if (quotedHypLines.has(i + 1)) {
      covered = false;
      return;
    }
    if (comment.includes(RECONSTRUCTED_MARKER)) covered = true;
    if (code.trim() !== '' && !covered) out.push({ line: i + 1, text });
    if (UNIT_END.test(code)) covered = false;
  });
  return out;
}

/** The committed seed, and whether the team's copy (when present) is the same text. */
export function readSeed(): { text: string; sharedCopyDiffers: boolean | undefined } {
  const text = readFileSync(inCheckout(SEED_PATH), 'utf8');
  const shared = inCheckout(SHARED_SEED_PATH);
  const sharedCopyDiffers = existsSync(shared) ? readFileSync(shared, 'utf8') !== text : undefined;
  return { text, sharedCopyDiffers };
}

/** For each quoted line: whether `hyp` (a variant's hyp.S text) holds it verbatim, anywhere. */
export function carriedLines(quoted: readonly QuotedLine[], hyp: string): { quoted: QuotedLine; present: boolean }[] {
  const lines = new Set(hyp.split('\n'));
  return quoted.map((q) => ({ quoted: q, present: lines.has(q.text) }));
}
