// `hyplab asm FILE.S`: assemble as GNU as would and print a listing (text) or the Program (json).

import type { CommandModule } from 'yargs';
import { assembleFile } from '../../asm/assemble.ts';
import type { Program } from '../../asm/program.ts';
import { EXIT, type CliIO } from '../io.ts';
import { formatOrigin, reportFailure } from '../report-errors.ts';
import { parseDefines } from '../options.ts';

interface AsmArgs {
  file: string;
  I: string[];
  D: string[];
  format: 'text' | 'json';
}

export function asmCommand(io: CliIO, setStatus: (status: number) => void): CommandModule<object, AsmArgs> {
  return {
    command: 'asm <file>',
    describe: 'Assemble a GNU-as AArch64 source (after cpp) and list what it encodes to',
    builder: (y) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'the .S file' })
        .option('I', { type: 'string', array: true, default: [], describe: 'add an include directory' })
        .option('D', { type: 'string', array: true, default: [], describe: 'define NAME or NAME=VALUE for cpp' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const }),
    handler: (args) => {
      setStatus(
        reportFailure(io, () => {
          const program = assembleFile(args.file, { includeDirs: args.I, defines: parseDefines(args.D) });
          for (const w of program.warnings) io.stderr(`${formatWarning(w)}\n`);
          io.stdout(args.format === 'json' ? `${JSON.stringify(programToJson(program), null, 2)}\n` : listing(program));
          return EXIT.ok;
        }),
      );
    },
  };
}

function formatWarning(w: Program['warnings'][number]): string {
  return `${formatOrigin(w.origin)}: warning[${w.code}]: ${w.message}`;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const hex32 = (word: number): string => (word >>> 0).toString(16).padStart(8, '0');

export function programToJson(program: Program) {
  return {
    sections: Object.fromEntries([...program.sections].map(([name, s]) => [name, hex(s.bytes)])),
    symbols: Object.fromEntries(
      [...program.symbols].map(([name, s]) => [
        name,
        {
          section: s.section ?? null,
          value: `0x${s.value.toString(16)}`,
          global: s.global,
          ...(s.type ? { type: s.type } : {}),
          ...(s.size !== undefined ? { size: `0x${s.size.toString(16)}` } : {}),
        },
      ]),
    ),
    relocations: program.relocations.map((r) => ({ ...r, addend: `0x${r.addend.toString(16)}` })),
    instructions: program.instructions.map((i) => ({
      section: i.section,
      offset: i.offset,
      encoding: hex32(i.encoding),
      text: i.text,
      origin: formatOrigin(i.origin),
    })),
  };
}

/** Like `as -al`: per section, each address with its encoding, the statement, and where it came from. */
export function listing(program: Program): string {
  const out: string[] = [];
  for (const [name, section] of program.sections) {
    out.push(`${name}:`);
    const byOffset = new Map(program.instructions.filter((i) => i.section === name).map((i) => [i.offset, i]));
    let offset = 0;
    while (offset < section.bytes.length) {
      const insn = byOffset.get(offset);
      if (insn) {
        out.push(`  ${offset.toString(16).padStart(4, '0')}  ${hex32(insn.encoding)}  ${insn.text.padEnd(36)}  ${formatOrigin(insn.origin)}`);
        offset += 4;
        continue;
      }
      let end = offset + 1;
      while (end < section.bytes.length && end - offset < 8 && !byOffset.has(end)) end++;
      out.push(`  ${offset.toString(16).padStart(4, '0')}  ${hex(section.bytes.subarray(offset, end)).padEnd(16)}  (data)`);
      offset = end;
    }
  }
  return `${out.join('\n')}\n`;
}
