/**
 * A definition's `version`, the one home of Proctor's rules for it (FACTS §2.4 step 6 and §6.4):
 *
 * - create: `"-1"` (EnvironmentVersion.UNKNOWN_VERSION);
 * - edit: the existing definition's version is kept, whatever the submitted one says (`"-1"` when there is none);
 * - promote: the trunk revision the definition came from — the source revision when promoting from trunk, else the
 *   version the source definition already carries (qa → production keeps the trunk revision).
 *
 * Applied once each: create and edit in the save use case (lib/services/save-definition.ts, so validation and
 * auto-promotion see the definition that is committed), promote in the store's promote change (which reads the source
 * inside the commit).
 */
import type { TestDefinition } from './model';

export const NEW_TEST_VERSION = '-1';

/** The version an edited definition is saved with. */
export function versionOnEdit(previous: Pick<TestDefinition, 'version'> | null | undefined): string {
  return previous?.version ?? NEW_TEST_VERSION;
}

/** The version of a definition promoted out of `from` at `sourceRevision`. */
export function versionOnPromote(from: 'trunk' | 'qa' | 'production', sourceRevision: string, source: Pick<TestDefinition, 'version'>): string {
  return from === 'trunk' ? sourceRevision : (source.version ?? sourceRevision);
}
