// REPORT.md from the report's data, and the staleness check: the file is compared line by line with
// what the code produces, outside the measured section (timings and benchmark figures cannot be
// recomputed identically, so they sit between MEASURED_START and MEASURED_END and are not compared).

import { BENCH_RECORD } from './report-data.ts';
import type { PathCounts, ReportData, VariantReport } from './report-data.ts';

export const MEASURED_START = '<!-- measured: start (not compared by `hyplab report --check`) -->';
export const MEASURED_END = '<!-- measured: end -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** `1-3, 5, 7-9` */
export function ranges(numbers: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    out.push(i === j ? `${numbers[i]}` : `${numbers[i]}-${numbers[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

function verdictSection(d: ReportData): string[] {
  const out = ['## Verdicts', '', `Every variant is compared with \`original\` and with the specification: smoke worlds (every exit kind and guest width), ${d.runs} random worlds from fast-check seed ${d.seed} (replay any row with \`hyplab check VARIANT --runs ${d.runs} --seed ${d.seed}\`), the declared deltas of its proposal, and the symbolic proof. The report's run count is modest so that \`--check\` stays affordable; CI's \`hyplab check\` runs 1,000 worlds with a fresh seed.`, ''];
  out.push(
    ...table(
      ['variant', 'verdict', 'proof', 'smoke worlds', 'random worlds', 'declared deltas'],
      d.variants.map((v) => {
        const x = v.verdict;
        return [
          v.name,
          x.holds ? 'holds' : 'FAILS',
          x.proof.status === 'proved' ? `proved on ${x.proof.paths} paths` : `${x.proof.status}${x.proof.paths !== null ? ` (${x.proof.paths} paths)` : ''}`,
          `${x.smoke.holds ? 'hold' : 'FAIL'} (${x.smoke.runs})`,
          `${x.random.holds ? 'hold' : 'FAIL'} (${x.random.runs}, seed ${d.seed})`,
          x.deltas.length === 0 ? 'none declared' : `${x.deltas.filter((z) => z.holds).length}/${x.deltas.length} hold`,
        ];
      }),
    ),
  );
  out.push('', '### Declared deltas', '');
  for (const v of d.variants) {
    const x = v.verdict;
    out.push(`**${v.name}** (${x.proposal ?? 'no proposal: no difference from original is allowed'}): ${x.deltas.length === 0 ? 'none.' : ''}`);
    if (x.deltas.length > 0) {
      out.push('');
      out.push(...table(['value', 'change', `happened (of ${x.deltasOver} worlds)`, 'holds', 'why'], x.deltas.map((z) => [z.value, z.change, String(z.happened), z.holds ? 'yes' : 'NO', z.why])));
    }
    out.push('');
  }
  out.push('### Not compared, and why', '', 'The same for every variant (src/equiv/observation-table.ts):', '');
  out.push(...table(['values', 'why not'], d.notCompared.map((r) => [r.values, r.reason])));
  return out;
}

const pathName = (p: PathCounts): string => `${p.exit} exit, ${p.guest} guest`;

function costSection(d: ReportData): string[] {
  const names = d.variants.map((v) => v.name);
  const row = (label: string, f: (v: VariantReport) => string | number): string[] => [label, ...d.variants.map((v) => String(f(v)))];
  const out = ['## What the refactoring buys', '', 'Source and code, per variant (side by side with `original`):', ''];
  out.push(
    ...table(
      ['', ...names],
      [
        row('save/restore source: lines in macro bodies', (v) => v.source.macroBodyLines),
        row('macros defined', (v) => v.source.macros),
        row('hyp.S statements', (v) => v.source.statements),
        row('statements that repeat (same shape, other names)', (v) => v.source.repeatingLines),
        row('instructions after expansion', (v) => v.source.expandedInstructions),
        row('code bytes', (v) => v.source.codeBytes),
        row('hyp stack high-water mark (bytes, deepest path)', (v) => Math.max(...v.paths.map((p) => p.hypStack))),
      ],
    ),
  );
  out.push(
    '',
    'Macro body lines are the non-blank, non-comment lines between `.macro` and `.endm`. A statement repeats when another statement of hyp.S has its shape (mnemonic kept; registers, system registers, numbers and names abstracted) with different text. Code bytes are the bytes of the sections that hold instructions.',
    '',
    `Per path, on one fixed world each (\`generateWorld(${d.worldSeed} + k)\`, k counting exit kind then guest width; timer on, GICv2 with 4 list registers, no PAR_EL1 fault): HYP instructions executed, then loads / stores (bytes loaded / bytes stored), then the hyp stack depth in bytes.`,
    '',
  );
  const paths = d.variants[0]?.paths ?? [];
  const pathRows = (f: (p: PathCounts) => string): string[][] => paths.map((p, i) => [pathName(p), ...d.variants.map((v) => (v.paths[i]!.failure !== null ? `FAILED: ${v.paths[i]!.failure}` : f(v.paths[i]!)))]);
  out.push('Instructions executed:', '', ...table(['path', ...names], pathRows((p) => String(p.instructions))), '');
  out.push('Loads / stores (bytes loaded / stored):', '', ...table(['path', ...names], pathRows((p) => `${p.loads} / ${p.stores} (${p.bytesLoaded} / ${p.bytesStored})`)), '');
  out.push('Hyp stack depth (bytes):', '', ...table(['path', ...names], pathRows((p) => String(p.hypStack))));
  return out;
}

