/**
 * "Is this test running?" answered once, for the tests list, the editor's warnings and auto-promotion alike.
 *
 * - `inactive`: no user gets an active bucket — Proctor's isAllInactiveTest: every range with a positive length points
 *   at bucket -1 named inactive or disabled. (A -1 bucket with another name counts as a real bucket, as in Proctor.)
 * - `rolled-out`: users get an active bucket, but no allocation splits its users: each sends all of them to one bucket
 *   (e.g. 100% control after a test ended). Nobody is being compared.
 * - `running`: some allocation splits its users between buckets, at least one of them active: an experiment is on,
 *   and moving users between active buckets corrupts its results.
 */
import type { TestDefinition } from '@/lib/proctor/model';

export const TEST_STATUSES = ['inactive', 'running', 'rolled-out'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

const INACTIVE_NAMES = new Set(['inactive', 'disabled']);

/** Proctor's isAllInactiveTest (the 100%-inactive rule of auto-promotion). */
export function isAllInactive(definition: TestDefinition): boolean {
  const bucketsByValue = new Map(definition.buckets.map((bucket) => [bucket.value, bucket]));
  return definition.allocations.every((allocation) =>
    allocation.ranges.every((range) => {
      if (!(range.length > 0)) return true;
      const bucket = bucketsByValue.get(range.bucketValue);
      return range.bucketValue === -1 && !!bucket && INACTIVE_NAMES.has(bucket.name.toLowerCase());
    }),
  );
}

export function testStatus(definition: TestDefinition): TestStatus {
  if (isAllInactive(definition)) return 'inactive';
  const splits = definition.allocations.some((allocation) => new Set(allocation.ranges.filter((range) => range.length > 0).map((range) => range.bucketValue)).size > 1);
  return splits ? 'running' : 'rolled-out';
}

export function isTestStatus(value: unknown): value is TestStatus {
  return typeof value === 'string' && (TEST_STATUSES as readonly string[]).includes(value);
}

/** Words for people (list badges, filters). */
export const TEST_STATUS_LABEL: Record<TestStatus, string> = { inactive: 'inactive', running: 'running', 'rolled-out': 'rolled out (100%)' };
