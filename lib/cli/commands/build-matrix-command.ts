import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAppError } from '../../errors';
import { buildMatrix } from '../../proctor/build-matrix';
import { serializeMatrix } from '../../proctor/serialize-definition';
import { EXIT_FAILURE, EXIT_OK, type CliEnv, type CliResult, UsageError } from '../cli-result';
import { findDefinitions } from '../find-definitions';
import { definitionsByName, loadDefinitions } from '../load-definitions';
import { parseCliArgs, stringOption } from '../parse-cli-args';
import { formatIssue } from './validate-command';

export const BUILD_MATRIX_HELP = `Usage: proctor build-matrix <test-definitions-dir> [-o <file>] [--author <name>] [--version <v>] [--updated <ms>]

Builds the test matrix artifact (what applications load) like Proctor's builder: every test converted to
its consumable form and checked with Proctor's core rules and the dependsOn rules. If any test is invalid
nothing is written: every invalid test is listed and the exit code is 1.

Options:
  -o, --output <file>     where to write; '-' or absent = standard output; an existing directory gets
                          proctor-tests-matrix.json (Proctor's default file name)
  --author <name>         audit.updatedBy (default: the current user, as Proctor's builder uses $USER)
  --version <v>           audit.version (default: the build time in epoch milliseconds, as Proctor's local builder)
  --updated <ms>          audit.updated in epoch milliseconds (default: now); pin it for reproducible output
  -h, --help              show this help

The matrix is written in Proctor's byte format (no trailing newline).

Example:
  proctor build-matrix test-definitions -o proctor-tests-matrix.json --author ci --version "$(git rev-parse HEAD)"
`;

export const DEFAULT_MATRIX_FILENAME = 'proctor-tests-matrix.json';

export function buildMatrixCommand(argv: string[], env: CliEnv): CliResult {
  const { values, positionals } = parseCliArgs('build-matrix', argv, {
    output: { type: 'string', short: 'o', example: DEFAULT_MATRIX_FILENAME },
    author: { type: 'string', example: 'ci' },
    version: { type: 'string', example: '"$(git rev-parse HEAD)"' },
    updated: { type: 'string', example: '1454432430000' },
  });
  if (values.help) return { exitCode: EXIT_OK, stdout: BUILD_MATRIX_HELP, stderr: '' };
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'give the test-definitions directory to build from.' : `give exactly one test-definitions directory, found ${positionals.length} paths.`,
      'build-matrix',
    );
  }
  const updatedText = stringOption(values, 'updated');
  let updated = env.now();
  if (updatedText !== undefined) {
    if (!/^\d+$/.test(updatedText)) throw new UsageError(`--updated must be epoch milliseconds (digits only), e.g. --updated 1454432430000; found '${updatedText}'.`, 'build-matrix');
    updated = Number(updatedText);
  }
  const version = stringOption(values, 'version') ?? String(updated);
  const updatedBy = stringOption(values, 'author') ?? env.user;

  const found = findDefinitions(positionals, env.cwd, 'build-matrix');
  const loaded = loadDefinitions(found.locations);
  const unreadable = loaded.filter((l) => l.definition === null);
  if (unreadable.length > 0 || found.problems.length > 0) {
    const lines = [
      ...found.problems.map((p) => p.message),
      ...unreadable.flatMap((l) => l.issues.map((issue) => formatIssue(l.testName, issue))),
    ];
    return {
      exitCode: EXIT_FAILURE,
      stdout: '',
      stderr: `proctor build-matrix: cannot load the test definitions; nothing was written.\n${lines.join('\n')}\n`,
    };
  }

  let text: string;
  let testCount: number;
  try {
    const artifact = buildMatrix(definitionsByName(loaded), { version, updated, updatedBy });
    text = serializeMatrix(artifact);
    testCount = Object.keys(artifact.tests).length;
  } catch (error) {
    if (!isAppError(error)) throw error;
    const lines = error.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
    return { exitCode: EXIT_FAILURE, stdout: '', stderr: `proctor build-matrix: ${error.message} Nothing was written.\n${lines.join('\n')}\n` };
  }

  const output = stringOption(values, 'output');
  if (output === undefined || output === '-') return { exitCode: EXIT_OK, stdout: text, stderr: '' };
  let target = path.resolve(env.cwd, output);
  if (existsSync(target) && statSync(target).isDirectory()) target = path.join(target, DEFAULT_MATRIX_FILENAME);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  return { exitCode: EXIT_OK, stdout: '', stderr: `Wrote ${testCount} test${testCount === 1 ? '' : 's'} to ${path.relative(env.cwd, target) || target}.\n` };
}
