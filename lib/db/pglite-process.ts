/**
 * Keeps the embedded database process (lib/db/pglite-server.mjs) running: started once by lib/db/client.ts, and
 * started again on the same socket path whenever it dies (a crash, the OOM killer, `kill -9`), after a growing pause.
 * The connection pool in front of it needs no news: while the process is gone its queries fail with a connection error
 * (answered 503, lib/db/unavailable.ts), and the next connection it opens reaches the new process.
 *
 * What a killed PGlite leaves (checked): the data folder, with every committed transaction (PostgreSQL replays its WAL
 * when the next process opens the folder), a stale postmaster.pid that PGlite ignores, and the socket file, which the
 * next process removes before it listens. The data-folder lock keeps the pid of the process that serves the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { forgetDatabaseProcess, recordDatabaseProcess } from './data-dir-lock';

/** First pause before a restart; doubled after each start that fails, up to RESTART_MAX_MS. */
const RESTART_FIRST_MS = 250;
const RESTART_MAX_MS = 10_000;
/** A process that served this long before it died starts the pauses over. */
const HEALTHY_MS = 30_000;

export interface PgliteProcessOptions {
  script: string;
  dataDir: string;
  socketPath: string;
  /** How long a stopping process may take to write its files before it is killed. */
  stopMs: number;
  log?: (message: string) => void;
}

export class PgliteProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private failedStarts = 0;
  private readyAt = 0;
  /** How many times the process was started again after dying. */
  restarts = 0;

  constructor(private readonly options: PgliteProcessOptions) {}

  /** The pid of the process serving the folder now (undefined between a death and the restart). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the first process; rejects (and does not retry) when it exits before it is ready. */
  async start(): Promise<void> {
    await this.spawnReady();
  }

  /** Asks the process to close PGlite (it writes its files) and waits; a hung one is killed. No restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), this.options.stopMs);
    await exited;
    clearTimeout(killer);
  }

  private log(message: string): void {
    (this.options.log ?? ((line: string) => console.error(`[proctor-studio] ${line}`)))(message);
  }

  private spawnReady(): Promise<void> {
    const { script, dataDir, socketPath } = this.options;
    const child = spawn(process.execPath, [script, JSON.stringify({ dataDir, socketPath })], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    const pid = child.pid;
    if (pid !== undefined) recordDatabaseProcess(dataDir, pid);
    let stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!ready && out.includes('ready\n')) {
          ready = true;
          this.readyAt = Date.now();
          // Once it serves, the child and its pipes must not keep this process alive on their own (the pool's
          // connection decides); until then they must, or a CLI waiting for it would exit with its work unsettled.
          child.unref();
          for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
          resolve();
        }
      });
      child.on('error', (error) => {
        if (!ready) reject(error);
      });
      child.on('exit', (code, signal) => {
        if (pid !== undefined) forgetDatabaseProcess(dataDir, pid);
        if (this.child === child) this.child = null;
        const how = signal ? `signal ${signal}` : `code ${code}`;
        if (!ready) {
          reject(new Error(`The embedded database process exited (${how}) before it was ready: ${stderrTail.trim().split('\n').slice(-4).join(' | ') || 'no output'}`));
          return;
        }
        if (this.stopping) return;
        if (Date.now() - this.readyAt >= HEALTHY_MS) this.failedStarts = 0;
        this.log(`the embedded database process (pid ${pid}) died (${how}); restarting it`);
        this.scheduleRestart();
      });
    });
  }

  private scheduleRestart(): void {
    const delay = Math.min(RESTART_FIRST_MS * 2 ** this.failedStarts, RESTART_MAX_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.spawnReady().then(
        () => {
          this.restarts++;
          this.log(`the embedded database process was restarted (pid ${this.child?.pid}, restart ${this.restarts})`);
        },
        (error: unknown) => {
          this.failedStarts++;
          if (this.stopping) return;
          this.log(`restarting the embedded database process failed: ${(error as Error).message}; next attempt in ${Math.min(RESTART_FIRST_MS * 2 ** this.failedStarts, RESTART_MAX_MS)} ms`);
          this.scheduleRestart();
        },
      );
    }, delay);
    this.restartTimer.unref();
  }
}
