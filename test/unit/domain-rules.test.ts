/**
 * The domain rules that used to be written several times and disagreed (issue #15), each defined once in lib/domain.
 * Every row is a decision: the comment says which copy answered what before.
 */
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, PROMOTIONS, isEnvironment, isPromotion, parseEnvironment } from '@/lib/domain/environment';
import { isIssueKey, issueKeyProblem, leadingIssueKey, parseIssueKey } from '@/lib/domain/issue-key';
import { parseOptionalRevision, parseRevision } from '@/lib/domain/revision';
import { parseExistingTestName, parseNewTestName } from '@/lib/domain/test-name';
import { AppError } from '@/lib/errors';
import { NEW_TEST_VERSION, versionOnEdit, versionOnPromote } from '@/lib/proctor/definition-version';
import { isAllInactive, testStatus } from '@/lib/domain/test-status';
import type { TestDefinition } from '@/lib/proctor/model';

describe('issue keys (lib/domain/issue-key.ts)', () => {
  it.each([
    // [key, is a key]
    ['PROTEST-7', true],
    ['MY_PROJ-12', true], // store and JIRA said yes, the workflow said no: JIRA allows _ in project keys
    ['PROTEST-0', false], // the workflow said yes, store and JIRA no: JIRA never numbers an issue 0
    ['PROTEST-007', false], // leading zeros: not a number JIRA writes
    ['A-1', false], // project keys have two characters at least
    ['AB1-3', true],
    ['1AB-3', false],
    ['protest-7', false], // callers upper-case typed input first
    ['PROTEST-7 ', false], // callers trim first
    ['PROTEST-7\u0000', false],
    ['PROTEST-7\nX', false],
    ['PROTEST', false],
    ['', false],
    [`P${'X'.repeat(70)}-1`, false], // longer than 64
  ])('%j → %s', (key, expected) => {
    expect(isIssueKey(key)).toBe(expected);
  });

  it('narrows to the projects a tracker accepts', () => {
    expect(isIssueKey('PROTEST-7', { projects: ['PROTEST'] })).toBe(true);
    expect(issueKeyProblem('OTHER-7', { projects: ['PROTEST'] })).toBe('OTHER-7 is not in project PROTEST.');
  });

  it('never echoes control characters in its refusal', () => {
    expect(issueKeyProblem('A\u0000B')).toBe("'A\\u0000B' is not an issue key: use the form PROJECT-123 in capitals, e.g. PROTEST-7.");
  });

  it('reads the key in front of a commit subject with the same grammar', () => {
    expect(leadingIssueKey('MY_PROJ-12: change')).toBe('MY_PROJ-12');
    expect(leadingIssueKey('PROTEST-0: change')).toBeNull();
    expect(leadingIssueKey('Promoting x (trunk r1) to qa')).toBeNull();
  });
});

describe('environments (lib/domain/environment.ts)', () => {
  it('has the three environments and the allowed promotions', () => {
    expect(ENVIRONMENTS).toEqual(['trunk', 'qa', 'production']);
    expect(PROMOTIONS.map(([a, b]) => `${a}→${b}`)).toEqual(['trunk→qa', 'qa→production', 'trunk→production']);
    expect(isPromotion('trunk', 'qa')).toBe(true);
    expect(isPromotion('production', 'qa')).toBe(false);
    expect(isPromotion('qa', 'trunk')).toBe(false);
    expect(isEnvironment('prod')).toBe(false);
  });
});

describe('test status (lib/domain/test-status.ts)', () => {
  const buckets = [
    { name: 'inactive', value: -1 },
    { name: 'control', value: 0 },
    { name: 'test', value: 1 },
  ];
  const def = (...allocations: [number, number][][]): TestDefinition =>
    ({ buckets, allocations: allocations.map((ranges) => ({ rule: null, id: '', name: '', ranges: ranges.map(([bucketValue, length]) => ({ bucketValue, length })) })) }) as unknown as TestDefinition;

  it.each([
    // [case, definition, status]
    ['100% inactive', def([[-1, 1]]), 'inactive'],
    ['zero-length active ranges only', def([[-1, 1], [0, 0], [1, 0]]), 'inactive'],
    // 100% control: the old list said "inactive", the editor "running", auto-promotion "not all inactive".
    ['100% control', def([[0, 1]]), 'rolled-out'],
    ['one bucket per allocation', def([[0, 1]], [[-1, 1]]), 'rolled-out'],
    ['10/10/80', def([[0, 0.1], [1, 0.1], [-1, 0.8]]), 'running'],
    ['95/5', def([[0, 0.95], [1, 0.05]]), 'running'],
    ['split bucket ranges of one value', def([[0, 0.5], [0, 0.5]]), 'rolled-out'],
    ['a split in the second allocation', def([[0, 1]], [[0, 0.5], [1, 0.5]]), 'running'],
  ])('%s → %s', (_, definition, status) => {
    expect(testStatus(definition)).toBe(status);
  });

  it("keeps Proctor's isAllInactiveTest: the -1 bucket must be named inactive or disabled", () => {
    const named = (name: string) => ({ ...def([[-1, 1]]), buckets: [{ name, value: -1 }] }) as TestDefinition;
    expect(isAllInactive(named('Disabled'))).toBe(true);
    expect(isAllInactive(named('off'))).toBe(false);
    expect(testStatus(named('off'))).toBe('rolled-out');
  });
});

/** What a parser answers: the value, or the refusal's code and detail paths. */
function outcome(parse: () => unknown): unknown {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, paths: error.details.map((d) => d.path) };
  }
}

const REV = 'a'.repeat(40);