function graphSection(d: ReportData): string[] {
  const out = ['## Which macros call which', '', 'Routines (code labels) as rounded boxes, macros as boxes, each with the instructions it emits; an edge per caller and callee with its invocation count (src/report/macro-graph.ts).'];
  for (const v of d.variants) out.push('', `### ${v.name}`, '', '```mermaid', v.mermaid.trimEnd(), '```');
  return out;
}

function seedSection(d: ReportData): string[] {
  const quoted = d.seedQuotes.quoted;
  const out = ['## Seed lines each variant still shares with original', '', `The review (${d.seedQuotes.file}) quotes ${quoted.length} lines of the patched hyp.S. A variant shares a line when its hyp.S holds it verbatim, as original does. Consecutive seed lines with the same answers are one row.`, ''];
  const shares = d.variants.map((v) => new Set(v.sharedSeedLines));
  const rows: { lines: number[]; key: string }[] = [];
  for (const q of quoted) {
    const key = shares.map((s) => (s.has(q.line) ? 'y' : 'n')).join('');
    const last = rows[rows.length - 1];
    if (last !== undefined && last.key === key && last.lines[last.lines.length - 1] === q.line - 1) last.lines.push(q.line);
    else rows.push({ lines: [q.line], key });
  }
  const text = new Map(quoted.map((q) => [q.line, q.text.trim().replace(/\s+/g, ' ')]));
  out.push(
    ...table(
      ['seed lines', 'first line', ...d.variants.map((v) => v.name)],
      rows.map((r) => [ranges(r.lines), text.get(r.lines[0]!) === '' ? '(blank)' : `\`${text.get(r.lines[0]!)!.replace(/`/g, "'")}\``, ...[...r.key].map((c) => (c === 'y' ? 'shared' : '-'))]),
    ),
  );
  out.push('', ...table(['', ...d.variants.map((v) => v.name)], [['shared, of ' + quoted.length, ...d.variants.map((v) => String(v.sharedSeedLines.length))]]));
  return out;
}

function oracleSection(d: ReportData): string[] {
  const o = d.oracle;
  return [
    "## The core's oracle standing",
    '',
    `- GNU as 2.40: ${o.gnuAsFixtures} fixtures in ${o.fixtureDir}; test/asm/fixtures.test.ts (part of \`npm test\`, so of CI) checks that hyplab's section bytes and relocations are byte-identical to \`aarch64-linux-gnu-as\`'s, and its disassembly to objdump's.`,
    `- QEMU 7.2 (EL2, cortex-a57): test/machine/qemu-oracle.test.ts runs ${o.qemuCasesPerRun ?? 'an unknown number of'} random cases per run (fresh seed, printed; HYPLAB_QEMU_CASES sets the number) on QEMU and on the core; every architecturally defined value must agree outside the exclusion table. a disagreement fails the test.`,
    '',
    'The exclusion table (src/machine/qemu-exclusions.ts):',
    '',
    ...o.exclusions,
  ];
}

function measuredSection(d: ReportData): string[] {
  const m = d.measured;
  return [
    '## Measured (not compared by `hyplab report --check`)',
    '',
    MEASURED_START,
    '',
    'Timings and benchmark figures depend on the machine and its load: `hyplab report` writes them as measured, and `--check` skips this section.',
    '',
    ...table(['variant', 'property checks (ms)', 'proof (ms)'], d.variants.map((v) => [v.name, String(m.checkMs[v.name] ?? ''), String(m.proofMs[v.name] ?? '')])),
    '',
    m.bench === null ? `Benchmarks: not recorded; run \`scripts/bench --record\` (writes ${BENCH_RECORD}), then \`hyplab report\`.` : `Benchmarks, as recorded by \`scripts/bench --record\` in ${BENCH_RECORD} (its first line names the machine):`,
    ...(m.bench === null ? [] : ['', '```', m.bench.trimEnd(), '```']),
    '',
    MEASURED_END,
  ];
}

export function reportMarkdown(d: ReportData): string {
  const lines = [
    '<!-- Generated by `hyplab report` (bin/hyplab.js report). Do not edit: regenerate it. CI runs `hyplab report --check`, which fails when this file differs from what the code produces (outside the measured section). -->',
    '',
    '# hyplab report: the world-switch variants side by side',
    '',
    `Variants: ${d.variants.map((v) => `\`${v.name}\``).join(', ')}. Every number below is recomputed by \`hyplab report\` from the code (fixed seeds, fixed worlds), except the last section.`,
    '',
    ...verdictSection(d),
    '',
    ...costSection(d),
    '',
    ...graphSection(d),
    '',
    ...seedSection(d),
    '',
    ...oracleSection(d),
    '',
    ...measuredSection(d),
  ];
  return `${lines.join('\n')}\n`;
}

/** The text with the measured section's body left out. */
export function comparedText(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(MEASURED_START);
  const end = lines.indexOf(MEASURED_END);
  if (start < 0 || end < start) return lines;
  return [...lines.slice(0, start + 1), ...lines.slice(end)];
}

/** A short line diff of `committed` against `fresh` (compared parts only): empty when they agree. */
export function staleDiff(committed: string, fresh: string, maxLines = 20): string[] {
  const a = comparedText(committed);
  const b = comparedText(fresh);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  if (head === a.length && head === b.length) return [];
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const removed = a.slice(head, a.length - tail).map((l) => `- ${l}`);
  const added = b.slice(head, b.length - tail).map((l) => `+ ${l}`);
  const body = [...removed, ...added];
  const shown = body.slice(0, maxLines);
  return [`@@ line ${head + 1} (committed ${removed.length} lines, generated ${added.length} lines) @@`, ...shown, ...(body.length > shown.length ? [`... ${body.length - shown.length} more lines`] : [])];
}
