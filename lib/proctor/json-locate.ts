/**
 * Positions in JSON text, the one home for them: offset ↔ line and column (1-based, as the JSON reader's errors and
 * the API's 400s give them), and where the value at a JSON pointer sits (for underlining a validation issue in the
 * editor's JSON view). An issue on a path the text does not contain falls back to its nearest existing parent.
 */
import { parseJson } from './json';

export { locate } from './json';

export interface TextRange {
  from: number;
  to: number;
}

/** The 0-based offset of a 1-based line and column (clamped to the text). */
export function offsetAt(text: string, line: number, column: number): number {
  let current = 1;
  let i = 0;
  while (current < line && i < text.length) {
    const next = text.indexOf('\n', i);
    if (next < 0) return text.length;
    i = next + 1;
    current++;
  }
  return Math.min(text.length, i + column - 1);
}

/** Offsets of every value by JSON pointer, or null when the text does not parse. */
export function valuePositions(text: string): Map<string, number> | null {
  try {
    return parseJson(text, { trackPositions: true }).positions;
  } catch {
    return null;
  }
}

/** The span of the value at `path` (its first line, at most), or of the nearest parent that exists. */
export function rangeOfPath(text: string, positions: Map<string, number>, path: string): TextRange {
  let p = path;
  for (;;) {
    const from = positions.get(p);
    if (from !== undefined) {
      const lineEnd = text.indexOf('\n', from);
      const end = lineEnd < 0 ? text.length : lineEnd;
      return { from, to: Math.max(from + 1, Math.min(end, text.length)) };
    }
    if (p === '') return { from: 0, to: Math.min(1, text.length) };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
