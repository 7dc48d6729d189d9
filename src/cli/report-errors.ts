// Turns whatever a command throws into GNU-style diagnostics and an exit status: never a stack trace
// (set HYPLAB_DEBUG=1 to see one for an internal error).

import { AsmError, formatDiagnostic, type Origin } from '../asm/diagnostics.ts';
import { EXIT, type CliIO } from './io.ts';

export function reportFailure(io: CliIO, run: () => number): number {
  try {
    return run();
  } catch (error) {
    if (error instanceof AsmError) {
      for (const d of error.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      return EXIT.failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`hyplab: internal error[HL0999]: ${message}\n`);
    if (process.env.HYPLAB_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
    return EXIT.failed;
  }
}

/** `file:line:col`, followed by ` < macro@file:line:col` for each expansion level, innermost first. */
export function formatOrigin(origin: Origin): string {
  const at = ({ file, line, col }: Origin['location']) => `${file}:${line}:${col}`;
  return [at(origin.location), ...origin.stack.map((f) => `${f.macro}@${at(f.at)}`)].join(' < ');
}
