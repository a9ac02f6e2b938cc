/**
 * The aggregates the results read, once every event acknowledged before the read is counted (received events are
 * counted moments later by a fold: lib/events/fold-events.ts). The one way the use cases read counts.
 */
import { readAllTestResults, readTestResults, type ArmResult } from '@/lib/events/read-results';
import type { Environment } from '@/lib/domain/environment';
import type { ServiceDeps } from './service-deps';

type Deps = Pick<ServiceDeps, 'prisma' | 'events'>;

export async function countedTestResults(deps: Deps, testName: string, options: { environment?: Environment; hourly?: boolean } = {}): Promise<ArmResult[]> {
  await deps.events?.settle();
  return readTestResults(deps.prisma, testName, options);
}

export async function allCountedResults(deps: Deps): Promise<Map<string, ArmResult[]>> {
  await deps.events?.settle();
  return readAllTestResults(deps.prisma);
}
