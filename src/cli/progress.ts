// A progress line for long work (mutation runs, soak tests, many worlds): `label  done/total (pct)
// rate/s  ETA m:ss`, redrawn in place with `\r` on a terminal, at most every `intervalMs`. Silent when
// the stream is not a TTY (CI logs, pipes, tests), so the output a command prints stays the same.

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Where the line goes (default: process.stderr). */
  stream?: ProgressStream;
  /** Milliseconds between redraws (default 100). */
  intervalMs?: number;
  /** The clock, in milliseconds (tests give their own). */
  now?: () => number;
  /** What one unit of work is called, for the rate (`worlds/s`); default `/s`. */
  unit?: string;
}

export interface Progress {
  /** `n` more units done (default 1). */
  tick(n?: number): void;
  /** Exactly `done` units done. */
  update(done: number): void;
  /** Erases the line (a TTY), so that what follows starts on a clean line. */
  finish(): void;
  readonly done: number;
}

const CLEAR_LINE = '\r\x1b[K';

/** `m:ss`, or `h:mm:ss` past an hour. */
export function clockText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The line for `done` of `total` after `elapsedMs`; total undefined when the amount of work is unknown. */
export function progressLine(label: string, done: number, total: number | undefined, elapsedMs: number, unit = ''): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const rateText = `${rate >= 100 ? Math.round(rate) : rate.toFixed(1)} ${unit}/s`.replace(' /s', '/s');
  if (total === undefined || total <= 0) return `${label}  ${done}  ${rateText}  ${clockText(elapsedMs / 1000)} elapsed`;
  const pct = Math.floor((100 * Math.min(done, total)) / total);
  const eta = rate > 0 ? clockText((total - done) / rate) : '?';
  return `${label}  ${done}/${total} (${pct}%)  ${rateText}  ETA ${eta}`;
}

export function startProgress(label: string, total: number | undefined, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  const live = stream.isTTY === true;
  const start = now();
  let lastDraw = -Infinity;
  let drawn = false;
  let done = 0;

  const draw = (force: boolean): void => {
    if (!live) return;
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    let line = progressLine(label, done, total, t - start, options.unit);
    const width = stream.columns;
    if (width !== undefined && width > 1 && line.length >= width) line = line.slice(0, width - 1);
    stream.write(`${CLEAR_LINE}${line}`);
    drawn = true;
  };

  return {
    tick(n = 1) {
      done += n;
      draw(total !== undefined && done >= total);
    },
    update(value) {
      done = value;
      draw(total !== undefined && done >= total);
    },
    finish() {
      if (live && drawn) stream.write(CLEAR_LINE);
      drawn = false;
    },
    get done() {
      return done;
    },
  };
}
