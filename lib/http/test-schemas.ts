/** JSON Schemas of the request bodies of the test, promotion and validation routes (unknown fields are rejected). */
import type { JsonSchema } from '@/lib/proctor/schema-check';

const TEST_NAME = { type: 'string', minLength: 1, maxLength: 100 };
const REVISION = { type: 'string', pattern: '^[0-9a-f]{40}$' };
const ISSUE_KEY = { type: 'string', minLength: 1, maxLength: 64 };
const COMMENT = { type: 'string', maxLength: 10_000 };
/** The definition object, or its definition.json text (which keeps `1.0` vs `1` exactly). */
const DEFINITION = { type: ['object', 'string'] };

export const CREATE_TEST_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'definition', 'issueKey'],
  properties: { name: TEST_NAME, definition: DEFINITION, issueKey: ISSUE_KEY, comment: COMMENT, autoPromote: { type: 'boolean' } },
};

export const UPDATE_TEST_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['definition', 'baseRevision', 'issueKey'],
  properties: { definition: DEFINITION, baseRevision: REVISION, issueKey: ISSUE_KEY, comment: COMMENT, autoPromote: { type: 'boolean' } },
};

export const DELETE_TEST_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['baseRevision', 'issueKey'],
  properties: { baseRevision: REVISION, issueKey: ISSUE_KEY, comment: COMMENT },
};

export const REVERT_TEST_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['toRevision', 'baseRevision', 'issueKey'],
  properties: { toRevision: REVISION, baseRevision: REVISION, issueKey: ISSUE_KEY, comment: COMMENT },
};

/** Why a releaser did something out of the ordinary (override, rollback, stop): recorded in audit, history and issue. */
const REASON: JsonSchema = { type: 'string', minLength: 1, maxLength: 1000 };

export const PROMOTE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'issueKey'],
  properties: {
    from: { enum: ['trunk', 'qa'] },
    to: { enum: ['qa', 'production'] },
    revision: REVISION,
    targetRevision: { anyOf: [REVISION, { type: 'null' }] },
    issueKey: ISSUE_KEY,
    comment: COMMENT,
    override: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: REASON } },
  },
};

export const ROLLBACK_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['env', 'revision', 'reason'],
  properties: { env: { enum: ['qa', 'production'] }, revision: REVISION, reason: REASON, issueKey: ISSUE_KEY },
};

export const STOP_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: REASON, issueKey: ISSUE_KEY },
};

export const BUCKET_CHECK_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['identifier'],
  properties: { identifier: { type: 'string', minLength: 1, maxLength: 1000 }, idType: { type: 'string', maxLength: 64 }, context: { type: 'object' } },
};

export const VALIDATE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'definition'],
  properties: { name: TEST_NAME, definition: DEFINITION, baseRevision: REVISION },
};
