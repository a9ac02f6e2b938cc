import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMatrix } from '@/lib/proctor/build-matrix';
import { MAX_DEFINITION_DEPTH, findTooDeep } from '@/lib/proctor/json-depth';
import type { JsonValue } from '@/lib/proctor/model';
import { parseDefinition, parseDefinitionStrict, parseMatrix, readDefinition } from '@/lib/proctor/parse-definition';
import { serializeDefinition, serializeMatrix } from '@/lib/proctor/serialize-definition';
import { validateDefinition } from '@/lib/proctor/validate-definition';
import { caught } from '../support/caught';

/**
 * One nesting limit for test definitions (lib/proctor/json-depth.ts), the same in every reader: the object of an API
 * body, the definition.json text (strict and lenient) and the JSON.parse fast path. Before it, the object form took any
 * depth (a 600-deep constant was saved) while the text reader stopped at 500, so the saved file could not be read back;
 * at 1,100 the writer threw a plain Error (a 500).
 */

const LIMIT = MAX_DEFINITION_DEPTH;
const TEXT = readFileSync(path.join(__dirname, '../../proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8');

/** `arrays` nested arrays around 1, built without recursion (JSON.stringify would overflow on the deep ones). */
function nested(arrays: number): JsonValue {
  let value: JsonValue = 1;
  for (let i = 0; i < arrays; i++) value = [value];
  return value;
}
const nestedText = (arrays: number) => '['.repeat(arrays) + '1' + ']'.repeat(arrays);

/** Where a deep value goes, the level of its outermost array (the definition's object is level 1) and its pointer. */
const PLACES = [
  { place: 'constants', level: 3, pointer: '/constants/deep', put: (d: Record<string, unknown>, v: unknown) => void (d.constants = { deep: v }) },
  { place: 'specialConstants', level: 3, pointer: '/specialConstants/deep', put: (d: Record<string, unknown>, v: unknown) => void (d.specialConstants = { deep: v }) },
  { place: 'payload map', level: 6, pointer: '/buckets/0/payload/map/deep', put: (d: Record<string, unknown>, v: unknown) => void ((d.buckets as Record<string, unknown>[])[0].payload = { map: { deep: v } }) },
  { place: 'payload json', level: 5, pointer: '/buckets/0/payload/json', put: (d: Record<string, unknown>, v: unknown) => void ((d.buckets as Record<string, unknown>[])[0].payload = { json: v }) },
];

const MARK = '"__deep__"';
function withValue(place: (typeof PLACES)[number], value: unknown): Record<string, unknown> {
  const definition = JSON.parse(TEXT) as Record<string, unknown>;
  place.put(definition, value);
  return definition;
}
/** The definition.json text with `arrays` nested arrays at the place (spliced in as text). */
function textWith(place: (typeof PLACES)[number], arrays: number, options: { comment?: boolean } = {}): string {
  const text = JSON.stringify(withValue(place, '__deep__'), null, 2).replace(MARK, nestedText(arrays));
  return options.comment ? `// a comment sends it past the JSON.parse fast path\n${text}` : text;
}

/** Arrays at the place that reach exactly `level` of the definition. */
const arraysReaching = (place: (typeof PLACES)[number], level: number) => level - place.level + 1;

const READERS = [
  { reader: 'readDefinition (API body object)', read: (place: (typeof PLACES)[number], arrays: number) => readDefinition(withValue(place, nested(arrays)) as JsonValue, { strict: true }) },
  { reader: 'parseDefinitionStrict (API body text)', read: (place: (typeof PLACES)[number], arrays: number) => parseDefinitionStrict(textWith(place, arrays)) },
  { reader: 'parseDefinition (git, fast path)', read: (place: (typeof PLACES)[number], arrays: number) => parseDefinition(textWith(place, arrays)) },
  { reader: 'parseDefinition (git, scanner)', read: (place: (typeof PLACES)[number], arrays: number) => parseDefinition(textWith(place, arrays, { comment: true })) },
];

describe(`test definitions nest at most ${LIMIT} levels`, () => {
  describe.each(READERS)('$reader', ({ read }) => {
    it.each(PLACES)('reads $place up to the limit', (place) => {
      const definition = read(place, arraysReaching(place, LIMIT));
      expect(definition.salt).toBe('&checkout_button_color');
    });

    it.each(PLACES)('refuses $place one level deeper, naming the limit and the place', async (place) => {
      const error = await caught(() => read(place, arraysReaching(place, LIMIT + 1)));
      expect(error.code).toBe('VALIDATION_FAILED');
      const pointer = place.pointer + '/0'.repeat(LIMIT + 1 - place.level);
      expect(error.message).toContain(`Invalid test definition at ${pointer}`);
      expect(error.message).toContain(`Nesting is deeper than ${LIMIT} levels: flatten the structure`);
      expect(error.details).toEqual([{ path: pointer, message: expect.stringContaining(`deeper than ${LIMIT} levels`) }]);
    });

    it.each([600, 1_100, 100_000])('refuses %i levels in constants without overflowing the stack', async (arrays) => {
      const error = await caught(() => read(PLACES[0], arrays));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details[0].path).toBe('/constants/deep' + '/0'.repeat(LIMIT - 2));
    });
  });

  it('a definition at the limit is valid, round-trips through the byte format and builds into a matrix', () => {
    const place = PLACES[0];
    const saved = readDefinition(withValue(place, nested(arraysReaching(place, LIMIT))) as JsonValue, { strict: true });
    expect(validateDefinition('deep_test', saved).filter((issue) => issue.severity === 'error')).toEqual([]);
    const text = serializeDefinition(saved);
    const read = parseDefinition(text);
    expect(read).toEqual(saved);
    expect(serializeDefinition(read)).toBe(text);
    const matrix = buildMatrix({ deep_test: read }, { version: 'abc', updated: 0, updatedBy: 'me' });
    expect(parseMatrix(serializeMatrix(matrix)).tests.deep_test.constants).toEqual(saved.constants);
  });
});

describe('findTooDeep', () => {
  it('finds the first container past the limit by pointer, or null', () => {
    expect(findTooDeep({ a: [1, { b: [] }] }, 4)).toBeNull();
    expect(findTooDeep({ a: [1, { b: [] }] }, 3)).toBe('/a/1/b');
    expect(findTooDeep({ a: [1, { b: [] }] }, 2)).toBe('/a/1');
    expect(findTooDeep({ 'x/y': { '~': {} } }, 2)).toBe('/x~1y/~0');
    expect(findTooDeep([[], [[[]]]], 3)).toBe('/1/0/0');
    expect(findTooDeep('scalar', 0)).toBeNull();
    expect(findTooDeep(nested(1_000_000), LIMIT)).toBe('/0'.repeat(LIMIT));
  });
});
