// The `hyplab` command. Each subcommand lives in src/cli/commands/<name>.ts and returns an exit status;
// main never calls process.exit, so tests run it in-process.

import yargs, { type CommandModule } from 'yargs';
import { asmCommand } from './commands/asm.ts';
import { checkCommand } from './commands/check.ts';
import { diffCommand } from './commands/diff.ts';
import { execCommand } from './commands/exec.ts';
import { mutateCommand } from './commands/mutate.ts';
import { newCommand } from './commands/new.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { traceCommand } from './commands/trace.ts';
import { EXIT, processIO, type CliIO } from './io.ts';

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  let status: number = EXIT.ok;
  let usageError: string | undefined;
  const setStatus = (code: number) => (status = code);
  // yargs still calls a command's handler after a failed check or choice: run it only on good usage.
  const guarded = <T,>(command: CommandModule<object, T>): CommandModule<object, T> => ({
    ...command,
    handler: (args) => (usageError === undefined ? command.handler(args) : undefined),
  });
  const parser = yargs(argv)
    .scriptName('hyplab')
    .usage('$0 <command> [options]\n\nA lab for reviewing refactorings of AArch64 assembly.')
    .command(guarded(asmCommand(io, setStatus)))
    .command(guarded(execCommand(io, setStatus)))
    .command(guarded(runCommand(io, setStatus)))
    .command(guarded(newCommand(io, setStatus)))
    .command(guarded(diffCommand(io, setStatus)))
    .command(guarded(traceCommand(io, setStatus)))
    .command(guarded(checkCommand(io, setStatus)))
    .command(guarded(mutateCommand(io, setStatus)))
    .command(guarded(reportCommand(io, setStatus)))
    .demandCommand(1, 'Name a command.')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((message, error) => {
      usageError = message ?? error?.message ?? 'bad usage';
    })
    .wrap(Math.min(100, process.stdout.columns ?? 100));
  let helpText = '';
  await parser.parseAsync(argv, {}, (_err, _argv, output) => {
    helpText = output;
  });
  if (usageError !== undefined) {
    io.stderr(`hyplab: error[HL0903]: ${usageError}\n(run \`hyplab --help\` for usage)\n`);
    return EXIT.usage;
  }
  if (helpText) io.stdout(helpText.endsWith('\n') ? helpText : `${helpText}\n`);
  return status;
}
