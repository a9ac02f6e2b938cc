/**
 * Line-based text diff: Myers' O(ND) algorithm with the linear-space "middle snake" refinement, so two 5,000-line
 * definitions diff in milliseconds and memory stays O(N). Output is a standard unified diff that `git apply` and
 * `patch` accept, or a line list for side-by-side views. Pure TypeScript (runs in the browser).
 */

export interface DiffLine {
  kind: 'equal' | 'add' | 'remove';
  text: string;
  /** 1-based line number in the old text (equal and remove lines). */
  aLine?: number;
  /** 1-based line number in the new text (equal and add lines). */
  bLine?: number;
}

export interface UnifiedDiffOptions {
  aLabel?: string;
  bLabel?: string;
  /** Lines of unchanged context around each change (default 3). */
  context?: number;
}

interface SplitText {
  lines: string[];
  /** True when the text is non-empty and its last line has no terminating "\n". */
  missingFinalNewline: boolean;
}

function splitLines(text: string): SplitText {
  if (text === '') return { lines: [], missingFinalNewline: false };
  const lines = text.split('\n');
  const missingFinalNewline = lines[lines.length - 1] !== '';
  if (!missingFinalNewline) lines.pop();
  return { lines, missingFinalNewline };
}

/**
 * Maps each line to a small integer so the inner loops compare numbers. The last line of a text without a final
 * newline gets its own id: "x" and "x\n" are different lines, as in git.
 */
function toIds(a: SplitText, b: SplitText): [Int32Array, Int32Array] {
  const table = new Map<string, number>();
  const encode = (s: SplitText): Int32Array => {
    const ids = new Int32Array(s.lines.length);
    for (let i = 0; i < s.lines.length; i++) {
      const key = s.missingFinalNewline && i === s.lines.length - 1 ? s.lines[i] + '\n\\' : s.lines[i];
      let id = table.get(key);
      if (id === undefined) {
        id = table.size;
        table.set(key, id);
      }
      ids[i] = id;
    }
    return ids;
  };
  return [encode(a), encode(b)];
}

/** Edit script as a flat list: for each a-index, whether it was removed; for each b-index, whether it was added. */
interface Marks {
  removed: Uint8Array;
  added: Uint8Array;
}

/**
 * Finds the middle snake of a[aLo,aHi) vs b[bLo,bHi) (Myers 1986, §4b). Returns the snake's start and end points
 * in absolute coordinates. Both ranges are non-empty and share no common prefix/suffix when called.
 */
function middleSnake(
  a: Int32Array,
  aLo: number,
  aHi: number,
  b: Int32Array,
  bLo: number,
  bHi: number,
  vf: Int32Array,
  vb: Int32Array,
): [number, number, number, number] {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const delta = n - m;
  const odd = (delta & 1) !== 0;
  const max = Math.ceil((n + m) / 2);
  const off = max + 1;
  vf[off + 1] = 0;
  vb[off + 1] = 0;
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && vf[off + k - 1] < vf[off + k + 1]) ? vf[off + k + 1] : vf[off + k - 1] + 1;
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      vf[off + k] = x;
      const kb = delta - k;
      if (odd && kb >= -(d - 1) && kb <= d - 1 && x + vb[off + kb] >= n) {
        return [aLo + x0, bLo + y0, aLo + x, bLo + y];
      }
    }
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && vb[off + k - 1] < vb[off + k + 1]) ? vb[off + k + 1] : vb[off + k - 1] + 1;
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) {
        x++;
        y++;
      }
      vb[off + k] = x;
      const kf = delta - k;
      if (!odd && kf >= -d && kf <= d && x + vf[off + kf] >= n) {
        return [aHi - x, bHi - y, aHi - x0, bHi - y0];
      }
    }
  }
  // Unreachable: a path of length n + m always exists.
  throw new Error('middleSnake: no overlap found');
}

function compare(
  a: Int32Array,
  aLo: number,
  aHi: number,
  b: Int32Array,
  bLo: number,
  bHi: number,
  marks: Marks,
  vf: Int32Array,
  vb: Int32Array,
): void {
  // Explicit stack instead of recursion: deep inputs cannot overflow the call stack.
  const stack: number[] = [aLo, aHi, bLo, bHi];
  while (stack.length > 0) {
    let hiB = stack.pop() as number;
    let loB = stack.pop() as number;
    let hiA = stack.pop() as number;
    let loA = stack.pop() as number;
    while (loA < hiA && loB < hiB && a[loA] === b[loB]) {
      loA++;
      loB++;
    }
    while (loA < hiA && loB < hiB && a[hiA - 1] === b[hiB - 1]) {
      hiA--;
      hiB--;
    }
    if (loA === hiA) {
      for (let j = loB; j < hiB; j++) marks.added[j] = 1;
      continue;
    }
    if (loB === hiB) {
      for (let i = loA; i < hiA; i++) marks.removed[i] = 1;
      continue;
    }
    const [x, y, u, v] = middleSnake(a, loA, hiA, b, loB, hiB, vf, vb);
    // Push the second half first so the first half is processed first (order does not matter for marks).
    stack.push(u, hiA, v, hiB);
    stack.push(loA, x, loB, y);
  }
}

