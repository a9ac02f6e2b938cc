/**
 * A results test's definition history: a test with buckets inactive (-1), control (0) and treatment (1) and one
 * allocation, written on trunk and promoted to production, one revision at a time.
 */
import type { IssueKey } from '@/lib/domain/issue-key';
import type { TestName } from '@/lib/domain/test-name';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import type { Range } from '@/lib/proctor/model';
import type { TestServices } from './test-services';

const author = { name: 'Erin', email: 'erin@example.com' };

export const R = (bucketValue: number, length: number): Range => ({ bucketValue, length });

export function resultsDefinition(ranges: Range[], id: string) {
  return parseDefinition(
    JSON.stringify({
      version: '-1',
      constants: {},
      salt: '&t',
      rule: null,
      testType: 'USER',
      description: 'results test',
      buckets: [
        { name: 'inactive', value: -1 },
        { name: 'control', value: 0 },
        { name: 'treatment', value: 1 },
      ],
      allocations: [{ rule: null, ranges, id, name: '' }],
    }),
  );
}

/** Writes trunk and promotes it to production under `issueKey`; returns the production definition's version. */
export async function release(services: TestServices, testName: string, ranges: Range[], id: string, issueKey: string): Promise<string> {
  const store = services.store;
  const name = testName as TestName;
  const key = issueKey as IssueKey;
  const trunk = await store.readDefinition(name, { branch: 'trunk' });
  const written = trunk
    ? await store.updateTest({ testName: name, author, issueKey: key, baseRevision: trunk.revision, definition: resultsDefinition(ranges, id) })
    : await store.createTest({ testName: name, author, issueKey: key, definition: resultsDefinition(ranges, id) });
  const production = await store.readDefinition(name, { branch: 'production' });
  await store.promote({ testName: name, author, issueKey: key, from: 'trunk', to: 'production', sourceRevision: written.revision, expectedTargetRevision: production?.revision ?? null });
  return (await store.readDefinition(name, { branch: 'production' }))!.definition!.version!;
}
