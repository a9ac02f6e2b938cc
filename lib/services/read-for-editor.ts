/** What the editor pages start from: the trunk definition to edit (with its revision as the save's base) or to copy. */
import { AppError } from '@/lib/errors';
import { parseExistingTestName } from '@/lib/domain/test-name';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface EditorStart {
  text: string;
  /** The revision the save is checked against: a change made since is a conflict (STALE_REVISION), never overwritten. */
  baseRevision: string;
  liveInProduction: boolean;
}

/** The test's trunk definition for editing; NOT_FOUND when it is not on trunk. Editors only. */
export async function readForEdit(deps: Pick<ServiceDeps, 'store'>, reader: Reader, input: { name: unknown }): Promise<EditorStart> {
  requireReader(reader, 'editor');
  const testName = parseExistingTestName(input.name);
  const read = await deps.store.readDefinition(testName, { branch: 'trunk' });
  if (!read) throw new AppError('NOT_FOUND', `Test ${testName} does not exist in TRUNK.`, { data: { testName } });
  const live = await deps.store.liveRevisions(testName);
  return { text: read.text, baseRevision: read.revision, liveInProduction: live.production.revision !== null };
}
