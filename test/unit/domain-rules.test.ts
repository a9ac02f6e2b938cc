/**
 * The domain rules that used to be written several times and disagreed (issue #15), each defined once in lib/domain.
 * Every row is a decision: the comment says which copy answered what before.
 */
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, PROMOTIONS, isEnvironment, isPromotion } from '@/lib/domain/environment';
import { isIssueKey, issueKeyProblem, leadingIssueKey } from '@/lib/domain/issue-key';
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
