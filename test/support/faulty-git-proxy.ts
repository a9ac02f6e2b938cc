/**
 * A small HTTP proxy in front of a git upstream (test/support/git-http-server.ts) that can lose, replace or hold back
 * the answer to a push after the upstream applied it, or never forward it: the faults that leave a push's outcome
 * unknown to its sender (issue #22). Every other request passes through unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with the next push (POST …/git-receive-pack); every other request passes through.
 * - lose-answer: forward it, let the upstream apply it, then cut the client's connection instead of answering;
 * - lose-answer-then-down: the same, and from then on refuse every connection (the check cannot be made);
 * - answer-5xx: forward it, then answer 502 instead of the upstream's answer;
 * - hold-answer: forward it and keep the answer back until the client gives up (its timeout);
 * - never-forward: cut the connection without forwarding (nothing reaches the upstream).
 */
export type PushFault = 'lose-answer' | 'lose-answer-then-down' | 'answer-5xx' | 'hold-answer' | 'never-forward';

export interface FaultyProxy {
  url: string;
  next: PushFault | null;
  down: boolean;
  close(): Promise<void>;
}

export async function startFaultyGitProxy(target: string): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const state: FaultyProxy = { url: '', next: null, down: false, close: async () => undefined };
  const server = http.createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const fault = req.method === 'POST' && req.url?.endsWith('/git-receive-pack') ? state.next : null;
    if (fault) state.next = null;
    if (fault === 'never-forward') {
      req.resume();
      req.on('end', () => req.socket.destroy());
      return;
    }
    const forwarded = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (!fault) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        // The upstream's whole answer is read (the push is applied), then the client gets something else.
        answer.resume();
        answer.on('end', () => {
          if (fault === 'answer-5xx') {
            res.writeHead(502, { 'content-type': 'text/plain' });
            res.end('bad gateway');
          } else if (fault === 'hold-answer') {
            // Nothing: the client's own timeout ends the request.
          } else {
            if (fault === 'lose-answer-then-down') state.down = true;
            req.socket.destroy();
          }
        });
      },
    );
    forwarded.on('error', () => req.socket.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

