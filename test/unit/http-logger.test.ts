import { describe, expect, it } from 'vitest';
import { createLogger, withRequestId } from '@/lib/log/logger';
import { isSecretKey, redact, redactText } from '@/lib/log/redact';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level, write: (line) => lines.push(line), now: () => new Date('2025-01-02T03:04:05.000Z') }) };
}

describe('logger', () => {
  it('writes one JSON object per line with time, level, msg and the request id', () => {
    const { lines, logger } = capture();
    withRequestId(logger, 'req-9').info('request', { method: 'GET', status: 200 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0])).toEqual({ time: '2025-01-02T03:04:05.000Z', level: 'info', msg: 'request', requestId: 'req-9', method: 'GET', status: 200 });
    expect(Object.keys(JSON.parse(lines[0])).slice(0, 3)).toEqual(['time', 'level', 'msg']);
  });

  it('drops lines below its level', () => {
    const { lines, logger } = capture('info');
    logger.debug('noise');
    logger.warn('kept');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['kept']);
  });

  it('never writes passwords, tokens, cookies or authorization headers, at any depth', () => {
    const { lines, logger } = capture();
    const secrets = ['hunter2-password', 'pst_abcdefghijklmnopqrstuvwxyz012345', 'sessiontokenvalue123', 'Bearer pst_zzzzzzzzzzzzzzzzzzzzzzzzz', 'basicsecret'];
    logger.info('login attempt', {
      body: { username: 'erin', password: secrets[0] },
      nested: [{ apiToken: secrets[1] }, { headers: { cookie: `proctor_session=${secrets[2]}`, Authorization: secrets[3] } }],
      note: `client sent ${secrets[1]} and proctor_session=${secrets[2]}`,
      gitPassword: secrets[4],
      error: Object.assign(new Error(`bad header Bearer ${secrets[2]}`), { code: 'X' }),
    });
    logger.info(`message mentioning ${secrets[1]}`);
    const text = lines.join('\n');
    for (const secret of [...secrets, 'pst_zzzz']) expect(text).not.toContain(secret);
    const entry = JSON.parse(lines[0]);
    expect(entry.body).toEqual({ username: 'erin', password: '[REDACTED]' });
    expect(entry.nested[1].headers).toEqual({ cookie: '[REDACTED]', Authorization: '[REDACTED]' });
    expect(entry.error.code).toBe('X');
  });

  it('scrubs free text in any letter case, and leaves text without a credential as it is', () => {
    expect(redactText('sent BEARER abc.def')).toBe('sent BEARER [REDACTED]');
    expect(redactText('sent basic dXNlcjpwYXNz')).toBe('sent basic [REDACTED]');
    expect(redactText('x pst_abcdefghijklmnopqrstuvwxyz y')).toBe('x pst_[REDACTED] y');
    expect(redactText('Cookie: proctor_session=abc123; theme=dark')).toBe('Cookie: proctor_session=[REDACTED]; theme=dark');
    expect(redactText('/api/v1/matrix/production')).toBe('/api/v1/matrix/production');
    // A key's answer is remembered, and the same for every line.
    for (let i = 0; i < 2; i++) {
      expect(isSecretKey('gitPassword')).toBe(true);
      expect(isSecretKey('tokenPrefix')).toBe(false);
      expect(isSecretKey('requestId')).toBe(false);
    }
  });

  it('keeps token descriptions that are not secrets', () => {
    expect(redact({ tokenPrefix: 'pst_abcd', tokenName: 'ci', prefix: 'pst_abcd' })).toEqual({ tokenPrefix: 'pst_abcd', tokenName: 'ci', prefix: 'pst_abcd' });
  });

  it('survives circular structures', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[Circular]' });
  });
});
