/** JSON Schemas of the request bodies of the account, token, issue and session routes (unknown fields are rejected). */
import { ROLES } from '@/lib/auth/roles';
import type { JsonSchema } from '@/lib/proctor/schema-check';

export const LOGIN_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 64}, password: { type: 'string', minLength: 1, maxLength: 1024 } },
};

export const CREATE_TOKEN_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, expiresInDays: { type: ['integer', 'null'], minimum: 1, maximum: 3650 } },
};

export const CREATE_USER_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'role'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    displayName: { type: 'string', maxLength: 200 },
    email: { type: ['string', 'null'], maxLength: 320 },
    role: { enum: [...ROLES] },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
};

export const UPDATE_USER_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    role: { enum: [...ROLES] },
    disabled: { type: 'boolean' },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
    displayName: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: ['string', 'null'], maxLength: 320 },
  },
};

export const CREATE_ISSUE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'type'],
  properties: {
    summary: { type: 'string', minLength: 1, maxLength: 255 },
    type: { type: 'string', minLength: 1, maxLength: 50 },
    description: { type: 'string', maxLength: 32000 },
  },
};

export const TRANSITION_ISSUE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { to: { type: 'string', minLength: 1, maxLength: 100 }, name: { type: 'string', minLength: 1, maxLength: 100 } },
};

export const VERIFY_ISSUE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { comment: { type: 'string', maxLength: 1000 } },
};

export const WAIVE_SEPARATION_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } },
};

export const RETRY_TRANSITION_BODY: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

export const COMMENT_ISSUE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['body'],
  properties: { body: { type: 'string', minLength: 1, maxLength: 32000 } },
};

const ISSUE_ASSIGNEE = { type: ['string', 'null'], maxLength: 100 };
const ISSUE_DESCRIPTION = { type: 'string', maxLength: 32000 };
export const UPDATE_ISSUE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['previous'],
  properties: {
    description: ISSUE_DESCRIPTION,
    assignee: ISSUE_ASSIGNEE,
    previous: { type: 'object', additionalProperties: false, properties: { description: ISSUE_DESCRIPTION, assignee: ISSUE_ASSIGNEE } },
  },
};

export const CREATE_CONSUMER_TOKEN_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, environment: { enum: ['trunk', 'qa', 'production', null] }, scope: { enum: ['heartbeat', 'events', 'all'] } },
};

/**
 * POST /api/v1/events: the batch as a whole. Each event is checked on its own (lib/events/validate-events.ts), so one
 * malformed event is refused with a reason in its result instead of failing the batch.
 */
export const EVENTS_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: {
    token: { type: 'string', maxLength: 200, description: 'The application token, only when the request cannot carry an Authorization header (navigator.sendBeacon).' },
    events: {
      type: 'array',
      maxItems: 1000,
      items: {
        description:
          'An event: {id, type: "exposure"|"conversion", time, environment, unit: {type, id}} plus, for an exposure, {test, bucket, allocationId?, fallback?, definitionVersion, matrixVersion}, for a conversion, {goal, value?, unique?}. Each is checked on its own and answered in results[].',
      },
    },
  },
};

/** PUT /api/v1/context-schema: the team's whole list of rule context variables, against the revision it was read at. */
export const CONTEXT_SCHEMA_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['variables', 'baseRevision'],
  properties: {
    baseRevision: { type: 'integer', minimum: 0, maximum: 2147483647 },
    variables: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, type: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', maxLength: 500 } },
      },
    },
  },
};

/** PUT /api/v1/tests/{name}/results/settings (α's range and N*'s bounds are checked by the use case, with the fix). */
export const RESULTS_SETTINGS_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['alpha', 'correction', 'mode', 'controlBucket', 'sequentialN'],
  properties: {
    alpha: { type: 'number' },
    correction: { type: 'string', enum: ['none', 'holm'] },
    mode: { type: 'string', enum: ['fixed', 'sequential'] },
    controlBucket: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
    sequentialN: { type: 'integer' },
  },
};

/** PUT /api/v1/tests/{name}/conclusion. */
export const CONCLUSION_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['hypothesis', 'result', 'decision', 'expectedRevision'],
  properties: {
    hypothesis: { type: 'string', maxLength: 20000 },
    result: { type: 'string', maxLength: 20000 },
    decision: { type: 'string', maxLength: 20000 },
    expectedRevision: { type: 'integer', minimum: 0, maximum: 2147483647 },
  },
};
