/**
 * JIRA failures → AppErrors, in one place. The HTTP status is what decides: 404 is a missing issue, 401/403 are our
 * credentials (an administrator's problem), 5xx, 429 and network failures mean JIRA is unavailable. Messages carry
 * JIRA's own error messages at most, never the request (so never a credential).
 */
import { AppError, isAppError } from '@/lib/errors';
import { readJiraFailure, type JiraFailure } from './jira-transport';

export interface JiraErrorContext {
  /** What we were doing, e.g. "looking up PROTEST-7". */
  doing: string;
  key?: string;
  timeoutMs: number;
  /** Appended to "JIRA unavailable" messages, e.g. how to retry. */
  retryHint?: string;
}

function jiraMessages(failure: JiraFailure): string {
  const body = failure.body;
  if (!body) return '';
  const messages = [...(body.errorMessages ?? []), ...Object.entries(body.errors ?? {}).map(([field, message]) => `${field}: ${message}`)];
  return messages.join('; ').slice(0, 500);
}

export function toJiraAppError(error: unknown, context: JiraErrorContext): Error {
  if (isAppError(error)) return error;
  const failure = readJiraFailure(error);
  if (!failure) return error instanceof Error ? error : new Error(String(error));
  const status = failure.statusCode;
  const data = { tracker: 'jira', ...(status ? { status } : {}), ...(failure.networkError ? { networkError: failure.networkError } : {}) };
  const retry = context.retryHint ? ` ${context.retryHint}` : ' Try again in a moment.';
  if (status === undefined) {
    const why = failure.networkError === 'TIMEOUT' ? `it did not answer within ${Math.round(context.timeoutMs / 100) / 10} s` : `it could not be reached (${failure.networkError ?? 'network error'})`;
    return new AppError('UPSTREAM_UNAVAILABLE', `JIRA unavailable: ${why} while ${context.doing}.${retry}`, { data });
  }
  if (status === 401 || status === 403) {
    return new AppError(
      'UPSTREAM_REJECTED',
      `JIRA rejected our credentials (HTTP ${status}) while ${context.doing}. This is a configuration problem for an administrator: check PROCTOR_JIRA_USER and PROCTOR_JIRA_TOKEN (or PROCTOR_JIRA_PAT) and that account's permissions in JIRA.`,
      { data },
    );
  }
  if (status === 404 && context.key) {
    return new AppError('ISSUE_NOT_FOUND', `Issue ${context.key} does not exist in JIRA (or the account Proctor Studio uses cannot see it).`, {
      details: [{ path: '/issueKey', message: 'does not exist' }],
      data,
    });
  }
  if (status >= 500 || status === 429) {
    return new AppError('UPSTREAM_UNAVAILABLE', `JIRA unavailable (HTTP ${status}) while ${context.doing}.${retry}`, { data });
  }
  const said = jiraMessages(failure);
  return new AppError('UPSTREAM_REJECTED', `JIRA refused the request (HTTP ${status}) while ${context.doing}${said ? `: ${said}` : ''}.`, { data });
}
