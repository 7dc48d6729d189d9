// The alignment under `hyplab diff`: the edit script rebuilds b from a and is as short as the longest
// common subsequence allows (checked against the textbook dynamic program on random sequences), and
// its classification pairs moves and changes as a reviewer reads them.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEdits, editScript } from '../../src/report/align.ts';

/** Length of the longest common subsequence, by the O(NM) dynamic program. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

const sequence = fc.array(fc.constantFrom('ldp', 'stp', 'mrs', 'msr', 'add', 'eret'), { maxLength: 40 });

describe('editScript', () => {
  it('walks both sequences in order, keeps only equal items, and keeps as many as the LCS', () => {
    fc.assert(
      fc.property(sequence, sequence, (a, b) => {
        const ops = editScript(a, b);
        let i = 0;
        let j = 0;
        for (const op of ops) {
          if (op.kind === 'same') {
            expect([op.a, op.b]).toEqual([i, j]);
            expect(a[i]).toBe(b[j]);
            i++, j++;
          } else if (op.kind === 'delete') expect(op.a).toBe(i++);
          else expect(op.b).toBe(j++);
        }
        expect([i, j]).toEqual([a.length, b.length]);
        expect(ops.filter((o) => o.kind === 'same').length).toBe(lcsLength(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('handles empty sides', () => {
    expect(editScript([], [])).toEqual([]);
    expect(editScript(['a'], [])).toEqual([{ kind: 'delete', a: 0 }]);
    expect(editScript([], ['a', 'b'])).toEqual([
      { kind: 'insert', b: 0 },
      { kind: 'insert', b: 1 },
    ]);
  });
});

describe('classifyEdits', () => {
  it('a line taken out and put back elsewhere is moved, with both positions', () => {
    const a = ['mrs x19', 'mrs x20', 'mrs x21', 'mrs x22'];
    const b = ['mrs x20', 'mrs x21', 'mrs x19', 'mrs x22'];
    const edits = classifyEdits(a, b).filter((e) => e.kind !== 'same');
    expect(edits).toEqual([{ kind: 'moved', a: 0, b: 2 }]);
  });

  it('a line replaced in place is changed; extra lines are inserted or deleted', () => {
    const a = ['push x0', 'ldr x1', 'ret'];
    const b = ['push x0', 'ldr x2', 'nop', 'ret'];
    expect(classifyEdits(a, b).filter((e) => e.kind !== 'same')).toEqual([
      { kind: 'changed', a: 1, b: 1 },
      { kind: 'inserted', b: 2 },
    ]);
    expect(classifyEdits(b, a).filter((e) => e.kind !== 'same')).toEqual([
      { kind: 'changed', a: 1, b: 1 },
      { kind: 'deleted', a: 2 },
    ]);
  });

  it('accounts for every item once on each side; without moves both sides stay in order', () => {
    fc.assert(
      fc.property(sequence, sequence, fc.boolean(), (a, b, moves) => {
        const edits = classifyEdits(a, b, String, { moves });
        const as = edits.flatMap((e) => (e.a === undefined ? [] : [e.a]));
        const bs = edits.flatMap((e) => (e.b === undefined ? [] : [e.b]));
        expect([...as].sort((x, y) => x - y)).toEqual(a.map((_, i) => i));
        expect([...bs].sort((x, y) => x - y)).toEqual(b.map((_, i) => i));
        for (const e of edits) if (e.kind === 'same' || e.kind === 'moved') expect(a[e.a!]).toBe(b[e.b!]);
        if (!moves) {
          expect(edits.some((e) => e.kind === 'moved')).toBe(false);
          expect(as).toEqual([...as].sort((x, y) => x - y));
          expect(bs).toEqual([...bs].sort((x, y) => x - y));
        }
      }),
      { numRuns: 300 },
    );
  });
});
