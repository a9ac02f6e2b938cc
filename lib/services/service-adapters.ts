/**
 * The real adapters behind the use cases' ports (ports.ts), built from a definition store and a database. The
 * composition root uses this; integration tests that run use cases on a real store and database do too.
 */
import { startMatrixDistribution } from '@/lib/distribution/matrix-distribution';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { IssueTracker } from '@/lib/issues/issue-tracker';
import { linkChange } from '@/lib/issues/link-change';
import type { WorkflowRules } from '@/lib/issues/workflow';
import type { Logger } from '@/lib/log/logger';
import type { DefinitionStore } from '@/lib/store';
import { activeConsumerGroups } from './check-consumers';
import { getEnvironmentMatrix, matrixCacheFor, requireEnvironmentMatrix } from '@/lib/distribution/matrix-cache';
import { applicationMatricesFor, registeredSpecification } from '@/lib/distribution/application-matrix';
import { getMatrixStatus } from '@/lib/distribution/matrix-status';
import { pruneEventReceipts } from '@/lib/events/prune-receipts';
import { EventFolder } from '@/lib/events/event-folder';
import { foldEvents } from '@/lib/events/fold-events';
import { recordEvents, type EventDatabase } from '@/lib/events/record-events';
import type { EventSink, ServiceDeps } from './service-deps';

export interface ServiceParts {
  store: DefinitionStore;
  prisma: PrismaClient;
  tracker: IssueTracker;
  config: ServiceDeps['config'] & { matrixPublishDir?: string };
  logger?: Logger;
  rules?: WorkflowRules;
  /** The database as opened (with its pool), for measurement events; without it no events are recorded. */
  database?: EventDatabase;
}

export function serviceDepsOf(parts: ServiceParts): ServiceDeps {
  const { store, prisma, config, logger } = parts;
  return {
    store,
    tracker: parts.tracker,
    prisma,
    config,
    logger,
    rules: parts.rules,
    matrices: {
      get: (env) => getEnvironmentMatrix(store, env),
      atRevision: (env, revision) => matrixCacheFor(store).atRevision(env, revision),
      forApplication: async (env, application, version) => {
        const served = await requireEnvironmentMatrix(store, env);
        const specification = await registeredSpecification(prisma, env, application, version);
        return { matrix: await applicationMatricesFor(store).get(served, specification), failure: served.failure };
      },
      fresh: (env) => matrixCacheFor(store).fresh(env),
      freshNow: (env) => matrixCacheFor(store).freshNow(env),
      held: (env, revision) => matrixCacheFor(store).held(env, revision),
      status: (envs) => getMatrixStatus(store, envs),
      distribution: () => startMatrixDistribution(store, { publishDir: config.matrixPublishDir, logger }),
    },
    consumers: { activeGroups: (env, options) => activeConsumerGroups(prisma, env, options) },
    issueLinks: { record: (link) => linkChange(prisma, link) },
    events: parts.database ? eventSinkOf(parts.database, logger) : undefined,
  };
}

/** Received events are counted in the background, and before any count is read (lib/events/fold-events.ts). */
function eventSinkOf(database: EventDatabase, logger: Logger | undefined): EventSink {
  const folder = new EventFolder(() => foldEvents(database), {
    onError: (error) => logger?.warn('counting received events failed; trying again', { error: (error as Error).message }),
  });
  // Events received before a restart and not yet counted.
  folder.kick();
  return {
    record: (checked, options) =>
      folder.receive(
        () => recordEvents(database, checked, options),
        (result) => result.accepted,
      ),
    prune: (retentionDays) => pruneEventReceipts(database.prisma, retentionDays),
    settle: () => folder.settle(),
  };
}
