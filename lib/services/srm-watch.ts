/**
 * The sample-ratio check after ingest: a batch's accepted exposures mark their (test, environment) as touched, and the
 * current phase's SRM is checked in the background — at once the first time, then at most once per `everyMs` however
 * many batches arrive — so an onset is commented on the test's issue (./srm-notice.ts, once per phase) without anyone
 * opening the results. Ingest never waits for it, and a failed check is logged and tried at the next touch.
 */
import type { Environment } from '@/lib/domain/environment';
import { parseExistingTestName } from '@/lib/domain/test-name';
import type { Logger } from '@/lib/log/logger';
import { currentResults } from './read-results';
import type { ServiceDeps } from './service-deps';

export interface TouchedTest {
  testName: string;
  environment: Environment;
}

/** Computes the test's current phase in the environment and comments an SRM onset (the same path as the Results tab). */
export async function checkSrm(deps: Pick<ServiceDeps, 'prisma' | 'store' | 'tracker' | 'config' | 'logger' | 'events'>, test: TouchedTest): Promise<void> {
  await currentResults(deps, parseExistingTestName(test.testName), test.environment, 'empty');
}

export class SrmWatch {
  private readonly lastRun = new Map<string, number>();
  private readonly scheduled = new Set<string>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly check: (test: TouchedTest) => Promise<void>,
    private readonly options: { everyMs: number; logger?: Logger; now?: () => number },
  ) {}

  touched(tests: readonly TouchedTest[]): void {
    const now = this.options.now?.() ?? Date.now();
    for (const test of tests) {
      const key = `${test.environment}\u0000${test.testName}`;
      if (this.scheduled.has(key)) continue;
      this.scheduled.add(key);
      const due = (this.lastRun.get(key) ?? -Infinity) + this.options.everyMs;
      const timer = setTimeout(() => this.run(key, test), Math.max(0, due - now));
      timer.unref?.();
    }
  }

  /** Resolves when the checks started so far have finished (tests). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private run(key: string, test: TouchedTest): void {
    this.scheduled.delete(key);
    this.lastRun.set(key, this.options.now?.() ?? Date.now());
    const done = this.check(test)
      .catch((error: unknown) => this.options.logger?.warn('SRM check after ingest failed; tried again at the next batch', { ...test, error: (error as Error).message }))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }
}
