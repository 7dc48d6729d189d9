// The macro call graph and per-macro expansion, read from the front end's origins and the source
// text: on a small program whose graph is known by construction, and on the variants (where the
// totals must agree with the Program itself and with what the proposals say they merged).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleText } from '../../src/asm/assemble.ts';
import { macroCallGraph, macroDefinitions, macroExpansions, macroInvocations, mermaidCallGraph, routines, shortOrigin } from '../../src/report/macro-graph.ts';
import { variantCode } from '../../src/report/variant-code.ts';
import { VARIANTS_DIR } from '../../src/worldswitch/variant.ts';

const FILE = '/virtual/graph.S';
const SOURCE = `
.macro inner r
	add	\\r, \\r, #1
.endm
.macro outer
	inner	x0
	inner	x1
.endm
.macro unused
	nop
.endm
.macro quiet
	.if 0
	inner	x2
	.endif
.endm
	.text
	.globl	func
func:
	outer
	quiet
	ret
other:
	inner	x3
	.rept	2
	inner	x4
	.endr
`;

function small() {
  return { program: assembleText(FILE, SOURCE), sources: new Map([[FILE, SOURCE]]) };
}

describe('macro graph of a small program', () => {
  it('finds every definition with its lines and body', () => {
    const defs = macroDefinitions(SOURCE, FILE);
    expect(defs.map((d) => [d.name, d.params, d.line, d.endLine])).toEqual([
      ['inner', 'r', 2, 4],
      ['outer', '', 5, 8],
      ['unused', '', 9, 11],
      ['quiet', '', 12, 16],
    ]);
    expect(defs[1]!.body.map((l) => l.trim())).toEqual(['inner\tx0', 'inner\tx1']);
  });

  it('groups instructions by routine and invocations by caller', () => {
    const code = small();
    expect([...routines(code.program)].map(([name, list]) => [name, list.length])).toEqual([
      ['func', 3],
      ['other', 3],
    ]);
    const inv = macroInvocations(code.program).map((i) => [i.macro, i.caller, i.callerKind, i.at.line, i.instructions.length]);
    expect(inv).toEqual([
      ['outer', 'func', 'routine', 20, 2],
      ['inner', 'outer', 'macro', 6, 1],
      ['inner', 'outer', 'macro', 7, 1],
      ['inner', 'other', 'routine', 24, 1],
      // The .rept's iterations are two invocations at the same line, seen through the repeat.
      ['inner', 'other', 'routine', 26, 1],
      ['inner', 'other', 'routine', 26, 1],
    ]);
    const e = macroExpansions(code);
    expect(e.get('inner')!.instructions.length).toBe(5);
    expect(e.get('outer')!.instructions.length).toBe(2);
    expect(e.get('unused')!.instructions).toEqual([]);
  });

  it('draws edges from origins (with counts) and from macro bodies (a call that emitted nothing)', () => {
    const graph = macroCallGraph(small());
    const edges = graph.edges.map((e) => `${e.from}->${e.to}:${e.invocations}`).sort();
    expect(edges).toEqual(['func->outer:1', 'other->inner:3', 'outer->inner:2', 'quiet->inner:0']);
    expect(graph.nodes.find((n) => n.name === 'unused')).toEqual({ name: 'unused', kind: 'macro', instructions: 0 });
    const mermaid = mermaidCallGraph(graph);
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    expect(mermaid).toMatch(/r\d+_func\(\["func<br\/>3 insn"\]\)/);
    expect(mermaid).toMatch(/m\d+_outer -->\|2x\| m\d+_inner/);
    expect(mermaid).toMatch(/m\d+_quiet -->\|no code\| m\d+_inner/);
    expect(mermaid).toMatch(/r\d+_func --> m\d+_outer/);
  });

  it('short origins name the file line and the macros, recursion folded', () => {
    const origin = { location: { file: '/a/hyp.S', line: 9, col: 2 }, stack: ['m', 'm', 'm', 'top'].map((macro) => ({ macro, at: { file: '/a/hyp.S', line: 1, col: 1 } })) };
    expect(shortOrigin(origin)).toBe('hyp.S:9 < m(x3) < top');
  });
});

describe('macro graph of the variants', () => {
  it.each(['original', 'shared-gpr-macro'])('%s: routines cover every instruction once; expansion counts agree with the origins', (name) => {
    const code = variantCode(join(VARIANTS_DIR, name));
    const all = [...routines(code.program).values()].flat().sort((x, y) => x - y);
    expect(all).toEqual(code.program.instructions.map((_, i) => i));
    for (const e of macroExpansions(code).values()) {
      const expected = code.program.instructions.flatMap((insn, i) => (insn.origin.stack.some((f) => f.macro === e.name) ? [i] : []));
      expect(e.instructions).toEqual(expected);
    }
    const graph = macroCallGraph(code);
    expect(graph.edges.some((e) => e.from === '__kvm_vcpu_run' && e.to === 'save_host_regs' && e.invocations === 1)).toBe(true);
  });

  it("shared-gpr-macro: each world's GPR macros call the shared walk (the proposal's claim)", () => {
    const graph = macroCallGraph(variantCode(join(VARIANTS_DIR, 'shared-gpr-macro')));
    const callers = (to: string) => new Set(graph.edges.filter((e) => e.to === to).map((e) => e.from));
    for (const m of ['save_host_regs', 'save_guest_regs', 'push']) expect(callers('save_gprs')).toContain(m);
    for (const m of ['restore_host_regs', 'restore_guest_regs', 'pop']) expect(callers('restore_gprs')).toContain(m);
  });
});
