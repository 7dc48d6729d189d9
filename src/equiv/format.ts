// A check's verdicts as text (for people), JSON (for tools), JUnit XML (for CI: one testcase per
// variant and property) and GitHub workflow annotations. Every verdict carries the one table of
// compared and not-compared values.

import { relative } from 'node:path';
import { formatDiagnostic, type SourceLocation } from '../asm/diagnostics.ts';
import type { World } from '../worldswitch/world.ts';
import type { CheckFailure, Verdict } from './check-variant.ts';
import type { Difference } from './compare.ts';
import { originText, writerText } from './counterexample.ts';
import { DELTA_CHANGES } from './deltas.ts';
import { OBSERVATION_TABLE } from './observation-table.ts';
import type { ProofSummary } from './proof.ts';

export interface CheckedVariant {
  verdict: Verdict;
  proof: ProofSummary;
}

/** A variant holds when every property holds and the proof, if it ran, did not refute it. */
export function holds(c: CheckedVariant): boolean {
  return c.verdict.holds && c.proof.status !== 'refuted';
}

const WIDE = /\.v\d+$|\.vregs\[\d+\]$/;
export function hexOf(name: string, value: bigint | undefined): string {
  if (value === undefined) return 'nothing';
  return `0x${value.toString(16).padStart(WIDE.test(name) ? 32 : 16, '0')}`;
}

function worldText(w: World): string {
  const c = w.config;
  return `${c.exit} exit, ${c.guest} guest, timer ${c.timerEnabled ? 'on' : 'off'}, ${c.gic.present ? `GICv2 with ${c.gic.nrLr} LRs` : 'no vgic'}${c.exit === 'perm' ? `, PAR_EL1.F ${c.parFault ? '1 first' : '0'}` : ''}`;
}

function differenceText(d: Difference): string {
  const against = d.kind === 'specification' ? 'the specification' : d.kind === 'pairwise' ? 'original' : d.kind;
  if (d.kind === 'frame' || d.kind === 'extra-region') return `${d.name}: ${d.detail ?? ''} [${against}]`;
  return `${d.name}: expected ${hexOf(d.name, d.expected)} (${against}), actual ${hexOf(d.name, d.actual)}`;
}

export function tableText(indent = '  '): string[] {
  const w = Math.max(...OBSERVATION_TABLE.map((r) => r.comparison.length));
  return OBSERVATION_TABLE.map((r) => `${indent}${r.comparison.padEnd(w)}  ${r.values}: ${r.reason}`);
}

function failureText(f: CheckFailure, variant: string, out: string[]): void {
  out.push(`  COUNTEREXAMPLE: ${f.message}`);
  if (f.source !== undefined) out.push(`    world: ${f.source}${f.world ? `; ${worldText(f.world)}` : ''}`);
  if (f.replay !== undefined) out.push(`    replay: ${f.replay}`);
  const e = f.explanation;
  if (e !== undefined) {
    const d = e.difference;
    out.push(`    ${differenceText(d)}`);
    if (f.diagnostic !== undefined) {
      // A run that did not complete: its diagnostic names the instruction responsible.
      for (const l of formatDiagnostic(f.diagnostic).split('\n')) out.push(`    ${l}`);
    } else if (d.kind !== 'frame') {
      out.push(`    last written in ${variant}: ${writerText(e.variantWriter)}`);
      out.push(`    last written in original: ${writerText(e.originalWriter)}`);
    }
  }
  const rest = f.differences.slice(e !== undefined ? 1 : 0);
  if (rest.length > 0) {
    out.push(`    and ${rest.length} more difference(s):`);
    for (const d of rest.slice(0, 12)) out.push(`      ${differenceText(d)}`);
    if (rest.length > 12) out.push(`      ... ${rest.length - 12} more`);
  }
  if (e !== undefined) {
    out.push('    side by side, from the start of the path to the first divergent write:');
    for (const l of e.sideBySide.lines) out.push(`      ${l}`);
  }
}

