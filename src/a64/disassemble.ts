// Disassembly with objdump's text: mnemonic, a tab, operands, and objdump's `// ...` comments,
// preferring the aliases objdump prefers. PC-relative targets are printed as bare hex addresses, as
// objdump prints them before its `<symbol>` annotation (which we leave out).

import type { Decoded, PrintEnv } from './entry.ts';
import { decode, preferredForm } from './decode.ts';

/** Formats a decoded form (alias or base) in objdump's style or as reassemblable source. */
export function formatDecoded(d: Decoded, address: bigint, style: PrintEnv['style']): string {
  const env: PrintEnv = { address, fields: d.fields, style };
  let mnemonic = d.entry.mnemonic;
  const texts: string[] = [];
  const comments: string[] = [];
  d.entry.operands.forEach((spec, i) => {
    const value = d.operands[i]!;
    const text = spec.print(value, env);
    if (text === undefined) return;
    if (spec.inMnemonic) mnemonic = mnemonic.replace(/<[^>]*>/, text);
    else texts.push(text);
    const comment = spec.comment?.(value, env);
    if (comment !== undefined) comments.push(comment);
  });
  let out = texts.length > 0 ? `${mnemonic}\t${texts.join(', ')}` : mnemonic;
  if (style === 'source') return out.replace('\t', ' ').trimEnd();
  if (comments.length > 0) out += `\t// ${comments.join(', ')}`;
  const entryComment = d.entry.comment?.(d.fields, env);
  if (entryComment !== undefined) out += entryComment;
  return out;
}

/** objdump -d's text for one word at `address` (after its address and encoding columns). */
export function disassemble(word: number, address: bigint | number = 0n): string {
  const w = word >>> 0;
  const d = decode(w);
  if (d === undefined) return `.inst\t0x${w.toString(16).padStart(8, '0')} ; undefined`;
  return formatDecoded(preferredForm(d, w), BigInt(address), 'objdump');
}

/** Source text GNU as (and our assembler) turn back into `word` when placed at `address`. */
export function disassembleAsSource(word: number, address: bigint | number = 0n): string | undefined {
  const w = word >>> 0;
  const d = decode(w);
  return d === undefined ? undefined : formatDecoded(preferredForm(d, w), BigInt(address), 'source');
}
