import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENTRIES } from '../../src/a64/table/index.ts';
import { arbitraryInstance } from '../../src/a64/generate.ts';
import { decode } from '../../src/a64/decode.ts';
import { expectRoundTrip, expectTextEncodes } from '../helpers/laws.ts';

describe('every table entry round-trips', () => {
  for (const entry of ENTRIES.filter((e) => e.noGenerate === undefined)) {
    it(entry.id, () => {
      fc.assert(
        fc.property(arbitraryInstance(entry), (g) => {
          // The generated text assembles to the generated word ...
          expectTextEncodes(g.text, g.word);
          // ... which decodes to the entry (or, for an alias, to the encoding it spells) ...
          expect(decode(g.word)?.entry.id).toBe(entry.aliasOf ?? entry.id);
          // ... and whose disassembly assembles back to it.
          expectRoundTrip(g.word);
        }),
        { numRuns: 60 },
      );
    });
  }
});
