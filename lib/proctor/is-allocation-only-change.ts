/**
 * EditAndPromoteJob.isAllocationOnlyChange (FACTS §6.5): auto-promotion to production is allowed only when an edit
 * changes nothing but allocation lengths (and free text such as the description).
 */
import { BigIntegerValue, DoubleValue, type JsonValue, type Range, type TestDefinition } from './model';

const TOLERANCE = 1e-6;

/** Java equals on Jackson-read values: an Integer 1 and a Double 1.0 differ; map key order does not matter. */
export function javaJsonEquals(a: unknown, b: unknown): boolean {
  if (a instanceof DoubleValue || b instanceof DoubleValue) {
    return a instanceof DoubleValue && b instanceof DoubleValue ? a.value === b.value || (Number.isNaN(a.value) && Number.isNaN(b.value)) : false;
  }
  if (a instanceof BigIntegerValue || b instanceof BigIntegerValue) {
    return a instanceof BigIntegerValue && b instanceof BigIntegerValue && a.value === b.value;
  }
  if (typeof a === 'number' && typeof b === 'number') return Number.isInteger(a) === Number.isInteger(b) && a === b;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => javaJsonEquals(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && javaJsonEquals((a as Record<string, JsonValue>)[k], (b as Record<string, JsonValue>)[k]));
  }
  return a === b;
}

function totals(ranges: Range[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of ranges) m.set(r.bucketValue, (m.get(r.bucketValue) ?? 0) + r.length);
  return m;
}

/** The reason the edit is not allocation-only, or null when it is. */
export function explainAllocationOnlyChange(before: TestDefinition, after: TestDefinition): string | null {
  if ((before.rule ?? null) !== (after.rule ?? null)) return 'The test rule changed.';
  if (!javaJsonEquals(before.constants ?? {}, after.constants ?? {})) return 'The constants changed.';
  if (!javaJsonEquals(before.specialConstants ?? {}, after.specialConstants ?? {})) return 'The special constants changed.';
  if (before.testType !== after.testType) return 'The test type changed.';
  if (before.salt !== after.salt) return 'The salt changed.';
  const bb = before.buckets ?? [];
  const ab = after.buckets ?? [];
  if (bb.length !== ab.length || bb.some((b, i) => b.name !== ab[i].name)) return 'The buckets changed (names, order or count).';
  for (let i = 0; i < bb.length; i++) {
    if (bb[i].value !== ab[i].value) return `Bucket ${bb[i].name} changed its value.`;
    if (!javaJsonEquals(bb[i].payload ?? null, ab[i].payload ?? null)) return `Bucket ${bb[i].name} changed its payload.`;
    if ((bb[i].description ?? null) !== (ab[i].description ?? null)) return `Bucket ${bb[i].name} changed its description.`;
  }
  const ba = before.allocations ?? [];
  const aa = after.allocations ?? [];
  if (ba.length !== aa.length) return 'Allocations were added or removed.';
  for (let i = 0; i < ba.length; i++) {
    if ((ba[i].rule ?? null) !== (aa[i].rule ?? null)) return `The rule of allocation ${i + 1} changed.`;
    const old = totals(ba[i].ranges ?? []);
    for (const [value, total] of totals(aa[i].ranges ?? [])) {
      if (total > TOLERANCE && value !== -1 && (old.get(value) ?? 0) < TOLERANCE) {
        return `Allocation ${i + 1} gives users to bucket ${value}, which had none before.`;
      }
    }
  }
  return null;
}

export function isAllocationOnlyChange(before: TestDefinition, after: TestDefinition): boolean {
  return explainAllocationOnlyChange(before, after) === null;
}
