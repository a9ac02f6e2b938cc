/**
 * The Consumers page: per environment, each application and version, how many instances run it, which matrix revision
 * they hold, whether they are still reporting, and how far the newest revision has got
 * ("production r1a2b3c: 12 of 13 instances, oldest 40 s ago").
 */
import { AppError } from '@/lib/errors';
import { HEARTBEAT_INTERVAL_SECONDS } from '@/lib/distribution/record-heartbeat';
import { ENVIRONMENTS, type Environment } from '@/lib/store';
import { DEFAULT_ACTIVE_MINUTES } from './check-consumers';
import { getEnvironmentMatrix } from '@/lib/distribution/matrix-cache';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

/** An instance silent for this long is stale (three missed heartbeats). */
export const STALE_AFTER_SECONDS = 3 * HEARTBEAT_INTERVAL_SECONDS;

export interface ConsumerInstanceView {
  instanceId: string;
  matrixRevision: string | null;
  /** When it started using that revision (its clock). */
  matrixLoadedAt: Date | null;
  startedAt: Date;
  lastSeenAt: Date;
  secondsSinceSeen: number;
  stale: boolean;
  /** Holds the environment's newest revision. */
  current: boolean;
  fallbackTests: string[];
}

export interface ConsumerVersionView {
  version: string;
  instances: ConsumerInstanceView[];
  /** Revision → number of instances holding it (null key "none" = not loaded yet). */
  revisions: { revision: string | null; instances: number }[];
  staleInstances: number;
  /** Tests required by this version's specification (from the newest instance's report). */
  requiredTests: string[];
  dynamicFilters: number;
}

export interface ConsumerApplicationView {
  application: string;
  versions: ConsumerVersionView[];
  instances: number;
}

export interface Propagation {
  /** The environment's newest matrix revision (what is served now). */
  revision: string | null;
  /** Active instances holding it / all active instances. */
  holding: number;
  total: number;
  /** Age of the oldest heartbeat among the active instances: how old the newest figure may be. */
  oldestSeenSecondsAgo: number | null;
  /** e.g. "production r1a2b3c: 12 of 13 instances, oldest 40 s ago". */
  text: string;
}

export interface EnvironmentConsumers {
  env: Environment;
  applications: ConsumerApplicationView[];
  propagation: Propagation;
}

export interface ListConsumersResult {
  environments: EnvironmentConsumers[];
  activeMinutes: number;
  staleAfterSeconds: number;
  generatedAt: Date;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function describePropagation(env: Environment, revision: string | null, holding: number, total: number, oldestSeenSecondsAgo: number | null): string {
  const rev = revision ? `r${revision.slice(0, 7)}` : '(no matrix yet)';
  if (total === 0) return `${env} ${rev}: no active instances`;
  return `${env} ${rev}: ${holding} of ${total} instance${total === 1 ? '' : 's'}, oldest ${oldestSeenSecondsAgo} s ago`;
}

/** Consumers seen within `activeMinutes` (default 15), per environment. */
export async function listConsumers(
  deps: Pick<ServiceDeps, 'matrices' | 'prisma' | 'config'>,
  reader: Reader,
  options: { env?: string; activeMinutes?: number; now?: Date } = {},
): Promise<ListConsumersResult> {
  requireReader(reader);
  if (options.env !== undefined && !ENVIRONMENTS.includes(options.env as Environment)) {
    throw new AppError('VALIDATION_FAILED', `env must be one of ${ENVIRONMENTS.join(', ')}, got '${options.env}'.`, { details: [{ path: '?env', message: 'unknown environment' }] });
  }
  const envs = options.env ? [options.env as Environment] : [...ENVIRONMENTS];
  const now = options.now ?? new Date();
  const activeMinutes = options.activeMinutes ?? deps.config.consumerActiveMinutes ?? DEFAULT_ACTIVE_MINUTES;
  const since = new Date(now.getTime() - activeMinutes * 60_000);
  const rows = await deps.prisma.consumer.findMany({
    where: { environment: { in: envs }, lastSeenAt: { gte: since } },
    orderBy: [{ application: 'asc' }, { version: 'asc' }, { instanceId: 'asc' }],
  });
  const environments: EnvironmentConsumers[] = [];
  for (const env of envs) {
    const state = await deps.matrices.get(env);
    const newest = state.current?.revision ?? null;
    const apps = new Map<string, Map<string, { rows: typeof rows }>>();
    let holding = 0;
    let total = 0;
    let oldest: number | null = null;
    for (const row of rows) {
      if (row.environment !== env) continue;
      let versions = apps.get(row.application);
      if (!versions) apps.set(row.application, (versions = new Map()));
      let version = versions.get(row.version);
      if (!version) versions.set(row.version, (version = { rows: [] }));
      version.rows.push(row);
      total++;
      if (newest && row.matrixRevision === newest) holding++;
      const age = Math.max(0, Math.round((now.getTime() - row.lastSeenAt.getTime()) / 1000));
      oldest = oldest === null ? age : Math.max(oldest, age);
    }
    const applications: ConsumerApplicationView[] = [...apps].map(([application, versions]) => {
      const versionViews: ConsumerVersionView[] = [...versions].map(([version, { rows: group }]) => {
        const instances = group.map((row): ConsumerInstanceView => {
          const secondsSinceSeen = Math.max(0, Math.round((now.getTime() - row.lastSeenAt.getTime()) / 1000));
          return {
            instanceId: row.instanceId,
            matrixRevision: row.matrixRevision,
            matrixLoadedAt: row.matrixLoadedAt,
            startedAt: row.startedAt,
            lastSeenAt: row.lastSeenAt,
            secondsSinceSeen,
            stale: secondsSinceSeen > STALE_AFTER_SECONDS,
            current: newest !== null && row.matrixRevision === newest,
            fallbackTests: asStrings(row.fallbackTests),
          };
        });
        const counts = new Map<string | null, number>();
        for (const instance of instances) counts.set(instance.matrixRevision, (counts.get(instance.matrixRevision) ?? 0) + 1);
        const newestRow = group.reduce((a, b) => (b.lastSeenAt > a.lastSeenAt ? b : a));
        const spec = (newestRow.specification ?? {}) as { tests?: Record<string, unknown>; dynamicFilters?: unknown[] };
        return {
          version,
          instances,
          revisions: [...counts].map(([revision, n]) => ({ revision, instances: n })).sort((a, b) => b.instances - a.instances),
          staleInstances: instances.filter((i) => i.stale).length,
          requiredTests: Object.keys(spec.tests ?? {}).sort(),
          dynamicFilters: Array.isArray(spec.dynamicFilters) ? spec.dynamicFilters.length : 0,
        };
      });
      return { application, versions: versionViews, instances: versionViews.reduce((sum, v) => sum + v.instances.length, 0) };
    });
    environments.push({
      env,
      applications,
      propagation: { revision: newest, holding, total, oldestSeenSecondsAgo: oldest, text: describePropagation(env, newest, holding, total, oldest) },
    });
  }
  return { environments, activeMinutes, staleAfterSeconds: STALE_AFTER_SECONDS, generatedAt: now };
}
