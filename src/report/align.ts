// Alignment of two sequences (instruction texts of a macro's expansion, two executed traces): the
// shortest edit script by Myers' O((N+M)D) algorithm, then each edit classified as a reviewer reads
// it: an instruction that MOVED (deleted here, the same text inserted elsewhere in the unit), one that
// CHANGED (a deletion and an insertion in the same hunk), or one only INSERTED or DELETED.

/** One step of an edit script: a[a] kept as b[b], a[a] deleted, or b[b] inserted. */
export type EditOp = { kind: 'same'; a: number; b: number } | { kind: 'delete'; a: number } | { kind: 'insert'; b: number };

/**
 * The shortest edit script turning `a` into `b`, comparing by `key`. Common prefix and suffix are
 * matched first; the middle costs O((N+M)D) time and O(D^2) memory for D edits.
 */
export function editScript<T>(a: readonly T[], b: readonly T[], key: (item: T) => string = String): EditOp[] {
  // Keys as small integers: the inner loop compares numbers.
  const ids = new Map<string, number>();
  const idOf = (item: T): number => {
    const k = key(item);
    let id = ids.get(k);
    if (id === undefined) ids.set(k, (id = ids.size));
    return id;
  };
  const x = Int32Array.from(a, idOf);
  const y = Int32Array.from(b, idOf);
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endA = x.length;
  let endB = y.length;
  while (endA > start && endB > start && x[endA - 1] === y[endB - 1]) endA--, endB--;
  const ops: EditOp[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: 'same', a: i, b: i });
  for (const op of myers(x.subarray(start, endA), y.subarray(start, endB))) {
    if (op.kind === 'same') ops.push({ kind: 'same', a: op.a + start, b: op.b + start });
    else if (op.kind === 'delete') ops.push({ kind: 'delete', a: op.a + start });
    else ops.push({ kind: 'insert', b: op.b + start });
  }
  for (let i = 0; endA + i < x.length; i++) ops.push({ kind: 'same', a: endA + i, b: endB + i });
  return ops;
}

/** Myers (1986), "An O(ND) difference algorithm", with the V array of every round kept for the walk back. */
function myers(x: Int32Array, y: Int32Array): EditOp[] {
  const n = x.length;
  const m = y.length;
  const max = n + m;
  if (max === 0) return [];
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // rounds[d] holds v[k] for k in [-d-1, d+1] as it was when round d began.
  const rounds: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    rounds.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let px = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let py = px - k;
      while (px < n && py < m && x[px] === y[py]) px++, py++;
      v[offset + k] = px;
      if (px >= n && py >= m) {
        found = d;
        break;
      }
    }
  }
  const reversed: EditOp[] = [];
  let px = n;
  let py = m;
  for (let d = found; d >= 0; d--) {
    const round = rounds[d]!;
    const at = (k: number): number => round[k + d + 1]!;
    const k = px - py;
    if (d === 0) {
      while (px > 0 && py > 0) reversed.push({ kind: 'same', a: --px, b: --py });
      break;
    }
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    // The snake after the edit, then the edit itself.
    while (px > prevX + (prevK === k - 1 ? 1 : 0) && py > prevY + (prevK === k + 1 ? 1 : 0)) reversed.push({ kind: 'same', a: --px, b: --py });
    if (prevK === k + 1) reversed.push({ kind: 'insert', b: --py });
    else reversed.push({ kind: 'delete', a: --px });
  }
  return reversed.reverse();
}

/** An edit as a reviewer reads it; `a` and `b` index the two sequences. */
export interface LineEdit {
  kind: 'same' | 'moved' | 'changed' | 'inserted' | 'deleted';
  a?: number;
  b?: number;
}

/**
 * The edit script with deletions and insertions paired up: first every deleted item whose key is
 * inserted somewhere in `b` (MOVED, paired in order of appearance), then, within each hunk, the
 * remaining deletions with the remaining insertions in order (CHANGED). Edits come hunk by hunk, each
 * hunk's deletions before its insertions; a moved item appears once, where it was deleted. With `moves: false` no item is paired
 * across hunks, so both sides stay in order (a side-by-side trace).
 */
export function classifyEdits<T>(a: readonly T[], b: readonly T[], key: (item: T) => string = String, options: { moves?: boolean } = {}): LineEdit[] {
  const ops = editScript(a, b, key);
  const insertedByKey = new Map<string, number[]>();
  if (options.moves !== false) for (const op of ops) if (op.kind === 'insert') push(insertedByKey, key(b[op.b]!), op.b);
  const movedTo = new Map<number, number>(); // a index -> b index
  const movedFrom = new Set<number>(); // b indices taken by a move
  for (const op of ops) {
    if (op.kind !== 'delete') continue;
    const targets = insertedByKey.get(key(a[op.a]!));
    const target = targets?.shift();
    if (target !== undefined) movedTo.set(op.a, target), movedFrom.add(target);
  }
  const edits: LineEdit[] = [];
  let i = 0;
  while (i < ops.length) {
    const op = ops[i]!;
    if (op.kind === 'same') {
      edits.push({ kind: 'same', a: op.a, b: op.b });
      i++;
      continue;
    }
    // A hunk: the run of edits up to the next kept item.
    const deletes: number[] = [];
    const inserts: number[] = [];
    const order: EditOp[] = [];
    for (; i < ops.length && ops[i]!.kind !== 'same'; i++) order.push(ops[i]!);
    for (const e of order) {
      if (e.kind === 'delete' && !movedTo.has(e.a)) deletes.push(e.a);
      if (e.kind === 'insert' && !movedFrom.has(e.b)) inserts.push(e.b);
    }
    const changedWith = new Map<number, number>();
    deletes.forEach((d, j) => j < inserts.length && changedWith.set(d, inserts[j]!));
    const pairedInserts = new Set(changedWith.values());
    // The hunk's deletions first, then its unpaired insertions: each side stays in order.
    for (const e of order) {
      if (e.kind !== 'delete') continue;
      const to = movedTo.get(e.a);
      if (to !== undefined) edits.push({ kind: 'moved', a: e.a, b: to });
      else if (changedWith.has(e.a)) edits.push({ kind: 'changed', a: e.a, b: changedWith.get(e.a)! });
      else edits.push({ kind: 'deleted', a: e.a });
    }
    for (const e of order) if (e.kind === 'insert' && !movedFrom.has(e.b) && !pairedInserts.has(e.b)) edits.push({ kind: 'inserted', b: e.b });
  }
  return edits;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list === undefined) map.set(k, [v]);
  else list.push(v);
}
