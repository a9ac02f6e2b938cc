/**
 * Whether a page's subject exists: the (app) layout asks before the page streams, so a missing test or issue gets a
 * 404 status (lib/server/unknown-page.ts). Names and keys arrive as typed in the address.
 */
import type { Environment } from '@/lib/domain/environment';
import { isExistingTestName } from '@/lib/domain/test-name';
import type { Reader, ServiceDeps } from './service-deps';

/** True when `name` is a test name and the test exists in at least one of `branches`. */
export async function testExists(deps: Pick<ServiceDeps, 'store'>, _reader: Reader, input: { name: string; branches: readonly Environment[] }): Promise<boolean> {
  const name = input.name;
  if (!isExistingTestName(name)) return false;
  const reads = await Promise.all(input.branches.map((branch) => deps.store.readDefinition(name, { branch })));
  return reads.some((read) => read !== null);
}

/** True when the tracker knows the issue (keys are compared upper-case, as the tracker stores them). */
export async function issueExists(deps: Pick<ServiceDeps, 'tracker'>, _reader: Reader, input: { key: string }): Promise<boolean> {
  const key = input.key.trim().toUpperCase();
  return key !== '' && (await deps.tracker.getIssue(key)) !== null;
}
