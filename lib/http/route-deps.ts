/**
 * What route handlers need from the process: the database, config, issue tracker. Resolved once per process; tests
 * replace the provider with their own in-memory database via setRouteDepsProvider.
 */
import { ensureAccounts } from '@/lib/auth/ensure-accounts';
import { getConfig, type AppConfig } from '@/lib/config';
import { getDatabase } from '@/lib/db/client';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { IssueTracker } from '@/lib/issues/issue-tracker';
import { getLogger } from '@/lib/log/logger';
import { getAppContext } from '@/lib/server/app-context';

export interface RouteDeps {
  prisma: PrismaClient;
  config: AppConfig;
  tracker: IssueTracker;
}

type Provider = () => Promise<RouteDeps>;

const holder = globalThis as typeof globalThis & { __proctorRouteDeps?: Promise<RouteDeps>; __proctorRouteDepsProvider?: Provider };

async function defaultDeps(): Promise<RouteDeps> {
  const config = getConfig();
  const { prisma } = await getDatabase();
  // Accounts must exist before anyone can sign in; idempotent, so the server may also run it at start-up and print it.
  const accounts = await ensureAccounts(prisma, config);
  if (accounts.length > 0) {
    getLogger().info('accounts ensured', { accounts: accounts.map(({ username, role, source, action }) => ({ username, role, source, action })) });
  }
  // The pages' tracker, not a second one: JIRA's lookup cache must be one per process, or a transition made through
  // the API leaves the pages showing the old status until the cache expires.
  return { prisma, config, tracker: (await getAppContext()).tracker };
}

export function getRouteDeps(): Promise<RouteDeps> {
  if (holder.__proctorRouteDepsProvider) return holder.__proctorRouteDepsProvider();
  holder.__proctorRouteDeps ??= defaultDeps().catch((error: unknown) => {
    holder.__proctorRouteDeps = undefined;
    throw error;
  });
  return holder.__proctorRouteDeps;
}

/** Tests: route handlers use these deps instead of the process database (pass undefined to restore). */
export function setRouteDepsProvider(provider: Provider | undefined): void {
  holder.__proctorRouteDepsProvider = provider;
}
