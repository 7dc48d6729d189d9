// Broken layouts end in coded diagnostics at the right place. Each fixture in
// test/fixtures/layout/broken/ says on its second line what it expects:
//   // expect: HL0803 u63        -> code HL0803 at the first `u63` after that line
//   // expect: HL0807 X, #2      -> ... at the second occurrence of `X,`
// (`\n` in the token stands for a line break.)

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsmError, DIAGNOSTIC_CODES, type Diagnostic } from '../../src/asm/diagnostics.ts';
import { asmConstants } from '../../src/layout/asm-constants.ts';
import { computeLayout } from '../../src/layout/layout.ts';

const BROKEN = 'test/fixtures/layout/broken';

interface Expectation {
  code: string;
  line: number;
  col: number;
}

/** Reads the `// expect:` line and finds the line:col of its token in the file. */
function expectationOf(text: string): Expectation {
  const m = /^\/\/ expect: (HL\d{4}) (.*?)(?: #(\d+))?$/m.exec(text);
  if (m === null) throw new Error('fixture has no "// expect: HLxxxx token" line');
  const token = m[2]!.replace(/\\n/g, '\n');
  const occurrence = Number(m[3] ?? 1);
  let at = m.index + m[0].length;
  for (let k = 0; k < occurrence; k++) {
    at = text.indexOf(token, k === 0 ? at : at + 1);
    if (at < 0) throw new Error(`token ${JSON.stringify(token)} (#${occurrence}) is not in the fixture`);
  }
  const before = text.slice(0, at).split('\n');
  return { code: m[1]!, line: before.length, col: before[before.length - 1]!.length + 1 };
}

function diagnosticsOf(run: () => unknown): Diagnostic[] {
  try {
    run();
  } catch (e) {
    if (e instanceof AsmError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected a diagnostic, but the layout was accepted');
}

describe('broken layout fixtures', () => {
  const files = readdirSync(BROKEN).filter((f) => f.endsWith('.ts')).sort();

  it('cover every HL08xx code that a layout file can cause', () => {
    const codes = new Set(files.map((f) => expectationOf(readFileSync(`${BROKEN}/${f}`, 'utf8')).code));
    const layoutCodes = Object.keys(DIAGNOSTIC_CODES).filter((c) => c.startsWith('HL08') && c !== 'HL0801' && c !== 'HL0811');
    expect([...codes].filter((c) => c.startsWith('HL08')).sort()).toEqual(layoutCodes.sort());
  });

  it.each(files)('%s', (file) => {
    const path = `${BROKEN}/${file}`;
    const want = expectationOf(readFileSync(path, 'utf8'));
    const [d] = diagnosticsOf(() => asmConstants(path));
    expect({ code: d!.code, line: d!.origin.location.line, col: d!.origin.location.col, file: d!.origin.location.file }, d!.message).toEqual({ ...want, file: path });
    expect(d!.severity).toBe('error');
    expect(d!.message.length).toBeGreaterThan(10);
  });
});

describe('syntax errors and unreadable files', () => {
  it('a TypeScript syntax error is HL0801 at its place', () => {
    const ds = diagnosticsOf(() => computeLayout('bad.ts', "import type { u64 } from './types.ts';\nexport interface {\n  x: u64;\n}\n"));
    expect(ds.every((d) => d.code === 'HL0801' && d.origin.location.file === 'bad.ts')).toBe(true);
    expect(ds.map((d) => `${d.origin.location.line}:${d.origin.location.col} ${d.message}`)).toContain('2:18 Interface must be given a name.');
  });

  it('a missing file is HL0902', () => {
    const [d] = diagnosticsOf(() => computeLayout('test/fixtures/layout/no-such-layout.ts'));
    expect(d!.code).toBe('HL0902');
  });

  it('the access API reports a bad path and a non-scalar field with codes', () => {
    const layout = computeLayout('test/fixtures/layout/kvm.ts');
    const [bad] = diagnosticsOf(() => layout.locate('kvm_vcpu', 'arch.ctxt.gp_regs.sp_el9'));
    expect(bad).toMatchObject({ code: 'HL0806', origin: { location: { col: 19 } } });
    expect(bad!.message).toContain("struct 'kvm_regs' has no field 'sp_el9'");
    const [oob] = diagnosticsOf(() => layout.locate('kvm_vcpu', 'arch.ctxt.sys_regs[NR_SYS_REGS]'));
    expect(oob!.code).toBe('HL0806');
    expect(oob!.message).toContain('index 25 is out of bounds');
    const [noStruct] = diagnosticsOf(() => layout.locate('kvm_vcpus', 'arch'));
    expect(noStruct!.code).toBe('HL0803');
  });
});

describe('any damage to a good layout ends in a coded diagnostic, never a JS exception', () => {
  const good = readFileSync('test/fixtures/layout/kvm.ts', 'utf8');
  const damage = fc.record({
    at: fc.nat({ max: good.length - 1 }),
    remove: fc.nat({ max: 12 }),
    insert: fc.constantFrom('', '[', ']', '{', '}', '<', '>', '(', ')', ',', ';', '`', "'", '.', '0', '-1', 'u7', 'x', '${x}', '...', '=>', 'typeof ', '?', '\n'),
  });
  it('100 random edits of test/fixtures/layout/kvm.ts', () => {
    fc.assert(
      fc.property(damage, ({ at, remove, insert }) => {
        const text = good.slice(0, at) + insert + good.slice(at + remove);
        try {
          asmConstants('damaged.ts', text);
        } catch (e) {
          if (!(e instanceof AsmError)) throw e;
          for (const d of e.diagnostics) {
            expect(d.code in DIAGNOSTIC_CODES).toBe(true);
            expect(d.origin.location.file).toBe('damaged.ts');
          }
        }
      }),
      { numRuns: 100, seed: 8 },
    );
  });
});
