/**
 * Node.js server side of client-address.ts: stamps every incoming HTTP request with the address of its TCP peer in
 * PEER_ADDRESS_HEADER, after deleting any copy the client sent, before Next.js (or anything else) handles it. Route
 * handlers only see headers, never the socket, so this is how the real peer reaches them.
 *
 * Installed from instrumentation.ts. `next start` has created its http.Server by then, so the hook goes on
 * http.Server.prototype.emit, which every server — existing or new — uses to deliver its 'request' events. Requests
 * that arrived before installation carry no stamp and count as "address unknown": forwarding headers are never
 * believed for them.
 */
import http, { type IncomingMessage } from 'node:http';
import { PEER_ADDRESS_HEADER } from './client-address';

const INSTALLED = Symbol.for('proctor-studio.peer-address-recorder');

/** Replaces whatever the client put in PEER_ADDRESS_HEADER with the socket's remote address. */
export function stampPeerAddress(request: IncomingMessage): void {
  delete request.headers[PEER_ADDRESS_HEADER];
  const address = request.socket?.remoteAddress;
  if (address) request.headers[PEER_ADDRESS_HEADER] = address;
}

export function installPeerAddressRecorder(): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function emitWithPeerAddress(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') stampPeerAddress(args[0] as IncomingMessage);
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
  proto[INSTALLED] = true;
}
