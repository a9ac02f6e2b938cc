/**
 * The composition root: the one place that builds the process's services — database, accounts, issue tracker,
 * definition store and the use cases' ports — used alike by API routes (lib/http/api-route.ts), pages, the heartbeat
 * and health routes and instrumentation.ts. Built once per process on first use (or at server start) and kept on
 * globalThis, so Next's duplicated module instances share it: one tracker per process keeps JIRA's lookup cache one.
 * (The `proctor` CLI works on files only and needs none of this.)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { authenticate, type Authentication } from '@/lib/auth/authenticate';
import { ensureAccounts, type EnsuredAccount } from '@/lib/auth/ensure-accounts';
import { getConfig, type AppConfig } from '@/lib/config';
import { getDatabase } from '@/lib/db/client';
import { HEADS_CHANNEL, HeadAnnouncements } from '@/lib/distribution/head-announcements';
import { currentMatrixDistribution } from '@/lib/distribution/matrix-distribution';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { createIssueTracker } from '@/lib/issues/create-issue-tracker';
import { seedBuiltinIssues } from '@/lib/issues/seed-builtin-issues';
import { workflowRulesFor } from '@/lib/issues/workflow';
import { getLogger, type Logger } from '@/lib/log/logger';
import { serviceDepsOf } from '@/lib/services/service-adapters';
import type { ServiceDeps } from '@/lib/services/service-deps';
import { definitionStoreOptionsFromConfig, openDefinitionStore, REPOSITORY_FOLDER, SEED_START_SECONDS, seedIssues, type Environment } from '@/lib/store';

/** The process's services: the use cases' deps plus what the transport shell and start-up need. */
export interface Services extends ServiceDeps {
  config: AppConfig;
  prisma: PrismaClient;
  logger: Logger;
  /** Accounts ensured at start (printed by instrumentation.ts). */
  accounts: EnsuredAccount[];
  startedAt: number;
  /** Who sent this request (token, session cookie, trusted proxy header); null when anonymous. */
  authenticate(request: Request): Promise<Authentication | null>;
}

export async function createServices(config: AppConfig = getConfig()): Promise<Services> {
  const logger = getLogger();
  const database = await getDatabase();
  const { prisma } = database;
  // Accounts must exist before anyone can sign in; idempotent.
  const accounts = await ensureAccounts(prisma, config);
  if (accounts.length > 0) {
    logger.info('accounts ensured', { accounts: accounts.map(({ username, role, source, action }) => ({ username, role, source, action })) });
  }
  const tracker = createIssueTracker(prisma, config);
  const repositoryExisted = existsSync(path.join(config.dataDir, REPOSITORY_FOLDER));
  // Instances sharing a PostgreSQL database tell each other of their commits (lib/distribution/head-announcements.ts).
  const announcements = database.notices ? new HeadAnnouncements(database.notices(HEADS_CHANNEL), logger) : null;
  const store = await openDefinitionStore(
    {
      ...definitionStoreOptionsFromConfig(config, prisma),
      ...(announcements ? { onPublished: (branch: Environment, revision: string) => announcements.committed(branch, revision) } : {}),
      ...(database.turns ? { writeTurns: database.turns } : {}),
      onError: (error, context) => logger.warn('definition store background error', { context, error: (error as Error).message }),
      onDamagedCommit: ({ branch, revision, problems, notice }) =>
        logger.error(notice, { branch, revision, fsck: problems.map((p) => p.id), repair: 'docs/repairing-history.md' }),
    },
    { seed: true },
  );
  announcements?.listen(store, () => void currentMatrixDistribution()?.check());
  // The demo history references issue keys; the built-in tracker gets matching issues the first time.
  if (!repositoryExisted && !config.gitUrl && tracker.name === 'builtin') {
    await seedBuiltinIssues(prisma, await seedIssues(config.seedDir, config.testDefinitionsDirectory), { at: new Date(SEED_START_SECONDS * 1000) });
  }
  return {
    ...serviceDepsOf({ store, prisma, tracker, config, logger, database, rules: workflowRulesFor(config) }),
    config,
    prisma,
    logger,
    accounts,
    startedAt: Date.now(),
    authenticate: (request) => authenticate(prisma, request, config),
  };
}

type Provider = () => Promise<Services>;
const holder = globalThis as typeof globalThis & { __proctorServices?: Promise<Services>; __proctorServicesReady?: Services; __proctorServicesProvider?: Provider };

/** The process's services, created on first use; a failed start (database down) is retried on the next call. */
export function getServices(): Promise<Services> {
  if (holder.__proctorServicesProvider) return holder.__proctorServicesProvider();
  holder.__proctorServices ??= createServices().then(
    (services) => (holder.__proctorServicesReady = services),
    (error: unknown) => {
      holder.__proctorServices = undefined;
      throw error;
    },
  );
  return holder.__proctorServices;
}

/** The services if getServices() has already made them (the request edge's path without a promise); else undefined. */
export function servicesIfReady(): Services | undefined {
  return holder.__proctorServicesProvider ? undefined : holder.__proctorServicesReady;
}

/** Tests: everything that asks getServices() gets these instead (e.g. createTestServices()); undefined restores. */
export function setServicesProvider(provider: Provider | undefined): void {
  holder.__proctorServicesProvider = provider;
}
