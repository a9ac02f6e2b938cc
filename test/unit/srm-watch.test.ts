import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SrmWatch, type TouchedTest } from '@/lib/services/srm-watch';

const A: TouchedTest = { testName: 'checkout_button_color', environment: 'production' };
const B: TouchedTest = { testName: 'mobile_apply_flow', environment: 'production' };

describe('the SRM check after ingest', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('checks a touched test at once, then at most once a period, and always after the last batch', async () => {
    const checked: string[] = [];
    const watch = new SrmWatch(async (test) => void checked.push(test.testName), { everyMs: 60_000 });
    watch.touched([A, B]);
    await vi.advanceTimersByTimeAsync(0);
    expect(checked).toEqual([A.testName, B.testName]);
    // A batch every 5 s for 70 s: one more check, a period after the first.
    for (let i = 0; i < 14; i++) {
      watch.touched([A]);
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(checked).toEqual([A.testName, B.testName, A.testName]);
    // The batches after that check (65 s, and this last one at 70 s) get one more, a period after it (120 s).
    watch.touched([A]);
    await vi.advanceTimersByTimeAsync(49_000);
    expect(checked).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(checked).toEqual([A.testName, B.testName, A.testName, A.testName]);
    // Nothing touched: nothing checked.
    await vi.advanceTimersByTimeAsync(600_000);
    expect(checked).toHaveLength(4);
  });

  it('a failed check is logged and the next batch tries again', async () => {
    const warnings: unknown[] = [];
    const logger = { warn: (msg: string, fields?: unknown) => void warnings.push([msg, fields]) } as never;
    let calls = 0;
    const watch = new SrmWatch(async () => {
      calls++;
      throw new Error('database unavailable');
    }, { everyMs: 1_000, logger });
    watch.touched([A]);
    await vi.advanceTimersByTimeAsync(0);
    await watch.settled();
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain('database unavailable');
    watch.touched([A]);
    await vi.advanceTimersByTimeAsync(1_000);
    await watch.settled();
    expect(calls).toBe(2);
  });
});
