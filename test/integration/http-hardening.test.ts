/**
 * The transport shell against the production build (issue #14, finding 8): security headers on pages and the API,
 * NUL characters in addresses and sign-in names (4xx, audited), out-of-range heartbeat timestamps, methods and paths
 * no route takes (JSON 405/404, TRACE included), 404 status for unknown test and issue pages, the icon, and a health
 * endpoint that tells anonymous callers only up or down.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startAppServer, type AppServer } from '@/test/support/app-server';
import { assertDocumented } from '@/test/support/openapi-check';

let app: AppServer;
let anonymous: ApiClient;
let erin: ApiClient;
let avery: ApiClient;

beforeAll(async () => {
  app = await startAppServer();
  anonymous = new ApiClient(app.baseUrl);
  erin = await new ApiClient(app.baseUrl).login('erin');
  avery = await new ApiClient(app.baseUrl).login('avery');
}, 900_000);
afterAll(async () => {
  await app?.stop();
});

/** Any method, including those fetch refuses to send (TRACE), over a plain HTTP/1.1 connection. */
function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; json: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${app.baseUrl}${path}`, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

const cookieOf = (client: ApiClient) => ({ cookie: `proctor_session=${client.sessionCookie}` });

/** The audit entries with these request ids (the test sends its own x-request-id). */
async function auditFor(requestIds: string[]): Promise<Array<{ requestId: string; outcome: string; details: { status: number } }>> {
  const page = await avery.get('/api/v1/audit?limit=500');
  expect(page.status).toBe(200);
  return page.json.entries.filter((entry: { requestId: string }) => requestIds.includes(entry.requestId));
}

describe('security headers', () => {
  it('puts a nonce CSP, frame-ancestors and the static headers on pages', async () => {
    for (const [client, path] of [[anonymous, '/login'], [erin, '/tests']] as const) {
      const page = await client.get(path);
      expect(page.status, path).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/.exec(csp)?.[1];
      expect(nonce, `${path}: ${csp}`).toBeTruthy();
      // Every script tag of the page carries this response's nonce (or the policy would block it).
      const scripts = [...page.text.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
    }
    const first = (await erin.get('/tests')).headers.get('content-security-policy');
    expect((await erin.get('/tests')).headers.get('content-security-policy')).not.toBe(first);
  });

  it('puts them on API answers too, errors included', async () => {
    for (const response of [await erin.get('/api/v1/tests'), await anonymous.get('/api/v1/tests'), await anonymous.get('/api/health')]) {
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
    }
  });
});

describe('NUL characters', () => {
  it('answers a NUL in a path or query parameter with 400 naming it, and audits the refusal', async () => {
    const token = await avery.createToken('nul check');
    const cases: Array<[ApiClient, string, string, string]> = [
      [erin, 'GET', '/api/v1/issues/PROTEST-%00', '/PROTEST-\\u0000'],
      [erin, 'GET', '/api/v1/issues/PROTEST-%001/transitions', '/PROTEST-\\u00001'],
      [erin, 'POST', '/api/v1/issues/PROTEST-%00/comments', '/PROTEST-\\u0000'],
      [avery, 'DELETE', '/api/v1/tokens/ab%00c', '/ab\\u0000c'],
      [avery, 'DELETE', '/api/v1/consumers/tokens/ab%00c', '/ab\\u0000c'],
      [avery, 'PATCH', '/api/v1/users/a%00b', '/a\\u0000b'],
      [erin, 'GET', '/api/v1/issues?q=a%00b', '?q'],
      [erin, 'GET', '/api/v1/tests?q=a%00b', '?q'],
      [erin, 'GET', `/api/v1/tests/checkout_button_color/diff?from=tr%00unk`, '?from'],
      [ApiClient.withToken(app.baseUrl, token.token), 'GET', '/api/v1/tests?tag=%00', '?tag'],
    ];
    const ids: string[] = [];
    for (const [client, method, path, where] of cases) {
      const requestId = `nul-${ids.length}`;
      ids.push(requestId);
      const body = method === 'PATCH' ? { role: 'viewer' } : method === 'POST' ? { body: 'hello' } : undefined;
      const response = await client.request(method, path, { body, headers: { 'x-request-id': requestId } });
      expect(response.status, `${method} ${path}: ${response.text}`).toBe(400);
      expect(response.json.code).toBe('BAD_REQUEST');
      expect(response.json.message).toContain('NUL character');
      expect(response.json.details).toEqual([{ path: where, message: 'must not contain the NUL character (%00)' }]);
    }
    const audited = await auditFor(ids);
    expect(audited.map((entry) => entry.requestId).sort()).toEqual([...ids].sort());
    expect(audited.every((entry) => entry.outcome === 'refused' && entry.details.status === 400)).toBe(true);
  });

  it('refuses a NUL in the sign-in name with 422 naming the field, audited', async () => {
    const response = await anonymous.post('/api/v1/session', { username: 'av\u0000ery', password: 'demo' }, { headers: { 'x-request-id': 'nul-login' } });
    expect(response.status).toBe(422);
    expect(response.json.details).toEqual([{ path: '/username', message: 'must not contain the NUL character (\\u0000)' }]);
    expect((await auditFor(['nul-login'])).map((entry) => entry.outcome)).toEqual(['refused']);
  });

  it('answers a NUL in a page address with 400, not a page', async () => {
    for (const path of ['/issues/A%00B', '/tests/a%00b', '/issues?q=a%00b', '/tests?q=%00']) {
      const response = await erin.get(path);
      expect(response.status, path).toBe(400);
      expect(response.text).toContain('NUL character');
    }
  });
});

describe('heartbeat timestamps', () => {
  it('refuses an out-of-range matrixLoadedAt with 422 naming the field', async () => {
    const created = await avery.post('/api/v1/consumers/tokens', { name: 'range-check', environment: 'trunk' });
    expect(created.status).toBe(201);
    const application = ApiClient.withToken(app.baseUrl, created.json.token);
    const beat = (matrixLoadedAt: number) =>
      application.post('/api/v1/heartbeat', { application: 'range-check', version: '1', environment: 'trunk', instanceId: 'i-1', matrixRevision: null, matrixLoadedAt, specification: { tests: {} } });
    for (const value of [1e16, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, 1e300]) {
      const response = await beat(value);
      expect(response.status, String(value)).toBe(422);
      expect(response.json.details).toEqual([{ path: '/matrixLoadedAt', message: 'must be at most 253402300799999' }]);
    }
    expect((await beat(Date.now())).status).toBe(200);
  });
});

describe('methods and paths no route takes', () => {
  it('answers TRACE with a JSON 405 and Allow, on API routes and pages', async () => {
    const api = await raw('TRACE', '/api/v1/tests', cookieOf(erin));
    expect(api.status).toBe(405);
    expect(api.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    expect(api.json).toMatchObject({ code: 'METHOD_NOT_ALLOWED', message: '/api/v1/tests does not accept TRACE; use GET, HEAD, OPTIONS, POST.' });
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    const page = await raw('TRACE', '/tests');
    expect(page.status).toBe(405);
    expect(page.headers.allow).toBe('GET, HEAD, POST');
  });

  it('answers a method a route does not export with a JSON 405 naming the allowed ones', async () => {
    const patch = await erin.request('PATCH', '/api/v1/tests');
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    expect(patch.json.code).toBe('METHOD_NOT_ALLOWED');
    const put = await raw('PROPFIND', '/api/v1/tests/checkout_button_color/history');
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD, OPTIONS');
    // What the routes do take still reaches them.
    expect((await erin.get('/api/v1/tests/checkout_button_color/history')).status).toBe(200);
    expect((await raw('OPTIONS', '/api/v1/tests')).headers.allow).toBe('GET, HEAD, OPTIONS, POST');
  });

  it('answers unknown API paths with a JSON 404 in the error body', async () => {
    for (const path of ['/api/nope', '/api/v1/nope', '/api/v1/tests/checkout_button_color/nope', '/api']) {
      const response = await erin.get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json).toMatchObject({ code: 'NOT_FOUND', details: [{ path, message: 'no such endpoint' }] });
    }
    expect((await erin.post('/api/v1/nope', { a: 1 })).status).toBe(404);
  });
});

describe('pages for things that do not exist', () => {
  it('answer 404', async () => {
    for (const path of ['/tests/does_not_exist', '/tests/does_not_exist/edit', '/issues/NOPE-1', '/tests/not..valid']) {
      const response = await erin.get(path);
      expect(response.status, path).toBe(404);
      expect(response.text).toContain('Not found');
    }
    expect((await erin.get('/tests/checkout_button_color')).status).toBe(200);
    expect((await erin.get('/tests/checkout_button_color/edit')).status).toBe(200);
  });

  it('still send signed-out visitors to sign in rather than telling them what exists', async () => {
    const response = await anonymous.get('/tests/does_not_exist');
    expect(response.status).not.toBe(404);
    expect(`${response.headers.get('location') ?? ''} ${response.text}`).toContain('/login?next=');
  });
});

describe('icon', () => {
  it('is declared by every page and served: the SVG, and /favicon.ico for browsers that ask for it anyway', async () => {
    const page = await erin.get('/tests');
    const hrefs = [...page.text.matchAll(/<link rel="icon" href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs.map((href) => href.replace(/\?.*$/, '')).sort(), page.text.slice(0, 2000)).toEqual(['/favicon.ico', '/icon.svg']);
    for (const href of hrefs) {
      const icon = await anonymous.get(href);
      expect(icon.status, href).toBe(200);
      expect(icon.headers.get('content-type'), href).toMatch(href.startsWith('/icon.svg') ? /^image\/svg\+xml/ : /^image\/(x-icon|vnd\.microsoft\.icon)/);
    }
  });
});

describe('health', () => {
  it('tells anonymous callers only up or down, signed-in users the details', async () => {
    const open = await anonymous.get('/api/health');
    expect(open.status).toBe(200);
    expect(open.json).toEqual({ status: 'ready' });
    assertDocumented('GET', '/api/health', open);
    const detailed = await erin.get('/api/health');
    expect(detailed.json).toMatchObject({ status: 'ready', database: 'ok', index: { ready: true } });
    expect(detailed.json.repository.heads.trunk).toMatch(/^[0-9a-f]{40}$/);
  });
});
