/**
 * One batch of measurement events (the wire contract: docs/events.md) checked event by
 * event: its shape, its age (older than the retention → "expired", which is what keeps de-duplication exact once raw
 * ids are pruned), and, for an exposure, the matrix of its environment (unknown test, unknown bucket, silent test →
 * refused with a reason). One bad event never refuses the others.
 */
import { ENVIRONMENTS, type Environment } from '@/lib/domain/environment';
import { isEventValue } from '@/lib/domain/event-value';
import type { TestMatrixArtifact } from '@/lib/proctor/model';

export const MAX_EVENTS_PER_BATCH = 1000;
const MAX_TEXT = 200;
const HOUR_MS = 3_600_000;

export interface ExposureEvent {
  kind: 'exposure';
  id: string;
  environment: Environment;
  unitType: string;
  unitId: string;
  /** The event's time as sent (UUIDv7 id timestamp when the id has one), epoch ms: the expiry clock. */
  sentAt: number;
  /** The event's time field, the future clamped to now, epoch ms: what is stored and aggregated. */
  at: number;
  test: string;
  bucket: number;
  allocationId: string;
  fallback: boolean;
  definitionVersion: string;
  matrixVersion: string;
}

export interface ConversionEvent {
  kind: 'conversion';
  id: string;
  environment: Environment;
  unitType: string;
  unitId: string;
  sentAt: number;
  at: number;
  goal: string;
  value: number;
  unique: boolean;
}

export type ValidEvent = ExposureEvent | ConversionEvent;

/** Per event, in the order sent: the event to store, or why it is refused. */
export type Checked = { ok: true; event: ValidEvent } | { ok: false; id: string; reason: string };

