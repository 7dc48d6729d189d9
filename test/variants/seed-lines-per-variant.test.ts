// Which quoted seed lines each variant still carries verbatim. `original` carries all of them in
// order (original-transcription.test.ts); a proposal rewrites some of them, and a proposal variant
// that still carried every quoted line unchanged would not realise its proposal.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quotedHunks, readSeed } from '../../src/report/seed-lines.ts';

const quoted = quotedHunks(readSeed().text).flatMap((h) => h.lines);
const variants = readdirSync('variants', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join('variants', d.name, 'hyp.S')))
  .map((d) => d.name)
  .sort();

function carried(variant: string): { seedLine: number; text: string; present: boolean }[] {
  const lines = new Set(readFileSync(join('variants', variant, 'hyp.S'), 'utf8').split('\n'));
  return quoted.map((q) => ({ seedLine: q.seedLine, text: q.text, present: lines.has(q.text) }));
}

describe('seed lines carried verbatim, per variant', () => {
  const table = variants.map((v) => ({ variant: v, lines: carried(v) }));

  it('lists them', () => {
    for (const { variant, lines } of table) {
      const kept = lines.filter((l) => l.present);
      const dropped = lines.filter((l) => !l.present).map((l) => l.seedLine);
      console.log(`${variant}: ${kept.length}/${lines.length} seed lines verbatim${dropped.length ? `; rewritten: seed lines ${dropped.join(', ')}` : ''}`);
    }
    expect(table.map((t) => t.variant)).toContain('original');
  });

  it('original carries every quoted line', () => {
    expect(table.find((t) => t.variant === 'original')!.lines.every((l) => l.present)).toBe(true);
  });

  it.each(variants.filter((v) => v !== 'original'))('%s rewrites some of the quoted lines', (variant) => {
    expect(carried(variant).some((l) => !l.present)).toBe(true);
  });
});
