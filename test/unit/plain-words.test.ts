import { describe, expect, it } from 'vitest';
import { newTestDefinition } from '../../lib/editor/editor-document';
import { validateDefinition, type TestDefinition } from '../../lib/proctor';
import { describePath, plainIssue, scrubMessage } from '../../lib/ui/plain-words';

const base = (): TestDefinition => ({ ...newTestDefinition('t'), description: 'd' });

describe('Proctor messages in people words (issue #17)', () => {
  it('a sum of 140% is said as a percentage, without float noise or "rule null", and Proctor\'s text is kept', () => {
    const def = base();
    def.allocations[0].ranges = [
      { bucketValue: 0, length: 0.7 },
      { bucketValue: 1, length: 0.7000000000000001 },
    ];
    const issue = validateDefinition('t', def).find((i) => i.path === '/allocations/0/ranges' && i.severity === 'error')!;
    expect(issue.message).toContain('rule null');
    const plain = plainIssue(issue, def);
    expect(plain.text).toBe('The shares of allocation 1 add up to 140%; they must add up to 100%.');
    expect(plain.proctor).toBe(issue.message);
  });

  it('bucket names instead of bucket[1]', () => {
    const def = base();
    def.buckets[2] = { ...def.buckets[2], value: 0 };
    const issue = validateDefinition('t', def).find((i) => i.message.includes('bucket['))!;
    expect(plainIssue(issue, def).text).toBe('Bucket control (value 0) already has this value; each bucket needs its own value.');
  });

  it('an unregistered test type names the types Proctor knows', () => {
    const def = { ...base(), testType: 'USR' };
    const issue = validateDefinition('t', def).find((i) => i.path === '/testType')!;
    expect(issue.message).toBe("Test 't' is included in the application specification but refers to unknown id type 'USR'.");
    expect(plainIssue(issue, def).text).toBe('USR is not a Proctor test type; choose one of USER, ACCOUNT, EMAIL, RANDOM, PAGE, COMPANY.');
  });

  it('scrubs Java exception names and float noise from any message', () => {
    expect(scrubMessage('javax.el.ELException: Problems calling function [proctor:inRange]')).toBe('Problems calling function [proctor:inRange]');
    expect(scrubMessage('found 1.4000000000000001')).toBe('found 1.4');
    expect(scrubMessage('java.lang.NullPointerException')).toBe('Proctor could not evaluate this.');
  });

  it('names places in the form words', () => {
    const def = base();
    expect(describePath('/buckets/1/value', def)).toBe('Bucket control, value');
    expect(describePath('/allocations/0/ranges/1/length', def)).toBe('Allocation 1, range 2 share');
    expect(describePath('/testType', def)).toBe('Test type');
  });
});
