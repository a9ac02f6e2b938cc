/** The login throttling policy (lib/auth/rate-limit.ts decideLogin) as a table of scenarios. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_RATE_LIMIT, decideLogin, type LoginThrottleDecision, type LoginThrottleState } from '@/lib/auth/rate-limit';

const NOW = new Date('2030-01-01T10:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const counter = (count: number, startedSecondsAgo: number) => ({ count, windowStart: ago(startedSecondsAgo) });

const fresh: LoginThrottleState = { perIp: null, perUserAndIp: null, perUser: null, lastUserFailure: null, lastSuccessFromIp: null, ipKnown: true };
const ok: LoginThrottleDecision = { allowed: true };
const no = (reason: 'user-and-ip' | 'ip' | 'user-slowed', retryAfterSeconds: number): LoginThrottleDecision => ({ allowed: false, reason, retryAfterSeconds });

// The account is being hammered from many other addresses: 500 failures this window, the latest 2 s ago.
const hammered: Partial<LoginThrottleState> = { perUser: counter(500, 60), lastUserFailure: ago(2) };

const scenarios: [string, Partial<LoginThrottleState>, LoginThrottleDecision][] = [
  ['nothing recorded', {}, ok],
  ['4 failures from this address for this user', { perUserAndIp: counter(4, 60) }, ok],
  ['5 failures from this address for this user: locked here until the window ends', { perUserAndIp: counter(5, 60) }, no('user-and-ip', 840)],
  ['5 failures here, window over', { perUserAndIp: counter(5, 900) }, ok],
  ['99 failures from this address (any users)', { perIp: counter(99, 60) }, ok],
  ['100 failures from this address (any users): address locked', { perIp: counter(100, 60) }, no('ip', 840)],
  ['per-address counter is ignored when the address is unknown', { perIp: counter(100, 60), ipKnown: false }, ok],
  ['49 failures for the user from anywhere', { perUser: counter(49, 60), lastUserFailure: ago(1) }, ok],
  ['hammered account, address the user signed in from last week: not affected', { ...hammered, lastSuccessFromIp: ago(7 * 86400) }, ok],
  ['hammered account, new address: slowed, seconds not minutes', hammered, no('user-slowed', 8)],
  ['hammered account, new address, latest failure 10 s ago: allowed', { ...hammered, lastUserFailure: ago(10) }, ok],
  ['hammered account, address known 31 days ago only: treated as new', { ...hammered, lastSuccessFromIp: ago(31 * 86400) }, no('user-slowed', 8)],
  ['hammered account, unknown address: slowed', { ...hammered, ipKnown: false, lastSuccessFromIp: ago(60) }, no('user-slowed', 8)],
  ['hammered account, window over: allowed', { perUser: counter(500, 900), lastUserFailure: ago(2) }, ok],
  ['known address still locked by its own 5 failures', { ...hammered, lastSuccessFromIp: ago(60), perUserAndIp: counter(5, 30) }, no('user-and-ip', 870)],
];

describe('decideLogin', () => {
  it.each(scenarios)('%s', (_name, state, expected) => {
    expect(decideLogin({ ...fresh, ...state }, NOW, DEFAULT_LOGIN_RATE_LIMIT)).toEqual(expected);
  });

  it('never refuses the user for longer than the slow-down gap because of failures from elsewhere', () => {
    // Whatever the per-user count, a new address never waits more than slowDownMs.
    for (const count of [50, 51, 1000, 1_000_000]) {
      const decision = decideLogin({ ...fresh, perUser: counter(count, 1), lastUserFailure: NOW }, NOW);
      expect(decision).toEqual(no('user-slowed', DEFAULT_LOGIN_RATE_LIMIT.slowDownMs / 1000));
    }
  });
});
