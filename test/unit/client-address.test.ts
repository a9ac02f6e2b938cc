/**
 * Client address and host resolution (lib/http/client-address.ts): forwarding headers count only when the socket peer
 * (PEER_ADDRESS_HEADER, stamped by the server) is a configured trusted proxy.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { allowedOrigins } from '@/lib/auth/origin-check';
import { loadConfig } from '@/lib/config';
import { clientAddress, normalizeAddress, parseTrustedProxies, PEER_ADDRESS_HEADER, requestHosts } from '@/lib/client-address';
import { stampPeerAddress } from '@/lib/http/request-edge';

const PROXIES = ['10.0.0.5', '10.1.0.0/16', 'fd00::/8'];
const req = (headers: Record<string, string>) => new Request('http://studio.test/api/v1/session', { headers });

const addressCases: [string, Record<string, string>, readonly string[], string | null][] = [
  ['no proxy configured: the peer, whatever X-Forwarded-For says', { [PEER_ADDRESS_HEADER]: '127.0.0.1', 'x-forwarded-for': '203.0.113.9' }, [], '127.0.0.1'],
  ['peer is not a trusted proxy: the peer', { [PEER_ADDRESS_HEADER]: '198.51.100.4', 'x-forwarded-for': '203.0.113.9' }, PROXIES, '198.51.100.4'],
  ['trusted proxy: the hop it appended', { [PEER_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': '203.0.113.9' }, PROXIES, '203.0.113.9'],
  ['trusted proxy: client-written hops left of the real one are ignored', { [PEER_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': '1.1.1.1, 2.2.2.2, 203.0.113.9' }, PROXIES, '203.0.113.9'],
  ['chain of trusted proxies: right-most untrusted hop', { [PEER_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.1.4.4' }, PROXIES, '203.0.113.9'],
  ['every hop trusted: the left-most', { [PEER_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': '10.1.0.7, 10.1.4.4' }, PROXIES, '10.1.0.7'],
  ['trusted proxy without X-Forwarded-For: the proxy', { [PEER_ADDRESS_HEADER]: '10.0.0.5' }, PROXIES, '10.0.0.5'],
  ['trusted proxy forwarding garbage: unknown', { [PEER_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': '203.0.113.9, not-an-ip' }, PROXIES, null],
  ['IPv6 proxy range and a bracketed hop with port', { [PEER_ADDRESS_HEADER]: 'fd00::1', 'x-forwarded-for': '[2001:db8::7]:443' }, PROXIES, '2001:db8::7'],
  ['IPv4-mapped peer matches an IPv4 rule', { [PEER_ADDRESS_HEADER]: '::ffff:10.0.0.5', 'x-forwarded-for': '203.0.113.9:5555' }, PROXIES, '203.0.113.9'],
  ['no peer stamp (not through our server): unknown, X-Forwarded-For ignored', { 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.9' }, PROXIES, null],
];

describe('clientAddress', () => {
  it.each(addressCases)('%s', (_name, headers, trusted, expected) => {
    expect(clientAddress(req(headers), trusted)).toBe(expected);
  });
});

describe('requestHosts and the Origin check', () => {
  const hostCases: [string, Record<string, string>, readonly string[], string[]][] = [
    ['no proxy configured: Host only', { host: 'studio.test', 'x-forwarded-host': 'evil.example', [PEER_ADDRESS_HEADER]: '127.0.0.1' }, [], ['studio.test']],
    ['untrusted peer: Host only', { host: 'studio.test', 'x-forwarded-host': 'evil.example', [PEER_ADDRESS_HEADER]: '198.51.100.4' }, PROXIES, ['studio.test']],
    ['trusted proxy: the value it set (last) and Host', { host: 'app:3000', 'x-forwarded-host': 'evil.example, studio.example.com', [PEER_ADDRESS_HEADER]: '10.0.0.5' }, PROXIES, ['studio.example.com', 'app:3000']],
  ];
  it.each(hostCases)('%s', (_name, headers, trusted, expected) => {
    expect(requestHosts(req(headers), trusted)).toEqual(expected);
  });

  it('a spoofed X-Forwarded-Host does not make a foreign Origin allowed', () => {
    const spoofed = req({ host: 'studio.test', 'x-forwarded-host': 'evil.example', [PEER_ADDRESS_HEADER]: '127.0.0.1' });
    expect(allowedOrigins(spoofed, undefined, []).has('https://evil.example')).toBe(false);
    expect(allowedOrigins(spoofed, undefined, ['127.0.0.1']).has('https://evil.example')).toBe(true);
  });
});

describe('configuration and the peer stamp', () => {
  it('reads PROCTOR_TRUSTED_PROXIES and refuses entries that are not addresses or ranges', () => {
    expect(loadConfig({} as NodeJS.ProcessEnv).trustedProxies).toEqual([]);
    expect(loadConfig({ PROCTOR_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16 ::1' } as unknown as NodeJS.ProcessEnv).trustedProxies).toEqual(['10.0.0.5', '10.1.0.0/16', '::1']);
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/2', '::1/129', '10.0.0.0/x']) {
      expect(() => parseTrustedProxies(bad)).toThrow(`PROCTOR_TRUSTED_PROXIES: '${bad}' is not an IP address or CIDR range`);
    }
  });

  it('normalises addresses', () => {
    expect(['::FFFF:127.0.0.1', '[::1]:80', '1.2.3.4:8080', ' 2001:DB8::1 ', 'x', ''].map(normalizeAddress)).toEqual(['127.0.0.1', '::1', '1.2.3.4', '2001:db8::1', null, null]);
  });

  it('stamps the socket address and drops a client-sent copy', () => {
    const socket = new Socket();
    Object.defineProperty(socket, 'remoteAddress', { value: '192.0.2.44' });
    const message = new IncomingMessage(socket);
    message.headers = { [PEER_ADDRESS_HEADER]: '10.0.0.5', host: 'studio.test' };
    stampPeerAddress(message);
    expect(message.headers[PEER_ADDRESS_HEADER]).toBe('192.0.2.44');
    socket.destroy();
  });
});
