// The progress line: redrawn in place on a TTY (done/total, rate, ETA), throttled, cleared at the end;
// nothing at all when the stream is not a TTY.

import { describe, expect, it } from 'vitest';
import { clockText, progressLine, startProgress } from '../../src/cli/progress.ts';

function fakeStream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, ...(columns !== undefined ? { columns } : {}), write: (t: string) => writes.push(t) } };
}

describe('progress', () => {
  it('formats done/total, percent, rate and ETA', () => {
    expect(progressLine('mutants', 50, 200, 10_000, 'mutants')).toBe('mutants  50/200 (25%)  5.0 mutants/s  ETA 0:30');
    expect(progressLine('worlds', 3000, 6000, 2_000)).toBe('worlds  3000/6000 (50%)  1500/s  ETA 0:02');
    expect(progressLine('soak', 0, 10, 0)).toBe('soak  0/10 (0%)  0.0/s  ETA ?');
    expect(progressLine('soak', 7, undefined, 3_500)).toBe('soak  7  2.0/s  0:04 elapsed');
    expect(clockText(3725)).toBe('1:02:05');
  });

  it('on a TTY: redraws with \\r at most every interval, always at the end, and clears on finish', () => {
    let t = 0;
    const { writes, stream } = fakeStream(true);
    const p = startProgress('check', 4, { stream, now: () => t, intervalMs: 100 });
    t = 10;
    p.tick(); // first draw
    t = 50;
    p.tick(); // too soon
    t = 200;
    p.tick(); // drawn
    t = 210;
    p.tick(); // the last unit: drawn although soon
    p.finish();
    expect(p.done).toBe(4);
    expect(writes).toEqual(['\r\x1b[Kcheck  1/4 (25%)  100/s  ETA 0:00', '\r\x1b[Kcheck  3/4 (75%)  15.0/s  ETA 0:00', '\r\x1b[Kcheck  4/4 (100%)  19.0/s  ETA 0:00', '\r\x1b[K']);
  });

  it('fits the line to the terminal width', () => {
    const { writes, stream } = fakeStream(true, 20);
    const p = startProgress('a long label for the work', 10, { stream, now: () => 1000 });
    p.update(5);
    expect(writes[0]).toBe(`\r\x1b[K${'a long label for the work'.slice(0, 19)}`);
  });

  it('not a TTY: writes nothing, still counts', () => {
    const { writes, stream } = fakeStream(false);
    const p = startProgress('check', 3, { stream, now: () => 0 });
    p.tick();
    p.tick(2);
    p.finish();
    expect(writes).toEqual([]);
    expect(p.done).toBe(3);
  });
});
