/**
 * A small real HTTP server that implements the events wire contract (docs/events.md) for the client's own
 * tests: de-duplicates by id, answers per event, rejects tests it does not know, and can be told to answer the next
 * requests badly (5xx, 429 with Retry-After, 413, 401, malformed JSON, partial results). It also serves a matrix and
 * static files, so a browser page and the events endpoint share one origin. The real endpoint is tested separately
 * (test/integration/client-events-endpoint.test.ts).
 */
import http from 'node:http';
import type { ClientEvent } from '@/lib/client';
import type { TestMatrixArtifact } from '@/lib/proctor/model';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer results for only the first n events of the batch (the rest are left out). */
  resultsFor?: number;
}

export interface RecordedRequest {
  at: number;
  status: number;
  events: number;
  auth: 'header' | 'body' | 'none';
  contentType: string;
  bytes: number;
}

export class EventsServerDouble {
  readonly stored = new Map<string, ClientEvent>();
  /** Every event received, duplicates included, in arrival order. */
  readonly received: ClientEvent[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly script: ScriptedAnswer[] = [];
  /** Tests whose exposures are accepted; others are rejected with a reason (null = accept every test). */
  knownTests: Set<string> | null = null;
  token = 'pct_test';
  /** Bodies larger than this get 413. */
  maxBodyBytes = 1024 * 1024;
  matrix: TestMatrixArtifact | null = null;
  files = new Map<string, { type: string; body: string | Buffer }>();
  port = 0;
  private readonly server: http.Server;

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Stored events of one type. */
  ofType<T extends ClientEvent['type']>(type: T): Extract<ClientEvent, { type: T }>[] {
    return [...this.stored.values()].filter((event): event is Extract<ClientEvent, { type: T }> => event.type === type);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      if (url.pathname.startsWith('/api/v1/matrix/') && this.matrix) {
        res.writeHead(200, { 'content-type': 'application/json', etag: `"${this.matrix.audit.version}"`, 'x-proctor-revision': this.matrix.audit.version }).end(serializeMatrix(this.matrix));
        return;
      }
      const file = this.files.get(url.pathname);
      if (file) {
        res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
        return;
      }
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/api/v1/events') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const record: RecordedRequest = { at: Date.now(), status: 0, events: 0, auth: 'none', contentType: String(req.headers['content-type'] ?? ''), bytes: raw.length };
    this.requests.push(record);
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    };
    let body: { token?: unknown; events?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return answer(422, '{"message":"not JSON"}');
    }
    const events = Array.isArray(body?.events) ? (body.events as ClientEvent[]) : null;
    record.events = events?.length ?? 0;
    const scripted = this.script.shift();
    if (scripted && scripted.resultsFor === undefined) return answer(scripted.status, scripted.body ?? '{}', scripted.headers);
    if (raw.length > this.maxBodyBytes) return answer(413, '{"message":"too large"}');
    const header = req.headers.authorization;
    record.auth = header ? 'header' : body.token ? 'body' : 'none';
    const token = header?.startsWith('Bearer ') ? header.slice(7) : body.token;
    if (token !== this.token) return answer(401, '{"message":"token"}');
    if (!events || events.length > 1000) return answer(422, '{"message":"batch"}');
    const results = events.map((event) => {
      this.received.push(event);
      if (typeof event?.id !== 'string') return { id: String(event?.id), status: 'rejected', reason: 'no id' };
      if (event.type === 'exposure' && this.knownTests && !this.knownTests.has(event.test)) return { id: event.id, status: 'rejected', reason: `unknown test ${event.test}` };
      if (this.stored.has(event.id)) return { id: event.id, status: 'duplicate' };
      this.stored.set(event.id, event);
      return { id: event.id, status: 'accepted' };
    });
    const shown = scripted?.resultsFor !== undefined ? results.slice(0, scripted.resultsFor) : results;
    const count = (status: string) => shown.filter((r) => r.status === status).length;
    answer(200, JSON.stringify({ results: shown, accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected') }));
  }
}
