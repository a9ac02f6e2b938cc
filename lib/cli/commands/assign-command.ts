import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isAppError } from '../../errors';
import { buildMatrix } from '../../proctor/build-matrix';
import { explainAssignment, type TestAssignment } from '../../proctor/determine-groups';
import { serializeJson, type WritableJson } from '../../proctor/json';
import { PAYLOAD_TYPES, type Payload, type TestMatrixArtifact } from '../../proctor/model';
import { parseMatrix } from '../../proctor/parse-definition';
import { EXIT_FAILURE, EXIT_OK, type CliEnv, type CliResult, UsageError } from '../cli-result';
import { findDefinitions } from '../find-definitions';
import { definitionsByName, loadDefinitions } from '../load-definitions';
import { parseCliArgs, stringOption } from '../parse-cli-args';
import { parseJsonOption } from '../parse-json-option';
import { formatIssue } from './validate-command';

export const ASSIGN_HELP = `Usage: proctor assign --matrix <file|dir> --id <identifier> [--test <name>] [--type <TYPE>] [--context <json>]

Shows which bucket an identifier gets, exactly as a Proctor client would assign it, and why: the
dependsOn parent, the test rule, the allocation whose rule matched, and the hash range.

Options:
  --matrix <file|dir>     a test matrix (proctor-tests-matrix.json) or a test-definitions directory
                          (built into a matrix on the fly)
  --id <identifier>       the identifier, e.g. a user id (ctk) or an account id
  --test <name>           the test to explain (default: every test in the matrix)
  --type <TYPE>           the identifier's type: USER, ACCOUNT, EMAIL, PAGE, COMPANY, ... (default: the type
                          of --test, or USER without --test); tests of other types get no bucket
  --context <json>        the request context, a JSON object (or @file.json), e.g. '{"country":"US","lang":"en"}'
  --json                  print the explanation as JSON
  -h, --help              show this help

RANDOM tests are assigned at random on each run, as in Proctor.

Example:
  proctor assign --matrix test-definitions --test search_ranking_algo --id 1a2b3c --context '{"country":"US"}'
`;

