import { describe, expect, it } from 'vitest';
import data from '../fixtures/allocation/allocation-only.json';
import {
  assignNewAllocationIds,
  generateAllocationId,
  getOutdatedAllocations,
  maxAllocationId,
  parseAllocationId,
  updateAllocationIds,
} from '../../lib/proctor/allocation-ids';
import { explainAllocationOnlyChange, isAllocationOnlyChange } from '../../lib/proctor/is-allocation-only-change';
import { DoubleValue, type Allocation, type TestDefinition } from '../../lib/proctor/model';

function revive(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('DOUBLE:')) return new DoubleValue(Number(value.slice(7)));
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  return value;
}

describe('isAllocationOnlyChange', () => {
  const base = data.base as unknown as TestDefinition;
  for (const c of data.cases) {
    it(c.name, () => {
      const after = { ...structuredClone(base), ...(revive(c.after) as object) } as TestDefinition;
      expect(isAllocationOnlyChange(base, after)).toBe(c.expected);
      expect(explainAllocationOnlyChange(base, after)).toBe(c.reason ?? null);
    });
  }
});

// AllocationIdUtil tests (TestAllocationIdUtil) transcribed.
const alloc = (rule: string | null, id: string, ranges: [number, number][] = [[0, 0.5], [1, 0.5]]): Allocation => ({
  rule,
  id,
  name: '',
  ranges: ranges.map(([bucketValue, length]) => ({ bucketValue, length })),
});
const sample = (): TestDefinition =>
  ({ salt: 'salt', rule: null, allocations: [alloc("${country='us'}", '#A1'), alloc("${country='jp'}", '#B1')] }) as unknown as TestDefinition;

describe('allocation ids', () => {
  it('generateAllocationId', () => {
    expect(generateAllocationId(0, 1)).toBe('#A1');
    expect(generateAllocationId(25, 2)).toBe('#Z2');
    expect(generateAllocationId(26, 1)).toBe('#BA1');
    expect(generateAllocationId(27, 3)).toBe('#BB3');
    expect(generateAllocationId(676, 1)).toBe('#BAA1');
  });
  it('parseAllocationId round-trips', () => {
    for (const i of [0, 1, 25, 26, 51, 675, 676, 17575, 17576]) expect(parseAllocationId(generateAllocationId(i, 7))).toMatchObject({ index: i, version: 7 });
    expect(parseAllocationId('#a1')).toBeNull();
    expect(parseAllocationId('')).toBeNull();
  });
  it('getOutdatedAllocations: nothing changed', () => {
    expect(getOutdatedAllocations(sample(), sample())).toEqual([]);
  });
  it('getOutdatedAllocations: test rule or salt change outdates all', () => {
    expect(getOutdatedAllocations(sample(), { ...sample(), rule: '${lang=en}' })).toEqual([0, 1]);
    expect(getOutdatedAllocations(sample(), { ...sample(), salt: 'newSalt' })).toEqual([0, 1]);
  });
  it('getOutdatedAllocations: an allocation rule change outdates it and all after it', () => {
    const cur = sample();
    cur.allocations[0].rule = 'newRule';
    expect(getOutdatedAllocations(sample(), cur)).toEqual([0, 1]);
    const cur2 = sample();
    cur2.allocations[1].rule = 'newRule';
    expect(getOutdatedAllocations(sample(), cur2)).toEqual([1]);
  });
  it('getOutdatedAllocations: added allocation at the front', () => {
    const cur = sample();
    cur.allocations.unshift(alloc("${country='ca'}", ''));
    expect(getOutdatedAllocations(sample(), cur)).toEqual([1, 2]);
  });
  it('getOutdatedAllocations: uneven ratio change before the first segmentation change', () => {
    const cur = sample();
    cur.allocations[0] = alloc("${country='us'}", '#A1', [[-1, 0.5], [0, 0.1], [1, 0.4]]);
    expect(getOutdatedAllocations(sample(), cur)).toEqual([0]);
    const even = sample();
    even.allocations[0] = alloc("${country='us'}", '#A1', [[-1, 0.5], [0, 0.25], [1, 0.25]]);
    expect(getOutdatedAllocations(sample(), even)).toEqual([]);
  });
  it('updateAllocationIds bumps versions and gives new allocations letters after the max ever used', () => {
    const cur = sample();
    cur.allocations[1].rule = 'changed';
    cur.allocations.push(alloc(null, ''));
    expect(updateAllocationIds(sample(), cur).allocations.map((a) => a.id)).toEqual(['#A1', '#B2', '#C1']);
    expect(updateAllocationIds(sample(), cur, '#E4').allocations.map((a) => a.id)).toEqual(['#A1', '#B2', '#F1']);
  });
  it('maxAllocationId compares letters only', () => {
    expect(maxAllocationId([sample(), { allocations: [alloc(null, '#Z1'), alloc(null, '#BA1'), alloc(null, '#C9')] } as unknown as TestDefinition])).toBe('#BA1');
  });
  it('assignNewAllocationIds numbers by position', () => {
    expect(assignNewAllocationIds(sample()).allocations.map((a) => a.id)).toEqual(['#A1', '#B1']);
  });
});
