// `hyplab report`: writes REPORT.md (every variant's verdicts, costs, macro call graph and seed lines
// beside original's; the core's oracle standing; the measured figures). `--check` writes nothing and
// exits 1 with a short diff when the committed file differs from what the code produces (outside the
// measured section), 0 when it is current. `--format json` prints the data instead of the Markdown.

import type { CommandModule } from 'yargs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { reportData } from '../../report/report-data.ts';
import { REPOSITORY_ROOT } from '../../worldswitch/variant.ts';
import { reportMarkdown, staleDiff } from '../../report/report-markdown.ts';
import { EXIT, type CliIO } from '../io.ts';
import { reportFailure } from '../report-errors.ts';

interface ReportArgs {
  check: boolean;
  file: string;
  format: 'markdown' | 'json';
}

export function reportCommand(io: CliIO, setStatus: (status: number) => void): CommandModule<object, ReportArgs> {
  return {
    command: 'report',
    describe: 'Write REPORT.md: verdicts, costs, macro graphs and seed lines of every variant beside original (--check: fail when the committed file is stale)',
    builder: (y) =>
      y
        .option('check', { type: 'boolean', default: false, describe: 'compare the file with what the code produces; exit 1 with a diff when it is stale' })
        .option('file', { type: 'string', default: join(REPOSITORY_ROOT, 'REPORT.md'), describe: 'the report file' })
        .option('format', { choices: ['markdown', 'json'] as const, default: 'markdown' as const, describe: 'json: print the data on stdout, write nothing' }),
    handler: (args) => {
      setStatus(reportFailure(io, () => report(io, args)));
    },
  };
}

function report(io: CliIO, args: ReportArgs): number {
  const shown = relative(process.cwd(), args.file) || args.file;
  // Before the minutes of computing: a missing file is stale whatever the code produces.
  if (args.check && args.format === 'markdown' && !existsSync(args.file)) {
    io.stderr(`hyplab report --check: ${shown} does not exist; run \`hyplab report\` and commit it\n`);
    return EXIT.failed;
  }
  const data = reportData();
  const failing = data.variants.filter((v) => !v.verdict.holds).map((v) => v.name);
  if (args.format === 'json') {
    io.stdout(`${JSON.stringify(data, null, 2)}\n`);
    return failing.length === 0 ? EXIT.ok : EXIT.failed;
  }
  const text = reportMarkdown(data);
  if (args.check) return checkReport(io, args.file, text);
  writeFileSync(args.file, text);
  io.stdout(`wrote ${shown}${failing.length ? `; FAILING: ${failing.join(', ')}` : ''}\n`);
  return failing.length === 0 ? EXIT.ok : EXIT.failed;
}

/** Exit 0 when `file` holds `text` (outside the measured section), else 1 with a short diff on stderr. */
export function checkReport(io: CliIO, file: string, text: string): number {
  const shown = relative(process.cwd(), file) || file;
  const diff = staleDiff(readFileSync(file, 'utf8'), text);
  if (diff.length === 0) {
    io.stdout(`${shown} is current\n`);
    return EXIT.ok;
  }
  io.stderr(`hyplab report --check: ${shown} is stale (regenerate it with \`hyplab report\`):\n${diff.join('\n')}\n`);
  return EXIT.failed;
}
