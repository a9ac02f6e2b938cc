/**
 * The default writer: a burst of request lines in one turn of the event loop reaches stdout in one write (a fleet's
 * revalidations are not one system call each), the same lines in the same order; a warning first writes what waits.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@/lib/log/logger';

afterEach(() => {
  vi.restoreAllMocks();
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('logger default writer', () => {
  it('writes the lines of one event-loop turn to stdout together, in order, and stdout before a warning on stderr', async () => {
    const writes: Array<[string, string]> = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(['out', String(chunk)]), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(['err', String(chunk)]), true));
    const logger = createLogger({ level: 'info' });
    for (let i = 0; i < 5; i++) logger.info('request', { n: i });
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    const lines = writes[0][1].split('\n');
    expect(lines.pop()).toBe(''); // ends with a newline
    expect(lines.map((line) => JSON.parse(line).n)).toEqual([0, 1, 2, 3, 4]);

    writes.length = 0;
    logger.info('before');
    logger.warn('problem');
    expect(writes.map(([stream, text]) => [stream, JSON.parse(text).msg])).toEqual([
      ['out', 'before'],
      ['err', 'problem'],
    ]);
    await nextTurn();
    expect(writes).toHaveLength(2);
  });
});
