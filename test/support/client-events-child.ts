/** Drives test/support/client-events-process.ts (a real Node application logging events) from a test. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import type { DeliveryStats, ProctorClientOptions } from '@/lib/client';

const ROOT = path.resolve(__dirname, '..', '..');

export interface ChildLine {
  event: string;
  value?: number;
  ok?: boolean;
  stats?: DeliveryStats;
  message?: string;
  at: number;
}

export class ClientEventsChild {
  readonly lines: ChildLine[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';
  private waiters: { predicate: (line: ChildLine) => boolean; resolve: (line: ChildLine) => void }[] = [];
  readonly exited: Promise<NodeJS.Signals | number | null>;

  constructor(options: ProctorClientOptions) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/client-events-process.ts'), JSON.stringify(options)], { cwd: ROOT });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(signal ?? code)));
    let rest = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        if (!part.trim()) continue;
        const line = JSON.parse(part) as ChildLine;
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.predicate(line) ? (w.resolve(line), false) : true));
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  waitFor(predicate: (line: ChildLine) => boolean, what: string, timeoutMs = 60_000): Promise<ChildLine> {
    const seen = this.lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client process: no ${what} within ${timeoutMs} ms; lines: ${JSON.stringify(this.lines.slice(-10))} stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }

  /** Sends a command and waits for its answer line. */
  async command(command: string, args: unknown, answer: string): Promise<ChildLine> {
    const from = this.lines.length;
    this.child.stdin.write(`${command}${args === undefined ? '' : ` ${JSON.stringify(args)}`}\n`);
    return this.waitFor((line) => line.event === answer && this.lines.indexOf(line) >= from, `${answer} answer`);
  }

  ready(): Promise<ChildLine> {
    return this.waitFor((line) => line.event === 'ready', 'ready line');
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}
