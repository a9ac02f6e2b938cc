/**
 * What the request edge answers before Next.js sees a request (lib/http/request-edge.ts, api-surface-guard.ts), and
 * issue keys arriving in a path: each row was a 500 in the hostile-input corpus (issue #14).
 */
import { describe, expect, it } from 'vitest';
import { refusalFor } from '@/lib/http/api-surface-guard';
import { normalizeIssueKey } from '@/lib/issues/issue-service';

describe('refusalFor', () => {
  it.each([
    // [method, address, code or null for "let Next handle it"]
    ['GET', '/api/v1/tests/a%ED%A0%80b', 'BAD_REQUEST'], // a lone surrogate, percent-encoded: not UTF-8
    ['GET', '/tests/%E0%A4%A', 'BAD_REQUEST'], // a page too
    ['GET', '/api/v1/tests/%F0%9F%98%80', null], // valid UTF-8 (an emoji): the route refuses the name itself
    ['TRACE', '/api/v1/tests', 'METHOD_NOT_ALLOWED'],
    ['TRACE', '/tests', 'METHOD_NOT_ALLOWED'],
    ['GET', '/api/v1/nope', 'NOT_FOUND'],
    ['PATCH', '/api/v1/tests', 'METHOD_NOT_ALLOWED'],
    ['GET', '/api/v1/tests', null],
    ['GET', '/tests/checkout_button_color', null],
  ])('%s %s → %s', (method, address, code) => {
    expect(refusalFor(method, address)?.code ?? null).toBe(code);
  });
});

describe('normalizeIssueKey', () => {
  it.each([
    ['protest-7', 'PROTEST-7'],
    ['PROTEST%2D7', 'PROTEST-7'], // still encoded (older clients)
    ['${7*7}#{7*7}%s%n', '${7*7}#{7*7}%S%N'], // not encoding: kept as typed, the grammar refuses it later
  ])('%s → %s', (raw, key) => {
    expect(normalizeIssueKey(raw)).toBe(key);
  });
});
