// Laws of the instruction table, written once: every entry, every generated instruction and every
// known answer goes through these.

import { expect } from 'vitest';
import { assembleInstruction, splitOperands } from '../../src/a64/assemble.ts';
import { decode } from '../../src/a64/decode.ts';
import { disassemble, disassembleAsSource } from '../../src/a64/disassemble.ts';
import type { EncodedInstruction } from '../../src/a64/context.ts';
import { AsmError } from '../../src/asm/diagnostics.ts';
import type { DiagnosticCode } from '../../src/asm/diagnostics.ts';
import { testContext } from './asm-context.ts';
import type { TestContextOptions } from './asm-context.ts';

/** Assembles one line of text (`mnemonic operands`) with a test context. */
export function assembleLine(line: string, o: TestContextOptions = {}): EncodedInstruction {
  const m = /^\s*(\S+)\s*(.*)$/.exec(line);
  if (!m) throw new Error(`empty line '${line}'`);
  return assembleInstruction(m[1]!, m[2]!, testContext(o));
}

export const hex32 = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');

/** decode -> disassemble (as source) -> assemble gives the same word back. */
export function expectRoundTrip(word: number, address = 0): void {
  const d = decode(word);
  expect(d, `0x${hex32(word)} decodes`).toBeDefined();
  const text = disassembleAsSource(word, address)!;
  let again: number;
  try {
    again = assembleLine(text, { offset: address }).word;
  } catch (e) {
    throw new Error(`0x${hex32(word)} disassembles to '${text}' (objdump style '${disassemble(word, address)}'), which does not assemble: ${(e as Error).message}`);
  }
  expect(hex32(again), `'${text}' (from 0x${hex32(word)}, ${d!.entry.id})`).toBe(hex32(word));
}

/** Text assembles to `word`, and (when given) disassembles to objdump's `expected`. */
export function expectEncoding(line: string, word: number, objdump?: string): void {
  expect(hex32(assembleLine(line).word), line).toBe(hex32(word));
  if (objdump !== undefined) expect(disassemble(word), line).toBe(objdump);
}

/** Assembling `line` fails with exactly one diagnostic with `code`. */
export function expectDiagnostic(line: string, code: DiagnosticCode, o: TestContextOptions = {}): void {
  try {
    const r = assembleLine(line, o);
    throw new Error(`'${line}' assembled to 0x${hex32(r.word)}; expected ${code}`);
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    expect(e.diagnostics.map((d) => d.code), `${line}: ${e.message}`).toEqual([code]);
    expect(e.diagnostics[0]!.origin.location.file).toBe('test.S');
  }
}

export { splitOperands };