export interface CheckOptions {
  now: Date;
  retentionDays: number;
  /** The environments the token may send for (null = any). */
  environment: Environment | null;
  /** The matrix each environment serves now. */
  matrices: Partial<Record<Environment, TestMatrixArtifact>>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const NAME = /^[A-Za-z0-9_.:-]+$/;
/**
 * Revisions and allocation ids are printable ASCII (Proctor's are numbers, commit ids and "#A1"): they are parts of the
 * counting tables' primary keys, whose entries must stay under ~2.7 KB, or a fold that meets them fails for good.
 */
const KEY_TEXT = /^[\x20-\x7e]*$/;
const INT32 = 2 ** 31 - 1;

/** The millisecond timestamp a UUIDv7 carries (RFC 9562 §5.7), or null for any other id. */
export function uuidV7Time(id: string): number | null {
  if (!UUID_V7.test(id)) return null;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** The start of the hour holding `ms` (epoch ms). */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

function refuse(id: unknown, reason: string): Checked {
  return { ok: false, id: typeof id === 'string' ? id : '', reason };
}

/** Checks one event; `raw` is whatever the client sent at that position. */
export function checkEvent(raw: unknown, options: CheckOptions): Checked {
  if (!isRecord(raw)) return refuse(undefined, 'An event must be a JSON object.');
  const { id } = raw;
  if (!isText(id)) return refuse(id, 'The event has no id (a string of 1 to 200 characters, normally a UUIDv7).');
  if (raw.type !== 'exposure' && raw.type !== 'conversion') return refuse(id, 'type must be "exposure" or "conversion".');
  const environment = raw.environment;
  if (!ENVIRONMENTS.includes(environment as Environment)) return refuse(id, `environment must be one of ${ENVIRONMENTS.join(', ')}.`);
  if (options.environment && environment !== options.environment) {
    return refuse(id, `This application token may only send events for ${options.environment}, not ${String(environment)}.`);
  }
  const unit = raw.unit;
  if (!isRecord(unit) || !isText(unit.type) || !NAME.test(unit.type) || !isText(unit.id)) {
    return refuse(id, 'unit must be {"type": identifier type such as "USER", "id": the unit\'s id (1 to 200 characters)}.');
  }
  const stated = typeof raw.time === 'string' ? Date.parse(raw.time) : NaN;
  if (!Number.isFinite(stated)) return refuse(id, 'time must be an ISO-8601 date and time (e.g. 2026-12-06T21:00:00.000Z).');
  const sentMs = uuidV7Time(id) ?? stated;
  const now = options.now.getTime();
  const oldest = now - options.retentionDays * 24 * HOUR_MS;
  if (sentMs < oldest) {
    return refuse(id, `The event is expired: it is older than the ${options.retentionDays}-day retention, so it can no longer be told apart from a duplicate.`);
  }
  // The time is what is stored and aggregated (its hour): one far outside what the tables hold (year 0, say) would
  // make every fold that meets it fail, and so stop counting for all events.
  if (stated < oldest) return refuse(id, `time ${String(raw.time).slice(0, 40)} is older than the ${options.retentionDays}-day retention: events are counted under their time, and one that old is not counted.`);
  // Epoch ms, not Dates: two Dates per event cost more than the rest of the check (Next.js instruments Date on the server).
  // Stored time: the event's own time, the future clamped to now (a wrong device clock must not open a future hour).
  const at = Math.min(stated, now);
  const unitType = unit.type;
  const unitId = unit.id;

  if (raw.type === 'conversion') {
    if (!isText(raw.goal) || !NAME.test(raw.goal)) return refuse(id, 'goal must be a name of letters, digits, _ . : or - (at most 200 characters).');
    const value = raw.value ?? 1;
    if (!isEventValue(value)) return refuse(id, 'value must be a finite number, at most 1,000,000,000,000 either way (default 1).');
    if (raw.unique !== undefined && typeof raw.unique !== 'boolean') return refuse(id, 'unique must be true or false.');
    return { ok: true, event: { kind: 'conversion', id, environment: environment as Environment, unitType, unitId, sentAt: sentMs, at, goal: raw.goal, value, unique: raw.unique === true } };
  }

  if (!isText(raw.test)) return refuse(id, 'test must name the test the unit was exposed to.');
  if (!Number.isInteger(raw.bucket) || Math.abs(raw.bucket as number) > INT32) return refuse(id, 'bucket must be the whole-number bucket value the unit got (a 32-bit integer).');
  if (raw.allocationId !== undefined && raw.allocationId !== null && (typeof raw.allocationId !== 'string' || raw.allocationId.length > MAX_TEXT || !KEY_TEXT.test(raw.allocationId))) {
    return refuse(id, 'allocationId must be the allocation id (e.g. "#A1") or absent.');
  }
  if (raw.fallback !== undefined && typeof raw.fallback !== 'boolean') return refuse(id, 'fallback must be true or false.');
  if (!isText(raw.definitionVersion) || !KEY_TEXT.test(raw.definitionVersion)) return refuse(id, "definitionVersion must be the test definition's version in force (printable ASCII).");
  if (!isText(raw.matrixVersion)) return refuse(id, "matrixVersion must be the matrix's audit.version in force.");
  const matrix = options.matrices[environment as Environment];
  const test = matrix?.tests[raw.test];
  if (!test) return refuse(id, `There is no test '${raw.test}' in the ${String(environment)} matrix.`);
  if (test.silent) return refuse(id, `Test '${raw.test}' is silent: its exposures are not logged.`);
  const bucket = raw.bucket as number;
  const fallback = raw.fallback === true;
  if (!fallback && !test.buckets.some((candidate) => candidate.value === bucket)) {
    return refuse(id, `Test '${raw.test}' has no bucket ${bucket} in the ${String(environment)} matrix.`);
  }
  return {
    ok: true,
    event: {
      kind: 'exposure',
      id,
      environment: environment as Environment,
      unitType,
      unitId,
      sentAt: sentMs,
      at,
      test: raw.test,
      bucket,
      allocationId: typeof raw.allocationId === 'string' ? raw.allocationId : '',
      fallback,
      definitionVersion: raw.definitionVersion,
      matrixVersion: raw.matrixVersion,
    },
  };
}
