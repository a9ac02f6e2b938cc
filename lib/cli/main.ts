/**
 * Entry point of the `proctor` command (bin/proctor.mjs loads it through tsx; `npm run proctor -- …` runs it directly).
 * The only place that touches process: arguments in, exit code and output out.
 */
import { userInfo } from 'node:os';
import { runCli } from './run-cli';

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'proctor';
  }
}

try {
  const result = runCli(process.argv.slice(2), { cwd: process.cwd(), now: () => Date.now(), user: currentUser() });
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
} catch (error) {
  // A bug, not a user error: say so briefly; the stack is for whoever files the bug.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`proctor: internal error: ${message}\nPlease report it with the command you ran.\n`);
  if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 70;
}
