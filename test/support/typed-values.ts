/**
 * Typed values for tests that call the store directly: the same parsers the use cases run at their edge
 * (lib/domain), so a test literal that is not a valid name, key or revision fails where it is written.
 */
import { parseIssueKey, type IssueKey } from '@/lib/domain/issue-key';
import { parseRevision, type Revision } from '@/lib/domain/revision';
import { parseExistingTestName, type TestName } from '@/lib/domain/test-name';

export const name = (value: string): TestName => parseExistingTestName(value);
export const key = (value: string): IssueKey => parseIssueKey(value);
export const rev = (value: string): Revision => parseRevision(value);
