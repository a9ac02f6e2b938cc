import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliEnv } from '../../lib/cli/cli-result';
import { runCli } from '../../lib/cli/run-cli';
import { parseDefinition, parseMatrix } from '../../lib/proctor/parse-definition';
import { serializeMatrix } from '../../lib/proctor/serialize-definition';

const REPO = path.resolve(__dirname, '../..');
const FIXTURES = path.join(REPO, 'test/fixtures/cli');
const DATA = 'proctor-data/test-definitions';
const INVALID = 'test/fixtures/cli/invalid/test-definitions';
const HASHING = 'test/fixtures/cli/hashing/test-definitions';
const NOW = 1454432430000;
const env: CliEnv = { cwd: REPO, now: () => NOW, user: 'tester', random: () => 0.5 };
const run = (...argv: string[]) => runCli(argv, env);

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'proctor-cli-'));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Proctor's StandardTestChooser written out independently (FACTS §4) with node's own MD5. */
function expectedBucket(salt: string, identifier: string, ranges: { bucketValue: number; length: number }[]): number {
  const hash = createHash('md5').update(salt + identifier, 'utf8').digest().readInt32BE(12);
  const cutoffs: number[] = [];
  let total = 0;
  for (let i = 0; i < ranges.length - 1; i++) {
    total += ranges[i].length;
    cutoffs.push(Math.max(-2147483648, Math.min(2147483647, Math.trunc(-2147483648 + total * 4294967295))));
  }
  let i = 0;
  while (i < cutoffs.length && hash > cutoffs[i]) i++;
  return ranges[i].bucketValue;
}

