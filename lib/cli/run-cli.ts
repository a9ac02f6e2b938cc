import { isAppError } from '../errors';
import { ASSIGN_HELP, assignCommand } from './commands/assign-command';
import { BUILD_MATRIX_HELP, buildMatrixCommand } from './commands/build-matrix-command';
import { EVAL_RULE_HELP, evalRuleCommand } from './commands/eval-rule-command';
import { VALIDATE_HELP, validateCommand } from './commands/validate-command';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliEnv, type CliResult, UsageError } from './cli-result';

export const MAIN_HELP = `Usage: proctor <command> [options]

Proctor Studio's command-line tool for Proctor test definitions (test-definitions/<testName>/definition.json).

Commands:
  validate <path>...        check definitions as Proctor and its webapp do (use it in CI); --json available
  build-matrix <dir>        build the test matrix artifact, refusing if any test is invalid
  eval-rule '<rule>'        evaluate a rule against a context and constants
  assign --matrix ... --id  show which bucket an identifier gets, and why

Run 'proctor <command> --help' for a command's options.

Exit codes: 0 success, 1 invalid data or a failed command, 2 a wrong command line.
`;

type Handler = (argv: string[], env: CliEnv) => CliResult;
const COMMANDS: Record<string, { handler: Handler; help: string }> = {
  validate: { handler: validateCommand, help: VALIDATE_HELP },
  'build-matrix': { handler: buildMatrixCommand, help: BUILD_MATRIX_HELP },
  'eval-rule': { handler: evalRuleCommand, help: EVAL_RULE_HELP },
  assign: { handler: assignCommand, help: ASSIGN_HELP },
};

/**
 * Runs one command line (without `node proctor`). Never throws for a user's mistake: usage errors become exit code 2
 * with one line and a pointer to --help; AppErrors become exit code 1 with their message and details.
 */
export function runCli(argv: string[], env: CliEnv): CliResult {
  const [name, ...rest] = argv;
  if (name === undefined) return { exitCode: EXIT_USAGE, stdout: '', stderr: MAIN_HELP };
  if (name === '--help' || name === '-h') return { exitCode: EXIT_OK, stdout: MAIN_HELP, stderr: '' };
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    return { exitCode: EXIT_OK, stdout: topic ? topic.help : MAIN_HELP, stderr: '' };
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    return {
      exitCode: EXIT_USAGE,
      stdout: '',
      stderr: `proctor: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}. Run 'proctor --help'.\n`,
    };
  }
  try {
    return command.handler(rest, env);
  } catch (error) {
    if (error instanceof UsageError) {
      return { exitCode: EXIT_USAGE, stdout: '', stderr: `proctor ${error.command}: ${error.message}\nRun 'proctor ${error.command} --help' for usage.\n` };
    }
    if (isAppError(error)) {
      const details = error.details.map((d) => (d.path ? `  ${d.path}: ${d.message}` : `  ${d.message}`));
      return { exitCode: EXIT_FAILURE, stdout: '', stderr: [`proctor ${name}: ${error.message}`, ...details, ''].join('\n') };
    }
    const code = (error as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      // File system trouble (permissions, a directory where a file was expected, …) is the user's to fix.
      return { exitCode: EXIT_FAILURE, stdout: '', stderr: `proctor ${name}: ${(error as Error).message}\n` };
    }
    throw error;
  }
}
