// One spelling per instruction, so that two variants that write the same instruction differently
// (`#-(-16)` and `#16`, `lr` and `x30`, a constant's name and its value) compare equal: the
// disassembly of its encoding as source text, except where the encoding holds where the code lies.

import { disassembleAsSource } from '../a64/disassemble.ts';

/** Instructions whose encoding holds a PC-relative offset: their encodings differ wherever code moves, their written targets do not. */
const PC_RELATIVE = /^(?:b|bl|b\.\w+|cbz|cbnz|tbz|tbnz|adr|adrp)\s|^(?:ldr|ldrsw|prfm)\s[^[]*$/;

/** Written text with its spacing normalized. */
export const normalizedText = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * The canonical text of the instruction encoded as `word` and written as `written`: the disassembly,
 * or the written text for a PC-relative instruction, an undecodable word, or (`relocated`) one whose
 * encoding a loader patches.
 */
export function canonicalText(word: number, written: string, relocated = false): string {
  const canonical = relocated ? undefined : disassembleAsSource(word);
  return canonical === undefined || PC_RELATIVE.test(canonical) ? normalizedText(written) : canonical;
}
