import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allocationDriftIssues, rangesBefore } from '../../lib/editor/allocation-drift-issues';
import * as edits from '../../lib/editor/definition-edits';
import { parseEditorText } from '../../lib/editor/editor-document';
import { parseBucketValue } from '../../lib/editor/form-values';
import { NEW_TEST_TEMPLATES } from '../../lib/editor/new-test-templates';
import { followRowKeys } from '../../lib/editor/row-keys';
import { validateDefinition, type TestDefinition } from '../../lib/proctor';

function searchRankingAlgo(): TestDefinition {
  const parsed = parseEditorText(readFileSync('proctor-data/test-definitions/search_ranking_algo/definition.json', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.definition;
}

/** What the bucket value field does per keystroke: parse the text, commit only what parses. */
function typeBucketValue(def: TestDefinition, index: number, keystrokes: string[]): { def: TestDefinition; errors: (string | null)[] } {
  const errors: (string | null)[] = [];
  for (const text of keystrokes) {
    const parsed = parseBucketValue(def.buckets, index, text);
    errors.push(parsed.ok ? null : parsed.message);
    if (parsed.ok) def = edits.setBucket(def, index, { ...def.buckets[index], value: parsed.value });
  }
  return { def, errors };
}

const layout = (def: TestDefinition) => def.allocations.map((a) => a.ranges.map((r) => `${r.bucketValue}:${r.length}`).join(' '));

describe('retyping a bucket value (issue #17, defect 1)', () => {
  it('control 0 → "" → "1" → "10": the ranges follow control to 10, learned_weights keeps its own', () => {
    const start = searchRankingAlgo();
    const { def, errors } = typeBucketValue(start, 1, ['', '1', '10']);
    expect(errors[0]).toMatch(/whole number/);
    expect(errors[1]).toBe('Bucket learned_weights already has value 1; each bucket needs its own value.');
    expect(errors[2]).toBeNull();
    expect(def.buckets.map((b) => b.value)).toEqual([-1, 10, 1]);
    expect(layout(def)).toEqual(['10:0.5 1:0.5', '-1:0.8 10:0.1 1:0.1']);
    expect(validateDefinition('search_ranking_algo', def).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('learned_weights 1 → "0" → "1" never collapses the ranges onto control', () => {
    const start = searchRankingAlgo();
    const { def, errors } = typeBucketValue(start, 2, ['', '0', '', '1']);
    expect(errors[1]).toBe('Bucket control already has value 0; each bucket needs its own value.');
    expect(layout(def)).toEqual(layout(start));
  });

  it('setBucket itself never merges: a value another bucket has leaves every range where it was', () => {
    const start = searchRankingAlgo();
    const def = edits.setBucket(start, 1, { ...start.buckets[1], value: 1 });
    expect(layout(def)).toEqual(layout(start));
  });
});

describe('followRowKeys', () => {
  let n = 0;
  const fresh = () => `k${n++}`;
  it('keeps a row key through an edit, a move, a removal and an addition', () => {
    const def = searchRankingAlgo();
    const keys = followRowKeys([], [], def.buckets, fresh);
    const edited = edits.setBucket(def, 1, { ...def.buckets[1], value: 10 });
    expect(followRowKeys(def.buckets, keys, edited.buckets, fresh)).toEqual(keys);
    const moved = edits.moveBucket(edited, 1, 2);
    expect(followRowKeys(edited.buckets, keys, moved.buckets, fresh)).toEqual([keys[0], keys[2], keys[1]]);
    const removed = edits.removeBucket(edited, 0);
    expect(followRowKeys(edited.buckets, keys, removed.buckets, fresh)).toEqual([keys[1], keys[2]]);
    const added = edits.addBucket(edited);
    const addedKeys = followRowKeys(edited.buckets, keys, added.buckets, fresh);
    expect(addedKeys.slice(0, 3)).toEqual(keys);
    expect(new Set(addedKeys).size).toBe(4);
  });
  it('a re-read of the JSON (all new objects) keeps the keys by position', () => {
    const def = searchRankingAlgo();
    const keys = followRowKeys([], [], def.buckets, fresh);
    expect(followRowKeys(def.buckets, keys, searchRankingAlgo().buckets, fresh)).toEqual(keys);
  });
});

describe('drift warnings counted as problems', () => {
  it('warns per allocation of a running test, in shares of that allocation', () => {
    const base = searchRankingAlgo();
    const def = edits.setAllocationRanges(base, 1, [
      { bucketValue: -1, length: 0.8 },
      { bucketValue: 1, length: 0.1 },
      { bucketValue: 0, length: 0.1 },
    ]);
    const issues = allocationDriftIssues(base, def, true, (f) => `${Math.round(f * 100)}%`);
    expect(issues).toEqual([
      { path: '/allocations/1/ranges', severity: 'warning', message: "This test is running: 20% of this allocation's users would switch between active buckets, which skews the results." },
    ]);
    expect(allocationDriftIssues(base, def, false, String)).toEqual([]);
    expect(rangesBefore(base, { ...def.allocations[1], id: '' }, 1)).toBe(base.allocations[1].ranges);
  });
});

describe('new test templates', () => {
  it.each(NEW_TEST_TEMPLATES.map((t) => [t.id, t] as const))('%s is a valid definition once described', (_id, template) => {
    const def = { ...template.make('my_new_test'), description: 'Described' };
    expect(def.salt).toBe('&my_new_test');
    expect(validateDefinition('my_new_test', def)).toEqual([]);
  });
  it('A/B with room to grow: control and test equal, at the two ends, inactive between', () => {
    const def = NEW_TEST_TEMPLATES.find((t) => t.id === 'ab-room-to-grow')!.make('x');
    expect(def.allocations[0].ranges.map((r) => r.bucketValue)).toEqual([0, -1, 1]);
    expect(def.allocations[0].ranges[0].length).toBe(def.allocations[0].ranges[2].length);
  });
});