export function assignCommand(argv: string[], env: CliEnv): CliResult {
  const { values, positionals } = parseCliArgs('assign', argv, {
    matrix: { type: 'string', example: 'proctor-tests-matrix.json' },
    test: { type: 'string', example: 'my_tst' },
    id: { type: 'string', example: '1a2b3c' },
    type: { type: 'string', example: 'USER' },
    context: { type: 'string', example: '{"country":"US"}' },
    json: { type: 'boolean' },
  });
  if (values.help) return { exitCode: EXIT_OK, stdout: ASSIGN_HELP, stderr: '' };
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument '${positionals[0]}': every input of assign is a named option, e.g. --test ${positionals[0]}.`, 'assign');
  }
  const matrixPath = stringOption(values, 'matrix');
  if (matrixPath === undefined) throw new UsageError('--matrix is required: a matrix file or a test-definitions directory, e.g. --matrix proctor-tests-matrix.json.', 'assign');
  const id = stringOption(values, 'id');
  if (id === undefined) throw new UsageError('--id is required: the identifier to assign, e.g. --id 1a2b3c.', 'assign');
  const context = parseJsonOption('assign', 'context', stringOption(values, 'context'), env.cwd, '{"country":"US","lang":"en"}');

  const loaded = loadMatrix(matrixPath, env);
  if ('error' in loaded) return { exitCode: EXIT_FAILURE, stdout: '', stderr: loaded.error };
  const matrix = loaded.matrix;
  const testName = stringOption(values, 'test');
  const names = Object.keys(matrix.tests).sort();
  if (names.length === 0) {
    return { exitCode: EXIT_FAILURE, stdout: '', stderr: `proctor assign: ${matrixPath} has no tests. Is it a test matrix (proctor-tests-matrix.json) or a test-definitions directory?\n` };
  }
  if (testName !== undefined && !Object.prototype.hasOwnProperty.call(matrix.tests, testName)) {
    return { exitCode: EXIT_FAILURE, stdout: '', stderr: `proctor assign: no test '${testName}' in ${matrixPath}. Tests: ${names.join(', ') || '(none)'}.\n` };
  }
  const type = stringOption(values, 'type') ?? (testName !== undefined ? (matrix.tests[testName].testType ?? 'USER') : 'USER');
  // Ask for the dependsOn parent too, so the explanation can say what it got.
  const parentName = testName === undefined ? undefined : matrix.tests[testName].dependsOn?.testName;
  const requested = testName === undefined ? undefined : parentName === undefined ? [testName] : [testName, parentName];
  const explained = explainAssignment(matrix, { [type]: id }, context, { testNames: requested, randomEnabled: true, random: env.random });
  const assignments = (testName === undefined ? names : [testName]).map((n) => explained[n]).filter((a): a is TestAssignment => a !== undefined);
  if (values.json) {
    const body = testName === undefined ? assignments : assignments[0];
    return { exitCode: EXIT_OK, stdout: `${JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`, stderr: '' };
  }
  const stdout = assignments
    .map((a) => {
      const dependsOn = matrix.tests[a.testName].dependsOn;
      const parent = dependsOn && testName !== undefined ? explained[dependsOn.testName] : undefined;
      const parentLine = dependsOn && parent
        ? `  dependsOn: ${dependsOn.testName} bucket ${dependsOn.bucketValue}; it got ${parent.bucket ? `${parent.bucket.name} (bucket ${parent.bucket.value})` : 'no bucket'}\n`
        : '';
      return formatAssignment(a, type, id, parentLine);
    })
    .join('\n');
  return { exitCode: EXIT_OK, stdout, stderr: '' };
}

function loadMatrix(matrixPath: string, env: CliEnv): { matrix: TestMatrixArtifact } | { error: string } {
  const absolute = path.resolve(env.cwd, matrixPath);
  if (!existsSync(absolute)) throw new UsageError(`--matrix ${matrixPath} does not exist. Give a matrix file or a test-definitions directory.`, 'assign');
  if (statSync(absolute).isFile()) {
    try {
      return { matrix: parseMatrix(readFileSync(absolute, 'utf8')) };
    } catch (error) {
      if (isAppError(error)) return { error: `proctor assign: ${matrixPath} is not a readable test matrix: ${error.message}\n` };
      throw error;
    }
  }
  const found = findDefinitions([matrixPath], env.cwd, 'assign');
  const loaded = loadDefinitions(found.locations);
  const broken = loaded.filter((l) => l.definition === null);
  if (broken.length > 0 || found.problems.length > 0) {
    const lines = [...found.problems.map((p) => p.message), ...broken.flatMap((l) => l.issues.map((i) => formatIssue(l.testName, i)))];
    return { error: `proctor assign: cannot load the test definitions in ${matrixPath}:\n${lines.join('\n')}\n` };
  }
  try {
    return { matrix: buildMatrix(definitionsByName(loaded), { version: 'local', updated: env.now(), updatedBy: env.user }) };
  } catch (error) {
    if (!isAppError(error)) throw error;
    const lines = error.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
    return { error: `proctor assign: ${error.message}\n${lines.join('\n')}\n` };
  }
}

function formatPayload(payload: Payload): string {
  const type = PAYLOAD_TYPES.find((t) => payload[t] !== undefined);
  if (type === undefined) return '(empty)';
  return `${type} ${serializeJson(payload[type] as WritableJson).replace(/\n/g, '\n  ')}`;
}

/** A few lines for people: the bucket (or none), its payload, and why. */
export function formatAssignment(a: TestAssignment, type: string, id: string, dependsOnLine = ''): string {
  const lines: string[] = [];
  lines.push(a.bucket ? `${a.testName}: ${a.bucket.name} (bucket ${a.bucket.value})` : `${a.testName}: no bucket (the application uses its fallback bucket)`);
  if (a.bucket?.payload) lines.push(`  payload: ${formatPayload(a.bucket.payload)}`);
  lines.push(`  why: ${a.message}`);
  if (dependsOnLine) lines.push(dependsOnLine.replace(/\n$/, ''));
  if (a.allocationIndex !== undefined) {
    const rule = a.allocationRule == null ? 'no rule (matches everyone)' : `rule ${a.allocationRule}`;
    lines.push(`  allocation: ${a.allocationId ? `${a.allocationId} ` : ''}(index ${a.allocationIndex}), ${rule}`);
  }
  if (a.hash !== undefined) lines.push(`  hash of ${type} ${JSON.stringify(id)}: ${a.hash} → range ${a.rangeIndex}`);
  return `${lines.join('\n')}\n`;
}
