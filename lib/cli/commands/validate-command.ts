import path from 'node:path';
import type { ValidationIssue } from '../../proctor/model';
import { validateDefinition } from '../../proctor/validate-definition';
import { validateDependencies } from '../../proctor/validate-dependencies';
import { validateTestName } from '../../proctor/validate-test-name';
import { EXIT_FAILURE, EXIT_OK, type CliEnv, type CliResult, UsageError } from '../cli-result';
import { findDefinitions } from '../find-definitions';
import { definitionsByName, loadDefinitions } from '../load-definitions';
import { parseCliArgs } from '../parse-cli-args';

export const VALIDATE_HELP = `Usage: proctor validate [options] <path>...

Checks test definitions the way Proctor and its webapp do: the file must parse, Proctor's core checks
(allocations, ranges adding up to 1, rules, payloads) and the webapp's checks (description, salt, bucket
names, meta tags, PAGE tests, test name) must pass. Given a test-definitions directory it also checks every
dependsOn against the other tests. Warnings are printed but do not fail the run.

<path> is any of:
  a test-definitions directory   every <testName>/definition.json below it (test name = directory name)
  a test directory               <testName>/ holding definition.json
  a definition file              <testName>/definition.json, or <testName>.json

Options:
  --json                  print the results as JSON (the same exit code)
  --warnings-as-errors    fail (exit 1) on warnings too
  -h, --help              show this help

Exit code: 0 all valid, 1 some test has an error, 2 the command line is wrong.

Examples:
  proctor validate test-definitions
  proctor validate test-definitions/my_tst/definition.json --json
`;

export interface ValidatedTest {
  testName: string;
  /** Path of the definition file relative to the working directory. */
  file: string;
  valid: boolean;
  issues: ValidationIssue[];
}

export interface ValidateReport {
  valid: boolean;
  testCount: number;
  errorCount: number;
  warningCount: number;
  tests: ValidatedTest[];
}

/** Validates definition files; the report is what --json prints. */
export function validatePaths(paths: string[], env: CliEnv, options: { warningsAsErrors?: boolean } = {}): ValidateReport {
  const found = findDefinitions(paths, env.cwd, 'validate');
  const loaded = loadDefinitions(found.locations);
  const dependencyReasons = found.includesDirectory ? validateDependencies(definitionsByName(loaded)) : {};

  const tests: ValidatedTest[] = loaded.map((entry) => {
    const issues: ValidationIssue[] = [...entry.issues];
    const nameProblem = validateTestName(entry.testName);
    if (nameProblem) issues.push({ path: '', message: `${nameProblem} (the test name is the directory name)`, severity: 'error' });
    if (entry.definition) issues.push(...validateDefinition(entry.testName, entry.definition));
    const reason = Object.prototype.hasOwnProperty.call(dependencyReasons, entry.testName) ? dependencyReasons[entry.testName] : undefined;
    if (reason !== undefined) issues.push({ path: '/dependsOn', message: `Invalid dependency field is detected: ${reason}`, severity: 'error' });
    const failing = issues.some((i) => i.severity === 'error' || options.warningsAsErrors);
    return { testName: entry.testName, file: path.relative(env.cwd, entry.file) || entry.file, valid: !failing, issues };
  });
  for (const problem of found.problems) {
    tests.push({
      testName: path.basename(path.dirname(problem.file)),
      file: path.relative(env.cwd, problem.file),
      valid: false,
      issues: [{ path: '', message: problem.message, severity: 'error' }],
    });
  }
  const all = tests.flatMap((t) => t.issues);
  const errorCount = all.filter((i) => i.severity === 'error').length;
  const warningCount = all.length - errorCount;
  return { valid: tests.every((t) => t.valid), testCount: tests.length, errorCount, warningCount, tests };
}

/** One line per problem: `<test>: error at /allocations/0/ranges: …`; continuation lines indented. */
export function formatIssue(testName: string, issue: ValidationIssue): string {
  const where = issue.path === '' ? '' : ` at ${issue.path}`;
  const message = issue.message.replace(/\n/g, '\n    ');
  return `${testName}: ${issue.severity}${where}: ${message}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatReport(report: ValidateReport): string {
  const lines: string[] = [];
  for (const test of report.tests) {
    for (const issue of test.issues) lines.push(formatIssue(test.testName, issue));
  }
  const invalid = report.tests.filter((t) => !t.valid).length;
  const summary = report.valid
    ? `${plural(report.testCount, 'test')} checked: all valid${report.warningCount ? `, ${plural(report.warningCount, 'warning')}` : ''}.`
    : `${plural(report.testCount, 'test')} checked: ${invalid} invalid, ${plural(report.errorCount, 'error')}, ${plural(report.warningCount, 'warning')}.`;
  if (lines.length > 0) lines.push('');
  lines.push(summary);
  return `${lines.join('\n')}\n`;
}

export function validateCommand(argv: string[], env: CliEnv): CliResult {
  const { values, positionals } = parseCliArgs('validate', argv, {
    json: { type: 'boolean' },
    'warnings-as-errors': { type: 'boolean' },
  });
  if (values.help) return { exitCode: EXIT_OK, stdout: VALIDATE_HELP, stderr: '' };
  if (positionals.length === 0) {
    throw new UsageError('give at least one path: a test-definitions directory, a test directory or a definition.json.', 'validate');
  }
  const report = validatePaths(positionals, env, { warningsAsErrors: values['warnings-as-errors'] === true });
  const stdout = values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report);
  return { exitCode: report.valid ? EXIT_OK : EXIT_FAILURE, stdout, stderr: '' };
}
