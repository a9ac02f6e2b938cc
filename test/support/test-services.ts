/**
 * createTestServices(): the process's services (lib/composition/services.ts) built from in-memory fakes, so a use case
 * runs in milliseconds: a FakeDefinitionStore, a FakeIssueTracker, matrices built from the fake store with Proctor's
 * own buildMatrix, consumers and issue links kept in arrays. No database unless one is passed: a use case that reaches
 * for `prisma` without one fails loudly, naming what it asked for.
 *
 * Install them for routes and pages with setServicesProvider(async () => services).
 */
import { buildVariants } from '@/lib/distribution/matrix-variants';
import { authenticate } from '@/lib/auth/authenticate';
import type { Services } from '@/lib/composition/services';
import { loadConfig, type AppConfig } from '@/lib/config';
import type { Environment } from '@/lib/domain/environment';
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { IssueTracker } from '@/lib/issues/issue-tracker';
import type { ChangeLink } from '@/lib/issues/link-change';
import type { WorkflowRules } from '@/lib/issues/workflow';
import { createLogger } from '@/lib/log/logger';
import { buildMatrix } from '@/lib/proctor/build-matrix';
import type { TestDefinition } from '@/lib/proctor/model';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';
import type { MatrixState } from '@/lib/distribution/matrix-cache';
import type { ConsumerGroup, DefinitionStorePort } from '@/lib/services/ports';
import { FakeDefinitionStore } from './fake-definition-store';
import { FakeIssueTracker } from './fake-issue-tracker';

export interface TestServices<S extends DefinitionStorePort = FakeDefinitionStore, T extends IssueTracker = FakeIssueTracker> extends Services {
  store: S;
  tracker: T;
  /** Active consumer groups per environment (what heartbeats would have recorded). */
  consumerGroups: ConsumerGroup[];
  /** Change links recorded by issueLinks.record, in order. */
  recordedLinks: ChangeLink[];
  /** Log lines written through `logger`. */
  logLines: string[];
}

/** A database stand-in that refuses every use: a use case that needs one must be given a real one. */
function noDatabase(): PrismaClient {
  return new Proxy({} as PrismaClient, {
    get(_target, property) {
      throw new Error(`createTestServices() has no database, but prisma.${String(property)} was used: pass { prisma } (test/support/db.ts).`);
    },
  });
}

export function createTestServices<S extends DefinitionStorePort = FakeDefinitionStore, T extends IssueTracker = FakeIssueTracker>(
  options: { store?: S; tracker?: T; prisma?: PrismaClient; config?: Partial<AppConfig>; rules?: WorkflowRules; now?: () => number } = {},
): TestServices<S, T> {
  const now = options.now ?? (() => Date.UTC(2030, 0, 1));
  const store = (options.store ?? new FakeDefinitionStore({ now })) as S;
  const tracker = (options.tracker ?? new FakeIssueTracker()) as T;
  const prisma = options.prisma ?? noDatabase();
  const config: AppConfig = { ...loadConfig({} as NodeJS.ProcessEnv), publicUrl: 'http://studio.test', ...options.config };
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
  const consumerGroups: ConsumerGroup[] = [];
  const recordedLinks: ChangeLink[] = [];

  const matrix = async (env: Environment): Promise<MatrixState> => {
    const head = await store.head(env);
    if (!head) return { current: null, failure: null };
    const listed = await store.listDefinitions(env);
    const definitions: Record<string, TestDefinition> = Object.fromEntries(listed.filter((d) => d.definition).map((d) => [d.testName, d.definition!]));
    const artifact = buildMatrix(definitions, { version: head, updated: now(), updatedBy: 'proctor-studio' });
    const body = serializeMatrix(artifact);
    const bytes = Buffer.from(body, 'utf8');
    return { current: { env, revision: head, artifact, body, bytes, variants: await buildVariants(head, bytes), builtAt: now() }, failure: null };
  };

  return {
    store,
    tracker,
    prisma,
    config,
    rules: options.rules,
    logger,
    accounts: [],
    startedAt: now(),
    authenticate: (request) => authenticate(prisma, request, config),
    matrices: {
      get: matrix,
      // The fake holds no history: only the head's revision has a matrix.
      atRevision: async (env, revision) => {
        const current = (await matrix(env)).current;
        return current?.revision === revision ? current : null;
      },
      // Use-case tests register no specifications (the real adapter reads heartbeats from the database).
      forApplication: async (_env, application) => {
        throw new AppError('NOT_FOUND', `Application '${application}' has not registered a specification.`);
      },
      fresh: matrix,
      freshNow: () => undefined,
      held: () => null,
      status: (envs) =>
        Promise.all(
          envs.map(async (env) => {
            const state = await matrix(env);
            const current = state.current;
            return {
              env,
              head: await store.head(env),
              revision: current?.revision ?? null,
              testCount: current ? Object.keys(current.artifact.tests).length : 0,
              builtAt: current?.builtAt ?? null,
              size: current?.bytes.byteLength ?? 0,
              failure: null,
              publishedRevision: null,
              publishError: null,
              streamSubscribers: 0,
            };
          }),
        ),
      distribution: () => Promise.reject(new AppError('NOT_READY', 'Test services have no matrix distribution.')),
    },
    consumers: {
      activeGroups: async (env) => consumerGroups.filter((group) => group.environment === env),
    },
    issueLinks: {
      record: async (link) => {
        if (!recordedLinks.some((l) => JSON.stringify(l) === JSON.stringify(link))) recordedLinks.push(link);
      },
    },
    consumerGroups,
    recordedLinks,
    logLines,
  };
}