function diffSplit(a: SplitText, b: SplitText): Marks {
  const [ia, ib] = toIds(a, b);
  const size = ia.length + ib.length + 3;
  const vf = new Int32Array(size + 2);
  const vb = new Int32Array(size + 2);
  const marks: Marks = { removed: new Uint8Array(ia.length), added: new Uint8Array(ib.length) };
  compare(ia, 0, ia.length, ib, 0, ib.length, marks, vf, vb);
  return marks;
}

/** Walks both sides in step: within one change, removals come before additions (as in git's output). */
function toDiffLines(a: SplitText, b: SplitText, marks: Marks): DiffLine[] {
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.lines.length || j < b.lines.length) {
    if (i < a.lines.length && marks.removed[i]) {
      out.push({ kind: 'remove', text: a.lines[i], aLine: i + 1 });
      i++;
    } else if (j < b.lines.length && marks.added[j]) {
      out.push({ kind: 'add', text: b.lines[j], bLine: j + 1 });
      j++;
    } else {
      out.push({ kind: 'equal', text: a.lines[i], aLine: i + 1, bLine: j + 1 });
      i++;
      j++;
    }
  }
  return out;
}

/** The full line-by-line comparison of two texts (every line, changed or not), for side-by-side views. */
export function diffLines(aText: string, bText: string): DiffLine[] {
  const a = splitLines(aText);
  const b = splitLines(bText);
  return toDiffLines(a, b, diffSplit(a, b));
}

function hunkRange(start: number, count: number): string {
  // Unified format: an empty range names the line before it; a count of 1 is left out.
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

/**
 * A unified diff of two texts (`--- a` / `+++ b` / `@@ -l,n +l,n @@`), "" when they are equal. A last line without a
 * newline is followed by `\ No newline at end of file`, so `git apply` / `patch` reproduce bText byte for byte.
 */
export function unifiedDiff(aText: string, bText: string, options: UnifiedDiffOptions = {}): string {
  if (aText === bText) return '';
  const context = Math.max(0, options.context ?? 3);
  const a = splitLines(aText);
  const b = splitLines(bText);
  const lines = toDiffLines(a, b, diffSplit(a, b));

  const out: string[] = [`--- ${options.aLabel ?? 'a'}`, `+++ ${options.bLabel ?? 'b'}`];
  const noNewlineAfter = (line: DiffLine): boolean =>
    (line.kind !== 'add' && a.missingFinalNewline && line.aLine === a.lines.length) ||
    (line.kind !== 'remove' && b.missingFinalNewline && line.bLine === b.lines.length);

  let idx = 0;
  while (idx < lines.length) {
    // Find the next change.
    while (idx < lines.length && lines[idx].kind === 'equal') idx++;
    if (idx >= lines.length) break;
    const start = Math.max(0, idx - context);
    // Extend over changes separated by at most 2 * context equal lines.
    let end = idx;
    for (;;) {
      while (end < lines.length && lines[end].kind !== 'equal') end++;
      let gap = end;
      while (gap < lines.length && lines[gap].kind === 'equal') gap++;
      if (gap < lines.length && gap - end <= 2 * context) {
        end = gap;
        continue;
      }
      end = Math.min(lines.length, end + context);
      break;
    }
    const hunk = lines.slice(start, end);
    let aStart = 0;
    let bStart = 0;
    let aCount = 0;
    let bCount = 0;
    for (const line of hunk) {
      if (line.kind !== 'add') {
        if (aCount === 0) aStart = line.aLine as number;
        aCount++;
      }
      if (line.kind !== 'remove') {
        if (bCount === 0) bStart = line.bLine as number;
        bCount++;
      }
    }
    // An empty side starts after the last line before the hunk on that side.
    if (aCount === 0) aStart = precedingLine(lines, start, 'aLine') + 1;
    if (bCount === 0) bStart = precedingLine(lines, start, 'bLine') + 1;
    out.push(`@@ -${hunkRange(aStart, aCount)} +${hunkRange(bStart, bCount)} @@`);
    for (const line of hunk) {
      const prefix = line.kind === 'equal' ? ' ' : line.kind === 'add' ? '+' : '-';
      out.push(prefix + line.text);
      if (noNewlineAfter(line)) out.push('\\ No newline at end of file');
    }
    idx = end;
  }
  return out.join('\n') + '\n';
}

function precedingLine(lines: DiffLine[], index: number, side: 'aLine' | 'bLine'): number {
  for (let i = index - 1; i >= 0; i--) {
    const n = lines[i][side];
    if (n !== undefined) return n;
  }
  return 0;
}