export function verdictText(c: CheckedVariant): string {
  const v = c.verdict;
  const out: string[] = [];
  const runs = v.properties.find((p) => p.name === 'random worlds')?.runs ?? 0;
  const smoke = v.properties.find((p) => p.name === 'smoke')?.runs ?? 0;
  out.push(`${v.variant}: ${holds(c) ? 'HOLDS' : 'FAILS'} against the specification and against original (${smoke} smoke + ${runs} random worlds, seed ${v.seed}, ${(v.ms / 1000).toFixed(1)} s)`);
  out.push(`  folder: ${v.dir}`);
  for (const p of v.properties) out.push(`  ${p.name.padEnd(16)} ${p.holds ? 'holds' : 'FAILS'}${p.name === 'declared deltas' ? '' : `  (${p.runs} worlds, ${(p.ms / 1000).toFixed(1)} s)`}`);
  out.push(`  proof            ${c.proof.status === 'undecided' ? `undecided (the property tests decide): ${c.proof.text}` : c.proof.text}`);
  if (c.proof.coverage !== undefined) out.push(`                   ${c.proof.coverage}`);
  for (const d of (c.proof.differences ?? []).slice(0, 8)) out.push(`    proof: ${d.value} differs from ${d.against} on path ${d.path}: ${d.variant} vs ${d.original}${d.counterexample ? ` (concrete counterexample ${d.counterexample.confirmed ? 'confirmed' : 'NOT confirmed'})` : ''}`);
  out.push(`  declared deltas (${v.proposal.file ?? 'no proposal names this variant: no difference from original is allowed'}):`);
  if (v.deltas.length === 0) out.push('    none');
  for (const d of v.deltas) {
    const of = `${d.happened} of ${v.deltasOver} worlds`;
    const status = d.delta.change === 'clobbered' ? `allowed; differed in ${of}` : d.holds ? `holds (happened in ${of})` : `DOES NOT HOLD (happened in ${of}; ${DELTA_CHANGES[d.delta.change]})`;
    out.push(`    ${d.delta.value}  ${d.delta.change}: ${status}  -- ${d.delta.why}`);
  }
  for (const p of v.properties) if (p.failure !== undefined) failureText(p.failure, v.variant, out);
  out.push('  compared and not compared:');
  out.push(...tableText('    '));
  return `${out.join('\n')}\n`;
}

// ------------------------------------------------------------------------------------------------

function differenceJson(d: Difference) {
  return {
    name: d.name,
    kind: d.kind,
    expected: d.expected === undefined ? null : hexOf(d.name, d.expected),
    actual: d.actual === undefined ? null : hexOf(d.name, d.actual),
    ...(d.detail !== undefined ? { detail: d.detail } : {}),
  };
}

export function verdictJson(c: CheckedVariant) {
  const v = c.verdict;
  return {
    variant: v.variant,
    dir: v.dir,
    verdict: holds(c) ? 'holds' : 'fails',
    seed: v.seed,
    ms: Math.round(v.ms),
    proof: { status: c.proof.status, text: c.proof.text, paths: c.proof.paths ?? null, ms: c.proof.ms === undefined ? null : Math.round(c.proof.ms), coverage: c.proof.coverage ?? null, differences: (c.proof.differences ?? []).map((d) => ({ value: d.value, against: d.against, path: d.path, variant: d.variant, original: d.original, confirmed: d.counterexample?.confirmed ?? null })) },
    proposal: v.proposal.file ?? null,
    deltas: v.deltas.map((d) => ({ value: d.delta.value, change: d.delta.change, why: d.delta.why, declared: `${d.delta.file}:${d.delta.line}`, happened: d.happened, holds: d.holds })),
    properties: v.properties.map((p) => ({
      name: p.name,
      holds: p.holds,
      runs: p.runs,
      ms: Math.round(p.ms),
      ...(p.failure !== undefined
        ? {
            failure: {
              message: p.failure.message,
              replay: p.failure.replay ?? null,
              world: p.failure.source ?? null,
              ...(p.failure.diagnostic ? { diagnostic: { code: p.failure.diagnostic.code, message: p.failure.diagnostic.message, origin: originText(p.failure.diagnostic.origin) } } : {}),
              differences: p.failure.differences.map(differenceJson),
              ...(p.failure.explanation
                ? {
                    last_writer: {
                      variant: writerText(p.failure.explanation.variantWriter),
                      original: writerText(p.failure.explanation.originalWriter),
                      ...(p.failure.explanation.variantWriter?.entry ? { origin: originText(p.failure.explanation.variantWriter.entry.origin) } : {}),
                    },
                    side_by_side: p.failure.explanation.sideBySide.lines,
                  }
                : {}),
            },
          }
        : {}),
    })),
    observation_table: OBSERVATION_TABLE.map((r) => ({ values: r.values, comparison: r.comparison, reason: r.reason })),
  };
}

