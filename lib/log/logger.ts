/**
 * Structured logging: one JSON object per line ({time, level, msg, ...fields}) so log shippers need no parsing rules.
 * Every line passes through `redact`, so a password, token, cookie or Authorization header never reaches the log.
 */
import { getConfig } from '@/lib/config';
import { redact } from './redact';

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

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? defaultWrite;
  const base = options.fields ?? {};
  const now = options.now ?? (() => new Date());

  function log(lineLevel: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVEL_ORDER[lineLevel] < LEVEL_ORDER[level]) return;
    // time/level/msg first and not overridable by fields, so every line has the same head.
    const extra = redact(fields ? { ...base, ...fields } : base) as LogFields;
    const entry: LogFields = { time: now().toISOString(), level: lineLevel, msg: redact(msg) as string };
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
