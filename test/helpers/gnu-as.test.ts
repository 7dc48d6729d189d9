// The oracle helpers checked against binutils' own readers: our ELF reader must see the same
// relocations as `readelf -r`, and cpp must run when (and only when) a source needs it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithGnuAs, gnuAssembleText, hasCppDirectives } from './gnu-as.ts';

const SOURCE = `
.text
.globl f
f: bl g
 b.eq g
 adrp x0, sym
 add x0, x0, :lo12:sym
 ldr x1, [x0, :lo12:sym]
 ldr x1, =sym
 tbz x0, #3, g
 b f
 b 2f
 mov x0, #16
2: .quad sym + 4
.data
 .quad f
 .word g
 .quad 2b
`;

describeWithGnuAs('GNU as oracle helpers', (tools) => {
  it('reads the same relocations as readelf', () => {
    const obj = gnuAssembleText(SOURCE);
    const work = mkdtempSync(join(tmpdir(), 'hyplab-oracle-'));
    try {
      writeFileSync(join(work, 'a.s'), SOURCE);
      spawnSync(tools.as, ['-o', join(work, 'a.o'), join(work, 'a.s')]);
      const readelf = tools.as.replace(/-as$/, '-readelf');
      const out = spawnSync(readelf, ['-rW', join(work, 'a.o')], { encoding: 'utf8' }).stdout;
      const expected = [...out.matchAll(/^([0-9a-f]{16})\s+[0-9a-f]+\s+R_AARCH64_(\w+)\s+[0-9a-f]+\s+(\S+) \+ ([0-9a-f]+)$/gm)].map(
        (m) => `${parseInt(m[1]!, 16)} ${m[2]} ${m[3]} ${parseInt(m[4]!, 16)}`,
      );
      const ours = obj.elf.relocations.map((r) => `${r.offset} ${r.type} ${r.symbol} ${r.addend}`);
      expect(ours).toEqual(expected);
      expect(ours).toContain('0 CALL26 g 0');
      expect(obj.elf.relocations.some((r) => r.type === 'ABS64' && r.symbol === '.text' && r.section === '.data')).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('lists instructions as objdump prints them, without symbol annotations', () => {
    const obj = gnuAssembleText(SOURCE);
    const texts = obj.instructions.filter((l) => l.section === '.text' && !l.isData).map((l) => l.text);
    expect(texts[0]).toBe('bl\t0');
    expect(texts).toContain('mov\tx0, #0x10                  \t// #16');
    expect(obj.elf.sections.get('.text')!.bytes.length).toBe(obj.instructions.filter((l) => l.section === '.text').length * 4);
  });

  it('preprocesses with cpp when the source has directives', () => {
    const text = '#define OFF(x) (8*(x))\n#ifdef __aarch64__\n ldr x0, [x1, #OFF(3)]\n#endif\n';
    expect(hasCppDirectives(text)).toBe(true);
    expect(hasCppDirectives(' stp x0, x1, [sp, #-16]!  // # not a directive\n')).toBe(false);
    const obj = gnuAssembleText(text);
    expect(obj.instructions.map((l) => l.text)).toEqual(['ldr\tx0, [x1, #24]']);
  });
});
