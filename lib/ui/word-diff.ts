/**
 * Word-level difference of two texts (a test's or a bucket's description), for change summaries: which words were
 * removed and which added, with long unchanged stretches shortened AROUND the changes, so a long description never
 * hides its difference behind a truncation. Pure (runs in the browser).
 */

export type WordDiffPart = { kind: 'same' | 'removed' | 'added'; text: string };

/** Words and the whitespace between them, each a token, so joining the parts gives back the text exactly. */
function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** Beyond this many cells the middle is shown as one removal and one addition (still exact, just less fine). */
const MAX_CELLS = 250_000;

function push(parts: WordDiffPart[], kind: WordDiffPart['kind'], text: string): void {
  if (!text) return;
  const last = parts[parts.length - 1];
  if (last && last.kind === kind) last.text += text;
  else parts.push({ kind, text });
}

/** The parts of `before` and `after` in reading order: same, removed (only in before) and added (only in after). */
export function diffWords(before: string, after: string): WordDiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: WordDiffPart[] = [];
  push(parts, 'same', a.slice(0, start).join(''));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length > MAX_CELLS) {
    push(parts, 'removed', midA.join(''));
    push(parts, 'added', midB.join(''));
  } else {
    // Longest common subsequence of the middle words, then walk it.
    const n = midA.length;
    const m = midB.length;
    const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i][j] = midA[i] === midB[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        push(parts, 'same', midA[i++]);
        j++;
      } else if (i < n && (j === m || table[i + 1][j] >= table[i][j + 1])) {
        push(parts, 'removed', midA[i++]); // removals read before additions
      } else {
        push(parts, 'added', midB[j++]);
      }
    }
  }
  push(parts, 'same', a.slice(endA).join(''));
  return parts;
}

/**
 * Shortens unchanged stretches to `context` words on each side of a change ("…" marks what was left out); the changed
 * words themselves are never shortened.
 */
export function condenseWordDiff(parts: WordDiffPart[], context = 8): WordDiffPart[] {
  return parts.map((part, index) => {
    if (part.kind !== 'same') return part;
    const words = tokens(part.text);
    const span = context * 2; // a word and the space after it
    const changeBefore = index > 0;
    const changeAfter = index < parts.length - 1;
    const keep = (changeBefore ? span : 0) + (changeAfter ? span : 0);
    if (words.length <= keep + 2) return part;
    const head = changeBefore ? words.slice(0, span).join('') : '';
    const tail = changeAfter ? words.slice(words.length - span).join('') : '';
    const text = changeBefore && changeAfter ? `${head.trimEnd()} … ${tail.trimStart()}` : changeBefore ? `${head.trimEnd()} …` : `… ${tail.trimStart()}`;
    return { kind: 'same', text };
  });
}
