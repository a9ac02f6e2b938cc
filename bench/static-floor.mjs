// The matrix bench's floor, in its own process like the app it is compared with: node:http answering from the same
// bytes in memory, 304 on the same ETag. Usage: node bench/static-floor.mjs DIR PORT, where DIR holds
// <coding>.body and <coding>.etag for identity, gzip and br. Prints "listening PORT" once ready.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [dir, port] = process.argv.slice(2);
const variants = {};
for (const coding of ['identity', 'gzip', 'br']) {
  variants[coding] = { body: readFileSync(path.join(dir, `${coding}.body`)), etag: readFileSync(path.join(dir, `${coding}.etag`), 'utf8') };
}
const server = http.createServer((req, res) => {
  const coding = req.headers['accept-encoding'] ?? 'identity';
  const variant = variants[coding] ?? variants.identity;
  const headers = { etag: variant.etag, vary: 'accept-encoding', 'content-type': 'application/json;charset=utf-8' };
  if (req.headers['if-none-match'] === variant.etag) return void res.writeHead(304, headers).end();
  if (coding !== 'identity') headers['content-encoding'] = coding;
  headers['content-length'] = variant.body.length;
  res.writeHead(200, headers).end(variant.body);
});
server.listen(Number(port) || 0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
