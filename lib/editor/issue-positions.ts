/**
 * Where a validation issue (JSON pointer) sits in the editor's text, for underlining it in the JSON view. An issue on a
 * path the text does not contain falls back to its nearest existing parent.
 */
import { parseJson } from '../proctor';

export interface TextRange {
  from: number;
  to: number;
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
