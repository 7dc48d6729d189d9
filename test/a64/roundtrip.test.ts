import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENTRIES } from '../../src/a64/table/index.ts';
import { arbitraryInstance, arbitraryInstruction } from '../../src/a64/generate.ts';
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

describe('arbitraryInstruction', () => {
  it('draws from the chosen families only, and every draw round-trips', () => {
    fc.assert(
      fc.property(arbitraryInstruction({ families: ['branches', 'system'] }), (g) => {
        expect(['branches', 'system']).toContain(g.entry.family);
        expectTextEncodes(g.text, g.word);
      }),
      { numRuns: 300 },
    );
  });
  it('places PC-relative text at the given address', () => {
    fc.assert(
      fc.property(arbitraryInstruction({ ids: ['B', 'ADR', 'TBZ'], address: 0x1000n }), (g) => expectTextEncodes(g.text, g.word, 0x1000)),
      { numRuns: 100 },
    );
  });
});