// ------------------------------------------------------------------------------------------------

const xml = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML: a testsuite per variant, a testcase per property (and the proof: skipped when not run). */
export function junit(checked: CheckedVariant[]): string {
  const suites = checked.map((c) => {
    const v = c.verdict;
    const cases = v.properties.map((p) => {
      const body = p.failure === undefined ? '' : `\n      <failure message="${xml(p.failure.message)}">${xml(verdictText(c))}</failure>\n    `;
      return `    <testcase classname="hyplab.check.${xml(v.variant)}" name="${xml(p.name)}" time="${(p.ms / 1000).toFixed(3)}">${body}</testcase>`;
    });
    const proofBody = c.proof.status === 'not run' || c.proof.status === 'undecided' ? `<skipped message="${xml(c.proof.text)}"/>` : c.proof.status === 'refuted' ? `<failure message="${xml(c.proof.text)}"/>` : '';
    cases.push(`    <testcase classname="hyplab.check.${xml(v.variant)}" name="proof" time="${((c.proof.ms ?? 0) / 1000).toFixed(3)}">${proofBody}</testcase>`);
    const failures = v.properties.filter((p) => !p.holds).length + (c.proof.status === 'refuted' ? 1 : 0);
    const skipped = c.proof.status === 'not run' || c.proof.status === 'undecided' ? 1 : 0;
    return `  <testsuite name="${xml(v.variant)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${(v.ms / 1000).toFixed(3)}">\n    <properties><property name="seed" value="${v.seed}"/></properties>\n${cases.join('\n')}\n  </testsuite>`;
  });
  const tests = checked.reduce((n, c) => n + c.verdict.properties.length + 1, 0);
  const failures = checked.reduce((n, c) => n + c.verdict.properties.filter((p) => !p.holds).length + (c.proof.status === 'refuted' ? 1 : 0), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hyplab check" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}

// ------------------------------------------------------------------------------------------------

// GitHub reads `::error file=F,line=L,col=C::message` lines from a step's output; the message and the
// properties escape what would end them.
const annotationMessage = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const annotationProperty = (s: string): string => annotationMessage(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Where a failure points in the variant's source: the last writer of the value, else the first divergence, else the diagnostic. */
function failureLocation(f: CheckFailure): SourceLocation | undefined {
  return f.explanation?.variantWriter?.entry?.origin.location ?? f.explanation?.sideBySide.divergence?.variant?.location ?? f.diagnostic?.origin.location;
}

/** One `::error` line per failing property (at the source line of its counterexample) and per refuted proof. */
export function githubAnnotations(checked: CheckedVariant[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  for (const c of checked) {
    const v = c.verdict;
    for (const p of v.properties) {
      const f = p.failure;
      if (f === undefined) continue;
      const first = f.differences[0];
      const message = `${v.variant}: ${p.name} fails: ${first !== undefined ? differenceText(first) : f.message}${f.replay ? ` (replay: ${f.replay})` : ''}`;
      const at = failureLocation(f);
      const where = at === undefined ? '' : ` file=${annotationProperty(relative(cwd, at.file))},line=${at.line},col=${at.col},`;
      out.push(`::error${where}title=${annotationProperty(`hyplab check ${v.variant}`)}::${annotationMessage(message)}`);
    }
    if (c.proof.status === 'refuted') out.push(`::error title=${annotationProperty(`hyplab check ${v.variant}: proof`)}::${annotationMessage(`${v.variant}: ${c.proof.text}`)}`);
  }
  return out;
}
