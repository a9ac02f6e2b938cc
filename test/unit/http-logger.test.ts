import { describe, expect, it } from 'vitest';
import { createLogger, isoTime, jsonMember, jsonMembers, joinMembers, withRequestId } from '@/lib/log/logger';
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

describe('prepared members (a hot path\'s line, its fixed fields serialised once)', () => {
  const fields = { requestId: 'req-7', method: 'GET', path: '/api/v1/matrix/qa', status: 304, ms: 0.3, edge: true };
  const prepared = () => joinMembers(jsonMember('requestId', 'req-7'), jsonMembers({ method: 'GET', path: '/api/v1/matrix/qa', status: 304 }), jsonMember('ms', 0.3), jsonMembers({ edge: true }));

  it('writes the very line info() writes, on a logger and on a child', () => {
    const plain = capture();
    const members = capture();
    plain.logger.info('request', fields);
    members.logger.infoMembers('request', prepared());
    expect(members.lines).toEqual(plain.lines);
    const child = capture();
    const childMembers = capture();
    child.logger.child({ requestId: 'outer', app: 'x' }).info('request', fields);
    childMembers.logger.child({ requestId: 'outer', app: 'x' }).infoMembers('request', prepared());
    expect(childMembers.lines).toEqual(child.lines);
    expect(JSON.parse(childMembers.lines[0]).requestId).toBe('req-7');
  });

  it('drops lines below its level', () => {
    const { lines, logger } = capture();
    createLogger({ level: 'warn', write: (line) => lines.push(line) }).infoMembers('request', prepared());
    expect(lines).toEqual([]);
    logger.infoMembers('empty', joinMembers());
    expect(JSON.parse(lines[0])).toEqual({ time: '2025-01-02T03:04:05.000Z', level: 'info', msg: 'empty' });
  });

  it('scrubs as every line is scrubbed, and keeps time, level and msg its own', () => {
    const token = 'pst_abcdefghijklmnopqrstuvwxyz012345';
    const { lines, logger } = capture();
    logger.infoMembers(`saw ${token}`, joinMembers(jsonMember('requestId', token), jsonMember('apiToken', 'plain'), jsonMember('msg', 'other'), jsonMembers({ time: 1, nested: { password: 'x' } })));
    expect(lines[0]).not.toContain(token.slice(4));
    expect(JSON.parse(lines[0])).toEqual({ time: '2025-01-02T03:04:05.000Z', level: 'info', msg: 'saw pst_[REDACTED]', requestId: 'pst_[REDACTED]', apiToken: '[REDACTED]', nested: { password: '[REDACTED]' } });
    expect(jsonMember('odd key', 'v')).toBe('"odd key":"v"');
    expect(jsonMember('ms', Number.NaN)).toBe('"ms":null');
  });
});

describe('log time', () => {
  it('is toISOString\'s text, made from a cached second', () => {
    for (const ms of [0, 7, 42, 999, 1000, 1_735_787_045_123, 1_735_787_045_009, 1_735_787_046_080, 951_782_400_000, 253_402_300_799_999, -1]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('follows the wall clock', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) });
    const before = Date.now();
    logger.info('now');
    logger.infoMembers('now', joinMembers());
    const after = Date.now();
    for (const line of lines) {
      const time = Date.parse(JSON.parse(line).time);
      // The monotonic clock between wall-clock readings: whole milliseconds, at most one behind.
      expect(time).toBeGreaterThanOrEqual(before - 1);
      expect(time).toBeLessThanOrEqual(after);
    }
  });
});
