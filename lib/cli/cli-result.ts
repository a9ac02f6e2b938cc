/** What every command handler returns; main.ts is the only place that writes it to the process. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The outside world a command may look at, passed in so handlers stay testable without spawning. */
export interface CliEnv {
  /** Directory relative paths are resolved against. */
  cwd: string;
  /** Epoch milliseconds (build-matrix's default audit time and version). */
  now: () => number;
  /** Default author of a built matrix (Proctor's LocalDirectoryStore uses $USER). */
  user: string;
  /** Source of uniform doubles for RANDOM tests in `assign`. */
  random?: () => number;
}

/** Exit codes: 0 success, 1 the data is invalid / the command failed, 2 the command line itself is wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called; reported as one line plus a pointer to --help, never a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function ok(stdout: string, stderr = ''): CliResult {
  return { exitCode: EXIT_OK, stdout, stderr };
}

export function failure(stderr: string, stdout = ''): CliResult {
  return { exitCode: EXIT_FAILURE, stdout, stderr };
}

export function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