describe('proctor (dispatch and help)', () => {
  it('prints the command list for --help and help <command> for each command', () => {
    const main = run('--help');
    expect(main.exitCode).toBe(0);
    for (const command of ['validate', 'build-matrix', 'eval-rule', 'assign']) {
      expect(main.stdout).toContain(command);
      const help = run(command, '--help');
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: proctor ${command}`));
      expect(run('help', command).stdout).toBe(help.stdout);
    }
  });

  it('rejects no command and unknown commands with exit code 2 and the list of commands', () => {
    expect(run().exitCode).toBe(2);
    const unknown = run('valdate', DATA);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'valdate'");
    expect(unknown.stderr).toContain('validate, build-matrix, eval-rule, assign');
  });

  it.each([
    [['validate', '--jsn', DATA], ['--jsn', '--json']],
    [['build-matrix', DATA, '-o'], ['-o/--output needs a value']],
    [['validate', '--json=yes', DATA], ['--json']],
    [['eval-rule', "a == 'b'", '--context'], ['--context needs a value']],
  ])('names the flag and the fix for %j', (argv, fragments) => {
    const result = run(...argv);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    for (const f of fragments) expect(result.stderr).toContain(f);
    expect(result.stderr).toContain(`Run 'proctor ${argv[0]} --help'`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('proctor validate', () => {
  it('accepts the proctor-data examples', () => {
    const result = run('validate', DATA);
    expect(result).toEqual({ exitCode: 0, stdout: '10 tests checked: all valid.\n', stderr: '' });
  });

  it('reports every problem of every test, one readable line each, and exits 1', () => {
    const result = run('validate', INVALID);
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    const expectLine = (pattern: RegExp) => expect(lines.some((l) => pattern.test(l)), `${pattern} in\n${result.stdout}`).toBe(true);
    expectLine(/^bad_sum: error at \/allocations\/0[^:]*: bad_sum range with rule null does not add up to 1 : 0\.45 \+ 0\.45 = 0\.9$/);
    expectLine(/^missing_rule: error at \/allocations\/0[^:]*: Allocation\[0\] for test missing_rule from .* has empty rule: null$/);
    expectLine(/^orphan_child: error at \/dependsOn: Invalid dependency field is detected: A test orphan_child depends on an unknown or incompatible test no_such_test$/);
    expectLine(/^broken_json: error.*\(line 5, column 3\)$/);
    expectLine(/^page_negative: error at \/buckets\/0\/value: PAGE tests cannot contain negative buckets\.$/);
    expectLine(/^uneven_sizes: warning at \/allocations\/0\/ranges: WARNING: Positive bucket total allocation size not same as control bucket total allocation size\. $/);
    expectLine(/^9lives: error: Test Name must be alpha-numeric underscore and not start\/end with a number, found: '9lives'/);
    expect(lines.filter((l) => l.startsWith('uneven_sizes: ')).every((l) => l.startsWith('uneven_sizes: warning'))).toBe(true);
    expect(result.stdout).toMatch(/\n7 tests checked: 6 invalid, \d+ errors, 1 warning\.\n$/);
  });

  it('prints machine-readable results with --json', () => {
    const result = run('validate', '--json', INVALID);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(false);
    expect(report.testCount).toBe(7);
    expect(report.warningCount).toBe(1);
    expect(Object.fromEntries(report.tests.map((t: { testName: string; valid: boolean }) => [t.testName, t.valid]))).toEqual({
      '9lives': false, bad_sum: false, broken_json: false, missing_rule: false, orphan_child: false, page_negative: false, uneven_sizes: true,
    });
    const orphan = report.tests.find((t: { testName: string }) => t.testName === 'orphan_child');
    expect(orphan.file).toBe(`${INVALID}/orphan_child/definition.json`);
    expect(orphan.issues).toEqual([
      { path: '/dependsOn', severity: 'error', message: 'Invalid dependency field is detected: A test orphan_child depends on an unknown or incompatible test no_such_test' },
    ]);
    expect(JSON.parse(run('validate', '--json', DATA).stdout)).toMatchObject({ valid: true, testCount: 10, errorCount: 0, warningCount: 0 });
  });

  it('checks dependsOn only when a whole test-definitions directory is given', () => {
    expect(run('validate', `${INVALID}/orphan_child`).exitCode).toBe(0);
    expect(run('validate', `${INVALID}/orphan_child/definition.json`).stdout).toBe('1 test checked: all valid.\n');
  });

  it('fails on warnings with --warnings-as-errors', () => {
    expect(run('validate', `${INVALID}/uneven_sizes`).exitCode).toBe(0);
    const strict = run('validate', '--warnings-as-errors', `${INVALID}/uneven_sizes`);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toContain('1 test checked: 1 invalid, 0 errors, 1 warning.');
  });

  it('refuses a path that does not exist or holds no definitions (exit 2)', () => {
    const missing = run('validate', 'no/such/dir');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("'no/such/dir' does not exist");
    const empty = run('validate', 'lib/cli');
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('no test definitions found');
    expect(run('validate').exitCode).toBe(2);
  });

  it('reports one test name found in two directories', () => {
    const dir = tempDir();
    cpSync(path.join(FIXTURES, 'hashing/test-definitions/jkl'), path.join(dir, 'a/jkl'), { recursive: true });
    cpSync(path.join(FIXTURES, 'hashing/test-definitions/jkl'), path.join(dir, 'b/jkl'), { recursive: true });
    const result = runCli(['validate', dir], { ...env, cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("test name 'jkl' is defined twice: a/jkl/definition.json and b/jkl/definition.json");
  });
});

describe('proctor build-matrix', () => {
  const pinned = ['--updated', String(NOW), '--version', 'abc123', '--author', 'ci'];

  it("prints the matrix of every test in Proctor's byte format", () => {
    const result = run('build-matrix', DATA, ...pinned);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const matrix = parseMatrix(result.stdout);
    expect(matrix.audit).toEqual({ version: 'abc123', updated: NOW, updatedDate: '2016-02-02T11:00-0600', updatedBy: 'ci' });
    expect(Object.keys(matrix.tests)).toHaveLength(10);
    expect(matrix.tests.checkout_button_color.allocations[0].rule).toBe("${country == 'US'}");
    expect(serializeMatrix(matrix)).toBe(result.stdout);
    expect(result.stdout.endsWith('}')).toBe(true);
  });

  it("defaults the audit like Proctor's local builder: version = build time, author = current user", () => {
    const matrix = parseMatrix(run('build-matrix', DATA).stdout);
    expect(matrix.audit).toMatchObject({ version: String(NOW), updated: NOW, updatedBy: 'tester' });
    expect(run('build-matrix', DATA, '-o', '-', ...pinned).stdout).toBe(run('build-matrix', DATA, ...pinned).stdout);
  });

  it('writes to a file, or proctor-tests-matrix.json inside a directory', () => {
    const dir = tempDir();
    const stdout = run('build-matrix', DATA, ...pinned).stdout;
    const toFile = run('build-matrix', DATA, ...pinned, '-o', path.join(dir, 'out/matrix.json'));
    expect(toFile.exitCode).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(toFile.stderr).toMatch(/^Wrote 10 tests to .*matrix\.json\.\n$/);
    expect(readFileSync(path.join(dir, 'out/matrix.json'), 'utf8')).toBe(stdout);
    expect(run('build-matrix', DATA, ...pinned, '--output', dir).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'proctor-tests-matrix.json'), 'utf8')).toBe(stdout);
  });

  it("refuses with every test Proctor's builder rejects listed, and writes nothing", () => {
    const dir = tempDir();
    cpSync(path.join(REPO, INVALID), dir, { recursive: true });
    rmSync(path.join(dir, 'broken_json'), { recursive: true });
    const out = path.join(dir, 'matrix.json');
    const result = runCli(['build-matrix', dir, '-o', out], env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(result.stderr).toContain('Nothing was written.');
    const listed = [...result.stderr.matchAll(/^(\w+): /gm)].map((m) => m[1]);
    // Only Proctor's core rules: the webapp-only problems (PAGE bucket, test name) do not stop a build, and neither does
    // a dependsOn on an unknown test (orphan_child): real Proctor's LocalProctorBuilder builds it, loaders drop it.
    expect([...new Set(listed)].sort()).toEqual(['bad_sum', 'missing_rule']);
  });

  it('refuses when a definition cannot be parsed', () => {
    const result = run('build-matrix', INVALID);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/cannot load the test definitions; nothing was written\.\nbroken_json: error.*line 5, column 3/);
  });

  it('rejects a bad --updated and a second directory (exit 2)', () => {
    expect(run('build-matrix', DATA, '--updated', 'yesterday').stderr).toContain('--updated must be epoch milliseconds');
    expect(run('build-matrix', DATA, INVALID).exitCode).toBe(2);
  });
});

describe('proctor eval-rule', () => {
  it.each([
    ["lang == 'en'", '{"lang":"en"}', undefined, 'true'],
    ["lang == 'en'", '{"lang":"fr"}', undefined, 'false'],
    ["${lang == 'en'}", '{"lang":"en"}', undefined, 'true'],
    ['country == HOME', '{"country":"US","HOME":"CA"}', '{"HOME":"US"}', 'true'], // constants shadow the context
    ['proctor:contains(PLATFORMS, platform)', '{"platform":"ios"}', '{"PLATFORMS":["ios","android"]}', 'true'],
    ["fn:containsIgnoreCase(userAgent, 'mobile')", '{"userAgent":"Mozilla/5.0 (iPhone) Mobile/15E148"}', undefined, 'true'],
    ['accountAgeDays < LIMIT', '{"accountAgeDays":45}', '{"LIMIT":30}', 'false'],
    ['', undefined, undefined, 'true'],
  ])('%s with context %s and constants %s → %s', (rule, context, constants, expected) => {
    const argv = ['eval-rule', rule];
    if (context) argv.push('--context', context);
    if (constants) argv.push('--constants', constants);
    expect(run(...argv)).toEqual({ exitCode: 0, stdout: `${expected}\n`, stderr: '' });
  });

  it('reads --context from a file with @', () => {
    const dir = tempDir();
    const file = path.join(dir, 'context.json');
    writeFileSync(file, '{"country":"CA"}');
    expect(run('eval-rule', "country == 'CA'", '--context', `@${file}`).stdout).toBe('true\n');
    expect(run('eval-rule', "country == 'CA'", '--context', '@nope.json').exitCode).toBe(2);
  });

  it('prints the error and exits 1 when the rule cannot be evaluated', () => {
    const result = run('eval-rule', "country == 'US' &&", '--context', '{"country":"US"}');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^proctor eval-rule: cannot evaluate \$\{country == 'US' &&\}: .+\n$/);
  });

  it.each([
    [['--context', '{country: US}'], "--context is not valid JSON"],
    [['--context', '[1, 2]'], '--context must be a JSON object'],
    [['--constants', '"US"'], '--constants must be a JSON object'],
  ])('rejects %j naming the flag', (flags, message) => {
    const result = run('eval-rule', "country == 'US'", ...flags);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("e.g. --");
  });

  it('asks for exactly one rule argument', () => {
    expect(run('eval-rule').exitCode).toBe(2);
    expect(run('eval-rule', 'country', '==', "'US'").stderr).toContain('give the rule as one argument in quotes');
  });
});

describe('proctor assign', () => {
  it("gives FACTS §4's bucket for jkl/&hash11 and piafdsff, with its payload and the reason", () => {
    const result = run('assign', '--matrix', HASHING, '--test', 'jkl', '--id', 'piafdsff');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^jkl: blue \(bucket 1\)\n  payload: stringValue "#0000FF"\n  why: .+\n  allocation: #A1 \(index 0\), no rule \(matches everyone\)\n  hash of USER "piafdsff": -?\d+ → range 0\n$/);
  });

  it('explains a dependsOn that is not met', () => {
    const result = run('assign', '--matrix', HASHING, '--test', 'jkl_child', '--id', 'piafdsff', '--json');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ testName: 'jkl_child', bucket: null, reason: 'depends-on-unmet' });
  });

  it('names the dependsOn parent and the bucket it got', () => {
    const result = run('assign', '--matrix', HASHING, '--test', 'jkl_child', '--id', 'piafdsff');
    expect(result.stdout).toContain('  dependsOn: jkl bucket 2; it got blue (bucket 1)\n');
    expect(result.stdout).toMatch(/^jkl_child: no bucket/);
  });

  it('assigns like an independent implementation of the hash, from a directory or a built matrix file', () => {
    const def = parseDefinition(readFileSync(path.join(REPO, DATA, 'checkout_button_color/definition.json'), 'utf8'));
    const dir = tempDir();
    const matrixFile = path.join(dir, 'matrix.json');
    expect(run('build-matrix', DATA, '-o', matrixFile).exitCode).toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const id = `user${i}`;
      const expected = expectedBucket('&checkout_button_color', id, def.allocations[0].ranges);
      seen.add(expected);
      for (const matrix of [DATA, matrixFile]) {
        const out = JSON.parse(run('assign', '--matrix', matrix, '--test', 'checkout_button_color', '--id', id, '--context', '{"country":"US"}', '--json').stdout);
        expect(out.bucket.value, `${id} via ${matrix}`).toBe(expected);
        expect(out.allocationIndex).toBe(0);
      }
    }
    expect(seen.size).toBe(4); // the sample reaches every bucket, so the comparison means something
  });

  it('takes an identifier that starts with a dash: --id -1, -5e3, --x', () => {
    const def = parseDefinition(readFileSync(path.join(REPO, DATA, 'checkout_button_color/definition.json'), 'utf8'));
    for (const id of ['-1', '-5e3', '--x', '-']) {
      const result = run('assign', '--matrix', DATA, '--test', 'checkout_button_color', '--id', id, '--context', '{"country":"US"}', '--json');
      expect(result.exitCode, `${id}: ${result.stderr}`).toBe(0);
      expect(JSON.parse(result.stdout).bucket.value, id).toBe(expectedBucket('&checkout_button_color', id, def.allocations[0].ranges));
    }
    // A value that is an option name is still taken as the value; a missing value still says so.
    expect(run('assign', '--matrix', DATA, '--id').stderr).toContain('--id needs a value');
  });

  it('says when the test rule keeps the identifier out', () => {
    const result = run('assign', '--matrix', DATA, '--test', 'salary_estimate_banner', '--id', 'u1', '--context', '{"lang":"de","country":"DE"}');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^salary_estimate_banner: no bucket \(the application uses its fallback bucket\)\n  why: .*rule.*\n$/);
  });

  it('uses the tested test type by default and lists every test without --test', () => {
    const email = JSON.parse(run('assign', '--matrix', DATA, '--test', 'email_digest_frequency', '--id', 'a@example.com', '--context', '{"subscribedToDigest":true,"accountAgeDays":3}', '--json').stdout);
    expect(email.bucket).not.toBeNull();
    const all = JSON.parse(run('assign', '--matrix', DATA, '--id', 'u1', '--context', '{"country":"US","lang":"en","loggedIn":true}', '--json').stdout);
    expect(all).toHaveLength(10);
    expect(all.find((a: { testName: string }) => a.testName === 'email_digest_frequency').reason).toBe('no-identifier');
  });

  it('names what is missing or wrong', () => {
    expect(run('assign', '--matrix', DATA, '--test', 'x').stderr).toContain('--id is required');
    expect(run('assign', '--id', 'u1').stderr).toContain('--matrix is required');
    const unknown = run('assign', '--matrix', DATA, '--test', 'nope', '--id', 'u1');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("no test 'nope'");
    expect(unknown.stderr).toContain('checkout_button_color');
    const notMatrix = run('assign', '--matrix', 'package.json', '--id', 'u1');
    expect(notMatrix.exitCode).toBe(1);
    expect(notMatrix.stderr).toContain('package.json has no tests');
  });
});

describe('the real proctor binary', () => {
  it('runs through npx: valid data exits 0, invalid data exits 1, from any working directory', () => {
    const ok = spawnSync('npx', ['--no-install', 'proctor', 'validate', DATA], { cwd: REPO, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('10 tests checked: all valid.\n');
    expect(ok.status).toBe(0);

    const bad = spawnSync(process.execPath, [path.join(REPO, 'bin/proctor.mjs'), 'validate', path.join(REPO, INVALID)], { cwd: tmpdir(), encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('bad_sum: error');

    const usage = spawnSync(process.execPath, [path.join(REPO, 'bin/proctor.mjs'), 'validate', '--bogus'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown option --bogus');
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });
});
