/**
 * A heartbeat from an application's Proctor client: who it is (application, version, environment, instance), which
 * matrix revision it holds, and its Proctor specification. One Consumer row per (environment, application, instance),
 * upserted, so the Consumers page and the promotion check see what runs where.
 */
import { AppError } from '@/lib/errors';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import type { ProctorSpecification } from '@/lib/proctor/model';
import type { JsonSchema } from '@/lib/proctor/schema-check';
import type { Environment } from '@/lib/store';
import type { ConsumerTokenView } from './consumer-tokens';

export interface Heartbeat {
  application: string;
  version: string;
  environment: Environment;
  instanceId: string;
  /** Matrix revision the instance uses (null: none loaded yet, it runs on fallbacks). */
  matrixRevision: string | null;
  /** When it started using that revision (epoch ms, its clock). */
  matrixLoadedAt?: number | null;
  specification: ProctorSpecification;
  /** Required tests it replaced by the fallback bucket. */
  fallbackTests?: string[];
}

/** Seconds between heartbeats the server asks for; consumers silent for 3 intervals are shown as stale. */
export const HEARTBEAT_INTERVAL_SECONDS = 30;

const NAME = { type: 'string', minLength: 1, maxLength: 200 };
/** 9999-12-31T23:59:59.999Z: later instants are not dates JavaScript and PostgreSQL both hold. */
const LATEST_EPOCH_MS = 253402300799999;
export const HEARTBEAT_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['application', 'version', 'environment', 'instanceId', 'specification'],
  properties: {
    application: NAME,
    version: NAME,
    environment: { enum: ['trunk', 'qa', 'production'] },
    instanceId: NAME,
    matrixRevision: { type: ['string', 'null'], maxLength: 100 },
    matrixLoadedAt: { type: ['integer', 'null'], minimum: 0, maximum: LATEST_EPOCH_MS },
    specification: {
      type: 'object',
      properties: {
        tests: { type: 'object', additionalProperties: { type: ['object', 'null'] } },
        providedContext: { type: 'object', additionalProperties: { type: 'string' } },
        dynamicFilters: { type: 'array', items: { type: 'object', required: ['type'] } },
      },
    },
    fallbackTests: { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 10000 },
  },
};

export async function recordHeartbeat(prisma: PrismaClient, token: ConsumerTokenView, heartbeat: Heartbeat, now: Date = new Date()): Promise<void> {
  if (token.environment && token.environment !== heartbeat.environment) {
    throw new AppError('FORBIDDEN', `This application token is for ${token.environment}; it cannot report an instance in ${heartbeat.environment}.`);
  }
  const data = {
    version: heartbeat.version,
    matrixRevision: heartbeat.matrixRevision ?? null,
    matrixLoadedAt: heartbeat.matrixLoadedAt ? new Date(heartbeat.matrixLoadedAt) : null,
    specification: heartbeat.specification as unknown as Prisma.InputJsonValue,
    fallbackTests: (heartbeat.fallbackTests ?? []) as Prisma.InputJsonValue,
    lastSeenAt: now,
  };
  const key = { environment: heartbeat.environment, application: heartbeat.application, instanceId: heartbeat.instanceId };
  await prisma.consumer.upsert({
    where: { environment_application_instanceId: key },
    create: { ...key, ...data, startedAt: now },
    update: data,
  });
}
