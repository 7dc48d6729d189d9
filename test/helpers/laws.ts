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

/**
 * `text` assembled at `address` gives `word`; when GNU as would relocate it instead (adrp), it gives
 * the same instruction with zero target bits and a relocation to the same target.
 */
export function expectTextEncodes(text: string, word: number, address = 0): void {
  const d = decode(word);
  expect(d, `0x${hex32(word)} decodes`).toBeDefined();
  let again: EncodedInstruction;
  try {
    again = assembleLine(text, { offset: address });
  } catch (e) {
    throw new Error(`'${text}' (for 0x${hex32(word)}, objdump '${disassemble(word, address)}') does not assemble: ${(e as Error).message}`);
  }
  if (again.relocation === undefined) {
    expect(hex32(again.word), `'${text}' (for 0x${hex32(word)}, ${d!.entry.id})`).toBe(hex32(word));
    return;
  }
  const r = decode(again.word)!;
  expect(r.entry.id, text).toBe(d!.entry.id);
  d!.operands.forEach((op, i) => {
    if (op.kind !== 'label') return expect(r.operands[i], text).toEqual(op);
    const page = d!.entry.id === 'ADRP' ? (a: bigint) => a & ~0xfffn : (a: bigint) => a;
    expect(again.relocation!.symbol, text).toBe('.text');
    expect(page(again.relocation!.addend) - page(BigInt(address)), text).toBe(op.offset);
  });
}

/** decode -> disassemble (as source) -> assemble gives the same word back. */
export function expectRoundTrip(word: number, address = 0): void {
  const text = disassembleAsSource(word, address);
  expect(text, `0x${hex32(word)} decodes`).toBeDefined();
  expectTextEncodes(text!, word, address);
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
