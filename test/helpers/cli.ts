// Runs the hyplab CLI in-process and captures what it prints.

import { main } from '../../src/cli/main.ts';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { status, stdout, stderr };
}
