/** recordEventBatch (lib/services/record-event-batch.ts): which (test, environment) pairs it reports for the SRM check. */
import { describe, expect, it } from 'vitest';
import type { BatchResult } from '@/lib/events/record-events';
import type { Checked } from '@/lib/events/validate-events';
import type { TestMatrixArtifact } from '@/lib/proctor/model';
import { recordEventBatch } from '@/lib/services/record-event-batch';
import type { TouchedTest } from '@/lib/services/srm-watch';

const matrix = { tests: { a: { silent: false, buckets: [{ value: 1 }] }, b: { silent: false, buckets: [{ value: 1 }] } } } as unknown as TestMatrixArtifact;
const NOW = new Date('2026-12-07T12:00:00.000Z');
let seq = 0;
const exposure = (test: string, environment = 'production') => ({
  id: `x-${++seq}`,
  type: 'exposure',
  time: NOW.toISOString(),
  environment,
  unit: { type: 'USER', id: `u-${seq}` },
  test,
  bucket: 1,
  definitionVersion: 'v1',
  matrixVersion: 'm1',
});
const conversion = () => ({ id: `c-${++seq}`, type: 'conversion', time: NOW.toISOString(), environment: 'production', unit: { type: 'USER', id: 'u' }, goal: 'g' });

describe('recordEventBatch', () => {
  it('reports each (test, environment) that gained an accepted exposure once, in order of first appearance', async () => {
    const deps = {
      matrices: { get: async () => ({ current: { artifact: matrix } }) },
      events: {
        // Every event accepted but the sixth (a duplicate): it must neither be reported nor hide the next of its pair.
        record: async (checked: Checked[]): Promise<BatchResult> => ({
          results: checked.map((entry, index) => ({ id: entry.ok ? entry.event.id : entry.id, status: index === 5 ? 'duplicate' : 'accepted' })),
          accepted: checked.length - 1,
          duplicates: 1,
          rejected: 0,
        }),
      },
    } as never;
    let reported: TouchedTest[] = [];
    const events = [exposure('a'), conversion(), exposure('a'), exposure('b'), exposure('a'), exposure('b', 'qa'), exposure('b', 'qa'), exposure('a', 'qa'), exposure('a')];
    await recordEventBatch(deps, { environment: null }, { events, retentionDays: 30, now: NOW, onExposures: (tests) => (reported = tests) });
    expect(reported).toEqual([
      { testName: 'a', environment: 'production' },
      { testName: 'b', environment: 'production' },
      { testName: 'b', environment: 'qa' },
      { testName: 'a', environment: 'qa' },
    ]);
  });
});