describe('parsed once at the edge of a use case: one error code and one JSON-pointer detail path per failure', () => {
  it.each([
    // [kind, call, parse, answer]
    // Test names, a NEW test (create): Proctor's rule. Before, the store said BAD_REQUEST at `testName`, the service at `/name`.
    ['new name', `parseNewTestName('my_test')`, () => parseNewTestName('my_test'), 'my_test'],
    ['new name', `parseNewTestName('9bad')`, () => parseNewTestName('9bad'), { code: 'BAD_REQUEST', paths: ['/name'] }],
    ['new name', `parseNewTestName('test2')`, () => parseNewTestName('test2'), { code: 'BAD_REQUEST', paths: ['/name'] }], // ends with a digit
    ['new name', `parseNewTestName('x'.repeat(101))`, () => parseNewTestName('x'.repeat(101)), { code: 'BAD_REQUEST', paths: ['/name'] }],
    ['new name', `parseNewTestName(undefined)`, () => parseNewTestName(undefined), { code: 'BAD_REQUEST', paths: ['/name'] }],
    // Test names, an EXISTING test (read, edit, delete, revert, promote): what Proctor's history parser reads (\w+).
    // Before, the services held every name to the create rule, so `test2` (in a repository since before the rule)
    // could be listed but not opened, edited or promoted; the store already allowed it.
    ['existing name', `parseExistingTestName('test2')`, () => parseExistingTestName('test2'), 'test2'],
    ['existing name', `parseExistingTestName('9bad')`, () => parseExistingTestName('9bad'), '9bad'],
    ['existing name', `parseExistingTestName('../etc')`, () => parseExistingTestName('../etc'), { code: 'BAD_REQUEST', paths: ['/name'] }],
    ['existing name', `parseExistingTestName('a-b')`, () => parseExistingTestName('a-b'), { code: 'BAD_REQUEST', paths: ['/name'] }],
    ['existing name', `parseExistingTestName('caf\u00e9')`, () => parseExistingTestName('caf\u00e9'), { code: 'BAD_REQUEST', paths: ['/name'] }],
    ['existing name', `parseExistingTestName('')`, () => parseExistingTestName(''), { code: 'BAD_REQUEST', paths: ['/name'] }],
    ['existing name', `parseExistingTestName('x'.repeat(256))`, () => parseExistingTestName('x'.repeat(256)), { code: 'BAD_REQUEST', paths: ['/name'] }],
    // Revisions: full 40-hex only. Before, the store said `baseRevision`, the service `/baseRevision`.
    ['revision', `parseRevision(REV, 'baseRevision')`, () => parseRevision(REV, 'baseRevision'), REV],
    ['revision', `parseRevision('HEAD~1', 'baseRevision')`, () => parseRevision('HEAD~1', 'baseRevision'), { code: 'BAD_REQUEST', paths: ['/baseRevision'] }],
    ['revision', `parseRevision(REV.slice(0, 7)`, () => parseRevision(REV.slice(0, 7), 'toRevision'), { code: 'BAD_REQUEST', paths: ['/toRevision'] }],
    ['revision', `parseRevision(REV.toUpperCase())`, () => parseRevision(REV.toUpperCase()), { code: 'BAD_REQUEST', paths: ['/revision'] }],
    ['optional revision', `parseOptionalRevision('', 'revision')`, () => parseOptionalRevision('', 'revision'), null],
    ['optional revision', `parseOptionalRevision(null, 'revision')`, () => parseOptionalRevision(null, 'revision'), null],
    // Environments: NOT_FOUND (a branch that does not exist). Before, the store said BAD_REQUEST with no detail.
    ['environment', `parseEnvironment('qa')`, () => parseEnvironment('qa'), 'qa'],
    ['environment', `parseEnvironment('prod')`, () => parseEnvironment('prod'), { code: 'NOT_FOUND', paths: ['/env'] }],
    ['environment', `parseEnvironment('TRUNK', 'from')`, () => parseEnvironment('TRUNK', 'from'), { code: 'NOT_FOUND', paths: ['/from'] }],
    // Issue keys: ISSUE_INVALID at /issueKey, trimmed. Before, the store also said BAD_REQUEST at `issueKey`.
    ['issue key', `parseIssueKey(' PROTEST-7 ')`, () => parseIssueKey(' PROTEST-7 '), 'PROTEST-7'],
    ['issue key', `parseIssueKey('not a key')`, () => parseIssueKey('not a key'), { code: 'ISSUE_INVALID', paths: ['/issueKey'] }],
    ['issue key', `parseIssueKey(undefined)`, () => parseIssueKey(undefined), { code: 'ISSUE_INVALID', paths: ['/issueKey'] }],
  ])('%s: %s', (_, _call, parse, answer) => {
    expect(outcome(parse)).toEqual(answer);
  });
});

describe('version rules (lib/proctor/definition-version.ts)', () => {
  it.each([
    // [case, answer]
    ['create', NEW_TEST_VERSION, '-1'],
    ['edit keeps the existing version, not the submitted one', versionOnEdit({ version: REV }), REV],
    ['edit of a definition without a version', versionOnEdit({ version: null }), '-1'],
    ['edit with no existing definition', versionOnEdit(null), '-1'],
    ['promote from trunk: the trunk revision', versionOnPromote('trunk', REV, { version: '-1' }), REV],
    ['promote qa → production: the trunk revision qa carries', versionOnPromote('qa', 'b'.repeat(40), { version: REV }), REV],
    ['promote from qa without a version: the source revision', versionOnPromote('qa', REV, { version: null }), REV],
  ])('%s', (_, actual, expected) => {
    expect(actual).toBe(expected);
  });
});
