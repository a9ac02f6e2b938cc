import { describe, expect, it } from 'vitest';
import { newTestDefinition } from '../../lib/editor/editor-document';
import { changedPaths, reapplyEdit, resolveConflicts, sameJson } from '../../lib/editor/reapply-edit';
import * as edits from '../../lib/editor/definition-edits';
import { DoubleValue, serializeDefinition, type TestDefinition } from '../../lib/proctor';

const base: TestDefinition = {
  ...newTestDefinition('t'),
  description: 'base',
  constants: { a: 1, b: new DoubleValue(2) },
  buckets: [
    { name: 'inactive', value: -1, description: '' },
    { name: 'control', value: 0, description: '' },
    { name: 'test', value: 1, description: '' },
  ],
  allocations: [
    { rule: "country == 'US'", ranges: [{ bucketValue: -1, length: 0.5 }, { bucketValue: 0, length: 0.25 }, { bucketValue: 1, length: 0.25 }], id: '#A1', name: '' },
    { rule: null, ranges: [{ bucketValue: -1, length: 1 }], id: '#B1', name: '' },
  ],
};

describe('three-way re-apply (their base → edit, onto current)', () => {
  it('carries non-overlapping changes over and keeps the other side', () => {
    const mine = edits.setRange(edits.setRange(base, 0, 0, { length: 0.4 }), 0, 1, { length: 0.35 });
    const theirs = { ...base, description: 'changed by someone else', constants: { ...base.constants, c: 'x' } };
    const result = reapplyEdit(base, mine, theirs);
    expect(result.conflicts).toEqual([]);
    expect(result.applied).toEqual(['/allocations/0/ranges/0/length', '/allocations/0/ranges/1/length']);
    expect(result.merged.description).toBe('changed by someone else');
    expect(result.merged.constants).toEqual({ a: 1, b: new DoubleValue(2), c: 'x' });
    expect(result.merged.allocations[0].ranges.map((r) => r.length)).toEqual([0.4, 0.35, 0.25]);
    expect(() => serializeDefinition(result.merged)).not.toThrow();
  });

  it('a path both changed differently is a conflict that keeps theirs until the user picks mine', () => {
    const mine = { ...base, description: 'mine', salt: '&mine' };
    const theirs = { ...base, description: 'theirs' };
    const result = reapplyEdit(base, mine, theirs);
    expect(result.conflicts).toEqual([{ path: '/description', base: 'base', mine: 'mine', theirs: 'theirs' }]);
    expect(result.merged.description).toBe('theirs');
    expect(result.merged.salt).toBe('&mine');
    expect(resolveConflicts(result, new Set(['/description'])).description).toBe('mine');
  });

  it('the same change on both sides is no conflict', () => {
    const mine = { ...base, description: 'same' };
    const result = reapplyEdit(base, mine, { ...base, description: 'same' });
    expect(result).toEqual({ merged: { ...base, description: 'same' }, applied: [], conflicts: [] });
  });

  it('an array whose length changed on one side is one change; an element edit under it conflicts', () => {
    const mine = edits.setBucket(base, 2, { name: 'test', value: 1, description: 'mine' });
    const theirs = edits.addBucket(base);
    expect(changedPaths(base, theirs)).toEqual(['/buckets']);
    const result = reapplyEdit(base, mine, theirs);
    expect(result.conflicts.map((c) => c.path)).toEqual(['/buckets/2/description']);
    expect(result.merged.buckets.length).toBe(4);
    expect(resolveConflicts(result, new Set(['/buckets/2/description'])).buckets[2].description).toBe('mine');
  });

  it('removing a constant is re-applied as a deletion', () => {
    const mine = edits.removeConstant(base, 'a');
    const result = reapplyEdit(base, mine, { ...base, description: 'other' });
    expect(Object.keys(result.merged.constants)).toEqual(['b']);
    expect(result.applied).toEqual(['/constants/a']);
  });

  it('compares doubles by kind: 1.0 is not 1', () => {
    expect(sameJson(new DoubleValue(1), 1)).toBe(false);
    expect(sameJson(new DoubleValue(1), new DoubleValue(1))).toBe(true);
    expect(sameJson({ a: undefined }, {})).toBe(true);
  });

  it('inputs are not mutated', () => {
    const snapshot = serializeDefinition(base);
    reapplyEdit(base, { ...base, description: 'x' }, edits.addAllocation(base));
    expect(serializeDefinition(base)).toBe(snapshot);
  });
});
