/**
 * Structured logging: one JSON object per line ({time, level, msg, ...fields}) so log shippers need no parsing rules.
 * Every line passes through `redact`, so a password, token, cookie or Authorization header never reaches the log.
 */
import { getConfig } from '@/lib/config';
import { isSecretKey, redact, redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. {requestId}). */
  child(fields: LogFields): Logger;
  /**
   * The line info(msg, fields) would write, with the fields given as JSON text made by jsonMembers/jsonMember (already
   * scrubbed): for a hot path whose fields are mostly the same on every request, serialised once (the matrix edge's
   * request line).
   */
  infoMembers(msg: string, members: JsonMembers): void;
}

/** Fields as the members of a JSON object (`"a":1,"b":"x"`), scrubbed by redact: only jsonMembers/jsonMember make one. */
export type JsonMembers = string & { readonly __jsonMembers: true };

const HEAD_KEYS = new Set(['time', 'level', 'msg']);
/** A key that JSON.stringify writes as it is. */
const PLAIN_KEY = /^[A-Za-z0-9_$]+$/;

/** `fields` as JSON members, scrubbed as every line's fields are; time/level/msg are dropped as log() drops them. */
export function jsonMembers(fields: LogFields): JsonMembers {
  const extra = redact(fields) as LogFields;
  for (const key of HEAD_KEYS) delete extra[key];
  return JSON.stringify(extra).slice(1, -1) as JsonMembers;
}

/** One field as a JSON member: a value per request beside prepared members (cheaper than jsonMembers, same text). */
export function jsonMember(key: string, value: string | number): JsonMembers {
  let head = memberHeads.get(key);
  if (head === undefined) {
    // A key that JSON writes as it is, not a secret's and not time/level/msg: then the value alone needs work.
    head = PLAIN_KEY.test(key) && !HEAD_KEYS.has(key) && !isSecretKey(key) ? `"${key}":` : null;
    if (memberHeads.size < 100) memberHeads.set(key, head);
  }
  if (head === null) return jsonMembers({ [key]: value });
  // redact's rule for a value under a key that is not secret: strings scrubbed, numbers kept.
  return `${head}${JSON.stringify(typeof value === 'string' ? redactText(value) : value)}` as JsonMembers;
}

const memberHeads = new Map<string, string | null>();

/** Members joined into one (each key once: the caller's to keep). */
export function joinMembers(...parts: JsonMembers[]): JsonMembers {
  let text = '';
  for (const part of parts) if (part) text = text ? `${text},${part}` : part;
  return text as JsonMembers;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Receives each finished line (without newline); default writes to stdout (stderr for warn/error). */
  write?: (line: string, level: LogLevel) => void;
  fields?: LogFields;
  now?: () => Date;
}

/**
 * stdout lines of this turn of the event loop, written together at its end: one system call for a burst of request
 * lines (a fleet revalidating) instead of one each. The same lines in the same order; a warning or error first writes
 * what is waiting, and whatever is waiting is written when the process exits.
 */
let waiting: string[] = [];
let flushHooked = false;

function flushStdout(): void {
  if (waiting.length === 0) return;
  const text = `${waiting.join('\n')}\n`;
  waiting = [];
  process.stdout.write(text);
}

function defaultWrite(line: string, level: LogLevel): void {
  if (level === 'warn' || level === 'error') {
    flushStdout();
    process.stderr.write(`${line}\n`);
    return;
  }
  if (!flushHooked) {
    flushHooked = true;
    process.on('exit', flushStdout);
  }
  if (waiting.push(line) === 1) setImmediate(flushStdout);
}

/**
 * The wall clock of log lines, without a Date per line: Next.js wraps Date (and Date.now) to watch prerenders, which
 * made a fleet's request lines pay for it on every line. The wall clock is read at most once a second; in between, the
 * monotonic clock's advance is added to that reading.
 */
let wallAt = 0;
let monotonicAt = -Infinity;

function wallNow(): number {
  const monotonic = performance.now();
  const since = monotonic - monotonicAt;
  if (since >= 1000 || since < 0) {
    monotonicAt = monotonic;
    wallAt = Date.now();
    return wallAt;
  }
  return Math.floor(wallAt + since);
}

/** toISOString's text of a time in ms, its second's text made once a second. */
let isoSecond = NaN;
let isoSecondText = '';

export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoSecondText = new Date(second * 1000).toISOString().slice(0, -4); // "…T03:04:05." (any year's width)
  }
  const milli = ms - second * 1000;
  return `${isoSecondText}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? defaultWrite;
  const base = options.fields ?? {};
  const hasBase = Object.keys(base).length > 0;
  const now = options.now;
  const time = now ? () => now().toISOString() : () => isoTime(wallNow());

  function log(lineLevel: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVEL_ORDER[lineLevel] < LEVEL_ORDER[level]) return;
    // time/level/msg first and not overridable by fields, so every line has the same head.
    const extra = redact(fields ? { ...base, ...fields } : base) as LogFields;
    const entry: LogFields = { time: time(), level: lineLevel, msg: redact(msg) as string };
    for (const key in extra) if (key !== 'time' && key !== 'level' && key !== 'msg') entry[key] = extra[key];
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ time: entry.time, level: lineLevel, msg: entry.msg, logError: 'unserializable fields' });
    }
    write(line, lineLevel);
  }

  return {
    level,
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (fields) => createLogger({ level, write, now, fields: { ...base, ...fields } }),
    infoMembers(msg, members) {
      if (LEVEL_ORDER.info < LEVEL_ORDER[level]) return;
      // A child's fields come first and the line's replace them, as in log(): that merge is log()'s (not a hot path).
      if (hasBase) return log('info', msg, JSON.parse(`{${members}}`) as LogFields);
      write(`{"time":"${time()}","level":"info","msg":${JSON.stringify(redactText(msg))}${members ? ',' : ''}${members}}`, 'info');
    },
  };
}

/** The logger of one request: every line carries its request id. */
export function withRequestId(logger: Logger, requestId: string): Logger {
  return logger.child({ requestId });
}

const holder = globalThis as typeof globalThis & { __proctorLogger?: Logger };

/** The process-wide logger at PROCTOR_LOG_LEVEL. The config is read lazily so importing this module has no effects. */
export function getLogger(): Logger {
  if (!holder.__proctorLogger) {
    holder.__proctorLogger = createLogger({ level: getConfig().logLevel });
  }
  return holder.__proctorLogger;
}

/** Replaces the process-wide logger (tests capture lines this way). */
export function setLogger(logger: Logger | undefined): void {
  holder.__proctorLogger = logger;
}
