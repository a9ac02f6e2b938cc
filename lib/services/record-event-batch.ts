/**
 * Recording a batch of measurement events from an application (docs/events.md): each event is checked against the
 * matrix its environment serves now, the valid ones are stored exactly once in one transaction, and every event gets
 * its own answer. The application's token is the actor; it may be restricted to one environment.
 */
import { ENVIRONMENTS, type Environment } from '@/lib/domain/environment';
import { AppError } from '@/lib/errors';
import type { BatchResult } from '@/lib/events/record-events';
import { checkEvent } from '@/lib/events/validate-events';
import type { TestMatrixArtifact } from '@/lib/proctor/model';
import type { ServiceDeps } from './service-deps';
import type { TouchedTest } from './srm-watch';

/** The application sending: what its token allows (resolved and scope-checked by the caller). */
export interface SendingApplication {
  environment: Environment | null;
}

export async function recordEventBatch(
  deps: Pick<ServiceDeps, 'matrices' | 'events'>,
  application: SendingApplication,
  input: {
    events: unknown[];
    retentionDays: number;
    now?: Date;
    /** Told, once the batch is stored, each (test, environment) that gained an exposure (the SRM check, ./srm-watch.ts). */
    onExposures?: (tests: TouchedTest[]) => void;
  },
): Promise<BatchResult> {
  if (!deps.events) throw new AppError('NOT_READY', 'This server does not record events (no event store configured).');
  const now = input.now ?? new Date();
  // Only the matrices the batch names and the token may send for are read.
  const named = new Set<Environment>();
  for (const event of input.events) {
    const env = (event as { environment?: unknown } | null)?.environment;
    if (ENVIRONMENTS.includes(env as Environment) && (!application.environment || application.environment === env)) named.add(env as Environment);
  }
  const matrices: Partial<Record<Environment, TestMatrixArtifact>> = {};
  for (const env of named) {
    const artifact = (await deps.matrices.get(env)).current?.artifact;
    if (artifact) matrices[env] = artifact;
  }
  const checked = input.events.map((event) => checkEvent(event, { now, retentionDays: input.retentionDays, environment: application.environment, matrices }));
  const result = await deps.events.record(checked, { now });
  if (input.onExposures) {
    const touched = new Map<string, TouchedTest>();
    // A batch's exposures are mostly of one test: a key is made only when (test, environment) differs from the last one.
    let last: { test: string; environment: Environment } | null = null;
    checked.forEach((entry, index) => {
      if (!entry.ok || entry.event.kind !== 'exposure' || result.results[index]?.status !== 'accepted') return;
      const event = entry.event;
      if (last && last.test === event.test && last.environment === event.environment) return;
      last = event;
      touched.set(`${event.environment}\u0000${event.test}`, { testName: event.test, environment: event.environment });
    });
    if (touched.size > 0) input.onExposures([...touched.values()]);
  }
  return result;
}
