/**
 * Who sent a request: the client address (rate limits, audit log) and the host it was sent to (Origin check).
 *
 * X-Forwarded-For and X-Forwarded-Host are plain request headers anyone can send, so they are believed only when the
 * TCP peer is a configured trusted proxy (PROCTOR_TRUSTED_PROXIES); otherwise the peer itself is the client. Next.js
 * does not hand the socket to route handlers (and copies a client-supplied X-Forwarded-For through untouched), so
 * lib/http/request-edge.ts writes the socket's address into PEER_ADDRESS_HEADER before Next sees the request,
 * replacing any copy the client sent.
 */
import { BlockList, isIP } from 'node:net';

/** Set by the server from the socket (never from the client): see lib/http/request-edge.ts. */
export const PEER_ADDRESS_HEADER = 'x-proctor-peer-address';

/** One address in canonical form: IPv4-mapped IPv6 as IPv4, brackets and a port (`[::1]:80`, `1.2.3.4:80`) removed. */
export function normalizeAddress(value: string | null | undefined): string | null {
  let text = value?.trim();
  if (!text) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  if (mapped) text = mapped[1];
  return isIP(text) ? text.toLowerCase() : null;
}

/**
 * The PROCTOR_TRUSTED_PROXIES list (addresses and CIDR ranges, comma or space separated), checked: a typo must stop
 * the server rather than silently trust nobody (or everybody).
 */
export function parseTrustedProxies(value: string | undefined): string[] {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) toRule(entry);
  return entries;
}

type Rule = { address: string; prefix: number; family: 'ipv4' | 'ipv6' };

function toRule(entry: string): Rule {
  const [rawAddress, rawPrefix, extra] = entry.split('/');
  const address = normalizeAddress(rawAddress);
  const family = address && isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const max = family === 'ipv6' ? 128 : 32;
  const prefix = rawPrefix === undefined ? max : /^\d{1,3}$/.test(rawPrefix) ? Number(rawPrefix) : NaN;
  if (!address || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
    throw new Error(`PROCTOR_TRUSTED_PROXIES: '${entry}' is not an IP address or CIDR range (examples: 10.0.0.5, 10.0.0.0/8, ::1, fd00::/8).`);
  }
  return { address, prefix, family };
}

const matchers = new Map<string, BlockList>();

function matcherFor(trusted: readonly string[]): BlockList {
  const key = trusted.join(',');
  let list = matchers.get(key);
  if (!list) {
    list = new BlockList();
    for (const rule of trusted.map(toRule)) list.addSubnet(rule.address, rule.prefix, rule.family);
    matchers.set(key, list);
  }
  return list;
}

export function isTrustedProxy(address: string | null, trusted: readonly string[]): boolean {
  if (!address || trusted.length === 0) return false;
  return matcherFor(trusted).check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

function peerOf(request: { headers: Headers }): string | null {
  return normalizeAddress(request.headers.get(PEER_ADDRESS_HEADER));
}

/**
 * The client's address: the socket peer, or — when the peer is a trusted proxy — the right-most X-Forwarded-For hop
 * that is not itself a trusted proxy (hops further left were written by the client and prove nothing). Null when the
 * peer is unknown (the request did not come through our server) or a trusted proxy forwarded something unreadable.
 */
export function clientAddress(request: { headers: Headers }, trusted: readonly string[]): string | null {
  const peer = peerOf(request);
  if (!isTrustedProxy(peer, trusted)) return peer;
  const hops = (request.headers.get('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    client = normalizeAddress(hops[i]);
    if (!isTrustedProxy(client, trusted)) break;
  }
  return client;
}

/** The hosts the request was addressed to: Host, plus the X-Forwarded-Host our trusted proxy set (its last value). */
export function requestHosts(request: { headers: Headers }, trusted: readonly string[]): string[] {
  const hosts: string[] = [];
  if (isTrustedProxy(peerOf(request), trusted)) {
    const forwarded = request.headers.get('x-forwarded-host')?.split(',').pop()?.trim();
    if (forwarded) hosts.push(forwarded);
  }
  const host = request.headers.get('host')?.trim();
  if (host) hosts.push(host);
  return hosts;
}
