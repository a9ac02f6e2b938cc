/**
 * Immutable edits the form makes to a definition (add/split/remove/reorder ranges, buckets, constants …). Each returns
 * a new definition and leaves the input untouched, so React state and the three-way re-apply can compare versions.
 */
import type { Allocation, JsonValue, Range, TestBucket, TestDefinition } from '../proctor';

const INACTIVE = -1;

function withAllocation(def: TestDefinition, index: number, change: (a: Allocation) => Allocation): TestDefinition {
  return { ...def, allocations: def.allocations.map((a, i) => (i === index ? change(a) : a)) };
}

function withRanges(def: TestDefinition, index: number, change: (ranges: Range[]) => Range[]): TestDefinition {
  return withAllocation(def, index, (a) => ({ ...a, ranges: change(a.ranges) }));
}

export function setField<K extends keyof TestDefinition>(def: TestDefinition, key: K, value: TestDefinition[K]): TestDefinition {
  return { ...def, [key]: value };
}

/** Renames or revalues a constant keeping its position (constants keep file order). */
export function setConstant(def: TestDefinition, oldKey: string | null, newKey: string, value: JsonValue, field: 'constants' | 'specialConstants' = 'constants'): TestDefinition {
  const out: Record<string, JsonValue> = {};
  let placed = false;
  for (const [k, v] of Object.entries(def[field])) {
    if (k === oldKey) {
      out[newKey] = value;
      placed = true;
    } else if (k !== newKey) out[k] = v;
  }
  if (!placed) out[newKey] = value;
  return { ...def, [field]: out };
}

export function removeConstant(def: TestDefinition, key: string, field: 'constants' | 'specialConstants' = 'constants'): TestDefinition {
  const out = { ...def[field] };
  delete out[key];
  return { ...def, [field]: out };
}

/** A constant name not used yet (`newConstant`, `newConstant2` …). */
export function freshConstantName(def: TestDefinition): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? 'newConstant' : `newConstant${i}`;
    if (!(name in def.constants)) return name;
  }
}

/** `__COUNTRIES` as a list; null = not restricted by country. */
export function setCountries(def: TestDefinition, countries: string[] | null): TestDefinition {
  if (countries === null) return removeConstant(def, '__COUNTRIES', 'specialConstants');
  return setConstant(def, '__COUNTRIES', '__COUNTRIES', countries, 'specialConstants');
}

export function addBucket(def: TestDefinition): TestDefinition {
  const used = new Set(def.buckets.map((b) => b.value));
  let value = 0;
  while (used.has(value)) value++;
  const bucket: TestBucket = { name: value === 0 ? 'control' : `test${value}`, value, description: '' };
  const names = new Set(def.buckets.map((b) => b.name));
  if (names.has(bucket.name)) bucket.name = `bucket${value}`;
  return { ...def, buckets: [...def.buckets, bucket] };
}

/** The other bucket that already has `value`, if any: two buckets with one value would merge their users. */
export function bucketWithValue(buckets: readonly TestBucket[], value: number, except: number): TestBucket | null {
  return buckets.find((b, i) => i !== except && b.value === value) ?? null;
}

/**
 * Replaces bucket `index`. A new value takes the ranges that pointed at the bucket along (they follow the bucket,
 * not the number), unless another bucket shares the old value (whose ranges are those?) or already has the new value
 * (that would merge two buckets' users): the form refuses such a value at the field before it gets here.
 */
export function setBucket(def: TestDefinition, index: number, bucket: TestBucket): TestDefinition {
  const before = def.buckets[index];
  const next = { ...def, buckets: def.buckets.map((b, i) => (i === index ? bucket : b)) };
  const renumbered = before && before.value !== bucket.value;
  if (renumbered && !bucketWithValue(def.buckets, before.value, index) && !bucketWithValue(def.buckets, bucket.value, index)) {
    next.allocations = next.allocations.map((a) => ({ ...a, ranges: a.ranges.map((r) => (r.bucketValue === before.value ? { ...r, bucketValue: bucket.value } : r)) }));
  }
  return next;
}

export function removeBucket(def: TestDefinition, index: number): TestDefinition {
  return { ...def, buckets: def.buckets.filter((_, i) => i !== index) };
}

export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length || from === to) return [...items];
  const out = [...items];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item);
  return out;
}

export function moveBucket(def: TestDefinition, from: number, to: number): TestDefinition {
  return { ...def, buckets: moveItem(def.buckets, from, to) };
}

/** A new allocation before the last (the last is usually the "everyone else" one), all inactive. */
export function addAllocation(def: TestDefinition): TestDefinition {
  const allocation: Allocation = { rule: '', ranges: [{ bucketValue: INACTIVE, length: 1 }], id: '', name: '' };
  if (def.allocations.length === 0) return { ...def, allocations: [{ ...allocation, rule: null }] };
  const allocations = [...def.allocations];
  allocations.splice(allocations.length - 1, 0, allocation);
  return { ...def, allocations };
}

export function removeAllocation(def: TestDefinition, index: number): TestDefinition {
  return { ...def, allocations: def.allocations.filter((_, i) => i !== index) };
}

export function moveAllocation(def: TestDefinition, from: number, to: number): TestDefinition {
  return { ...def, allocations: moveItem(def.allocations, from, to) };
}

export function setAllocationRule(def: TestDefinition, index: number, rule: string | null): TestDefinition {
  return withAllocation(def, index, (a) => ({ ...a, rule }));
}

export function setAllocationName(def: TestDefinition, index: number, name: string): TestDefinition {
  return withAllocation(def, index, (a) => ({ ...a, name }));
}

export function setAllocationRanges(def: TestDefinition, index: number, ranges: Range[]): TestDefinition {
  return withRanges(def, index, () => ranges.map((r) => ({ ...r })));
}

export function setRange(def: TestDefinition, allocation: number, range: number, value: Partial<Range>): TestDefinition {
  return withRanges(def, allocation, (ranges) => ranges.map((r, i) => (i === range ? { ...r, ...value } : r)));
}

/** A zero-length range at the end (the user then gives it a share). */
export function addRange(def: TestDefinition, allocation: number): TestDefinition {
  const used = new Set(def.allocations[allocation]?.ranges.map((r) => r.bucketValue));
  const bucket = def.buckets.find((b) => !used.has(b.value)) ?? def.buckets[0];
  return withRanges(def, allocation, (ranges) => [...ranges, { bucketValue: bucket?.value ?? INACTIVE, length: 0 }]);
}

/** Splits a range into two halves of the same bucket (then one half can be given to another bucket). */
export function splitRange(def: TestDefinition, allocation: number, range: number): TestDefinition {
  return withRanges(def, allocation, (ranges) => {
    const r = ranges[range];
    if (!r) return ranges;
    const half = Math.round((r.length / 2) * 1e10) / 1e10;
    const out = [...ranges];
    out.splice(range, 1, { bucketValue: r.bucketValue, length: half }, { bucketValue: r.bucketValue, length: Math.round((r.length - half) * 1e10) / 1e10 });
    return out;
  });
}

export function removeRange(def: TestDefinition, allocation: number, range: number): TestDefinition {
  return withRanges(def, allocation, (ranges) => ranges.filter((_, i) => i !== range));
}

export function moveRange(def: TestDefinition, allocation: number, from: number, to: number): TestDefinition {
  return withRanges(def, allocation, (ranges) => moveItem(ranges, from, to));
}

/** Sum of an allocation's range lengths, as Proctor sums them (in order, as doubles). */
export function rangeSum(ranges: readonly Range[]): number {
  return ranges.reduce((s, r) => s + r.length, 0);
}
