import { escapePointerToken } from './json';
import { DoubleValue } from './model';

/**
 * How deep a test definition may nest objects and arrays, counting the definition's own object as level 1 (a constant
 * `{"constants": {"a": [1]}}` reaches level 3). Every reader of a definition refuses deeper ones — the definition.json
 * text (parseDefinition, parseDefinitionStrict, the JSON.parse fast path) and the object in an API body
 * (readDefinition) — so whatever can be saved can be read back, listed, written in Proctor's format and built into a
 * matrix, and no recursive step after reading (serialising, diffing, interning, rule constants) meets a deeper value.
 *
 * Why 100: Proctor's Jackson 2.13 has no limit; Jackson 2.15 made 1000 the default. A definition's own fields reach
 * level 5 (a bucket's payload map); constants and payloads are hand-written configuration a few levels deep. 100 is
 * far beyond any real definition, and keeps a matrix (three levels more) well inside the JSON reader's default of 500
 * and the writer's 1000.
 */
export const MAX_DEFINITION_DEPTH = 100;

export const tooDeepMessage = (limit: number) => `Nesting is deeper than ${limit} levels: flatten the structure`;

function isContainer(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !(value instanceof DoubleValue);
}

/**
 * The JSON pointer of the first object or array nested deeper than `limit` (the value itself is level 1), or null.
 * Iterative, so a hostile value cannot overflow the stack; it stops at the first container past the limit.
 */
export function findTooDeep(value: unknown, limit: number): string | null {
  // Pointers are built only for the answer: each frame links to its parent.
  interface Frame {
    value: unknown;
    depth: number;
    key: string;
    parent: Frame | null;
  }
  const stack: Frame[] = [{ value, depth: 1, key: '', parent: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.value;
    if (node === null || typeof node !== 'object' || node instanceof DoubleValue) continue;
    if (frame.depth > limit) {
      let pointer = '';
      for (let f: Frame | null = frame; f && f.parent; f = f.parent) pointer = '/' + escapePointerToken(f.key) + pointer;
      return pointer;
    }
    const depth = frame.depth + 1;
    // Only containers are pushed (scalars cannot be too deep); reverse order so the first deep value is found first.
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) if (isContainer(node[i])) stack.push({ value: node[i], depth, key: String(i), parent: frame });
    } else {
      const record = node as Record<string, unknown>;
      const keys = Object.keys(record);
      for (let i = keys.length - 1; i >= 0; i--) if (isContainer(record[keys[i]])) stack.push({ value: record[keys[i]], depth, key: keys[i], parent: frame });
    }
  }
  return null;
}
