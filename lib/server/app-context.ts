/**
 * The composition root: one database, one definition store, one issue tracker per process, created on first use (or
 * by instrumentation.ts at server start) and shared by API routes and pages.
 */
import path from 'node:path';
import { ensureAccounts, type EnsuredAccount } from '@/lib/auth/ensure-accounts';
import { getConfig, type AppConfig } from '@/lib/config';
import { getDatabase } from '@/lib/db/client';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { createIssueTracker } from '@/lib/issues/create-issue-tracker';
import type { IssueTracker } from '@/lib/issues/issue-tracker';
import { seedBuiltinIssues } from '@/lib/issues/seed-builtin-issues';
import { getLogger, type Logger } from '@/lib/log/logger';
import type { ServiceDeps } from '@/lib/services/service-deps';
import { definitionStoreOptionsFromConfig, openDefinitionStore, seedIssues, type DefinitionStore } from '@/lib/store';
import { existsSync } from 'node:fs';

export interface AppContext extends ServiceDeps {
  config: AppConfig;
  prisma: PrismaClient;
  tracker: IssueTracker;
  store: DefinitionStore;
  logger: Logger;
  accounts: EnsuredAccount[];
  startedAt: number;
}

const holder = globalThis as typeof globalThis & { __proctorAppContext?: Promise<AppContext> };

async function createAppContext(): Promise<AppContext> {
  const config = getConfig();
  const logger = getLogger();
  const { prisma } = await getDatabase();
  const accounts = await ensureAccounts(prisma, config);
  const tracker = createIssueTracker(prisma, config);
  const repositoryExisted = existsSync(path.join(config.dataDir, 'proctor-data.git'));
  const store = await openDefinitionStore(
    {
      ...definitionStoreOptionsFromConfig(config, prisma),
      onError: (error, context) => logger.warn('definition store background error', { context, error: (error as Error).message }),
      onDamagedCommit: ({ branch, revision, problems, notice }) =>
        logger.error(notice, { branch, revision, fsck: problems.map((p) => p.id), repair: 'docs/repairing-history.md' }),
    },
    { seed: true },
  );
  // The demo history references issue keys; the built-in tracker gets matching issues the first time.
  if (!repositoryExisted && !config.gitUrl && tracker.name === 'builtin') {
    await seedBuiltinIssues(prisma, await seedIssues(config.seedDir, config.testDefinitionsDirectory));
  }
  return { config, prisma, tracker, store, logger, accounts, startedAt: Date.now() };
}

export function getAppContext(): Promise<AppContext> {
  holder.__proctorAppContext ??= createAppContext().catch((error: unknown) => {
    holder.__proctorAppContext = undefined;
    throw error;
  });
  return holder.__proctorAppContext;
}
