/**
 * Our transport for jira-client (its documented `request` option). jira-client's own transport rejects with the bare
 * response body, so a 404, a 401 and a 503 all look alike; this one rejects with a JiraFailure that keeps the HTTP
 * status (or the network error code) so the adapter can tell "no such issue" from "JIRA is down".
 *
 * jira-client turns every rejection into `new Error(JSON.stringify(rejection))`; the failure is therefore a plain,
 * JSON-safe object and is read back with readJiraFailure(). It never contains the request's credentials.
 */
import http from 'node:http';
import https from 'node:https';

export interface JiraFailure {
  jiraFailure: true;
  /** HTTP status, absent for network failures and timeouts. */
  statusCode?: number;
  /** 'TIMEOUT' or the socket error code (ECONNREFUSED, ECONNRESET, ENOTFOUND…). */
  networkError?: string;
  /** JIRA's error body {errorMessages, errors} when there was one (HTML error pages are dropped). */
  body?: { errorMessages?: string[]; errors?: Record<string, string> };
}

/** The subset of request/postman-request options jira-client passes. */
export interface JiraRequestOptions {
  uri: string;
  method?: string;
  json?: boolean;
  body?: unknown;
  timeout?: number;
  rejectUnauthorized?: boolean;
  ca?: string | Buffer;
  auth?: { user?: string; pass?: string; bearer?: string };
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** jira-client decodes its URLs (decodeURIComponent); re-encode before sending so JQL and field lists survive. */
function toUrl(uri: string): URL {
  return new URL(uri);
}

function authorizationOf(auth: JiraRequestOptions['auth']): string | undefined {
  if (!auth) return undefined;
  if (auth.bearer) return `Bearer ${auth.bearer}`;
  if (auth.user || auth.pass) return `Basic ${Buffer.from(`${auth.user ?? ''}:${auth.pass ?? ''}`).toString('base64')}`;
  return undefined;
}

function errorBodyOf(text: string): JiraFailure['body'] {
  try {
    const parsed = JSON.parse(text) as JiraFailure['body'];
    if (parsed && typeof parsed === 'object') {
      return {
        errorMessages: Array.isArray(parsed.errorMessages) ? parsed.errorMessages.filter((m) => typeof m === 'string') : [],
        errors: parsed.errors && typeof parsed.errors === 'object' ? parsed.errors : {},
      };
    }
  } catch {
    // not JSON (an HTML error page from a proxy): nothing worth keeping
  }
  return undefined;
}

/**
 * A `request` function for jira-client. `timeoutMs` bounds the whole exchange (connect, headers and body), not only
 * the wait for headers, so a JIRA that trickles its answer cannot hold a save for longer.
 */
export function createJiraTransport(options: { timeoutMs: number }) {
  return function jiraRequest(request: JiraRequestOptions): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const url = toUrl(request.uri);
      const client = url.protocol === 'https:' ? https : http;
      const headers: Record<string, string> = { Accept: 'application/json', 'X-Atlassian-Token': 'no-check' };
      const authorization = authorizationOf(request.auth);
      if (authorization) headers.Authorization = authorization;
      let payload: Buffer | undefined;
      if (request.body !== undefined) {
        payload = Buffer.from(JSON.stringify(request.body));
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = String(payload.length);
      }
      let settled = false;
      const fail = (failure: Omit<JiraFailure, 'jiraFailure'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject({ jiraFailure: true, ...failure } satisfies JiraFailure);
      };
      const req = client.request(
        url,
        { method: request.method ?? 'GET', headers, rejectUnauthorized: request.rejectUnauthorized ?? true, ca: request.ca },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy();
              fail({ networkError: 'RESPONSE_TOO_LARGE' });
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (error: NodeJS.ErrnoException) => fail({ networkError: error.code ?? 'ERESPONSE' }));
          res.on('end', () => {
            if (settled) return;
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 400 || status < 200) return fail({ statusCode: status, body: errorBodyOf(text) });
            settled = true;
            clearTimeout(timer);
            if (text.trim() === '') return resolve(undefined);
            try {
              resolve(JSON.parse(text));
            } catch {
              reject({ jiraFailure: true, statusCode: status, networkError: 'INVALID_JSON' } satisfies JiraFailure);
            }
          });
        },
      );
      const timer = setTimeout(() => {
        fail({ networkError: 'TIMEOUT' });
        req.destroy();
      }, options.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => fail({ networkError: error.code ?? 'EREQUEST' }));
      req.end(payload);
    });
  };
}

/** The JiraFailure inside an error thrown by jira-client, or null when the error came from somewhere else. */
export function readJiraFailure(error: unknown): JiraFailure | null {
  if (error && typeof error === 'object' && (error as JiraFailure).jiraFailure === true) return error as JiraFailure;
  const message = error instanceof Error ? error.message : undefined;
  if (!message || !message.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(message) as JiraFailure;
    return parsed && parsed.jiraFailure === true ? parsed : null;
  } catch {
    return null;
  }
}
