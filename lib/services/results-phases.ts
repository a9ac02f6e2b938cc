/**
 * The phases of a test's results in one environment (issue #20): its history on the environment's branch, split at
 * every revision whose allocation change moved some users between active buckets (definitionDrift > 0). A change that
 * moved nobody between active buckets (room-to-grow, split-bucket; seed 004) continues the phase.
 *
 * Events name the definition `version` in force (on qa/production the trunk revision it was promoted from; "-1" on
 * trunk), so each version is mapped to the last revision of the branch that carried it (a rollback to an older version
 * lands in the phase where it was live again; on trunk every version is "-1", so trunk data falls in the current phase).
 */
import type { Environment } from '@/lib/domain/environment';
import type { TestName } from '@/lib/domain/test-name';
import { parseRevision } from '@/lib/domain/revision';
import { definitionDrift } from '@/lib/proctor/allocation-drift';
import type { TestDefinition } from '@/lib/proctor/model';
import type { ServiceDeps } from './service-deps';

export interface TimelineRevision {
  revision: string;
  definitionVersion: string;
  issueKey: string | null;
  at: Date;
  definition: TestDefinition;
  phase: number;
}

export interface TimelinePhase {
  index: number;
  revisions: TimelineRevision[];
  startedBy: { definitionVersion: string; revision: string; issueKey: string | null; movedShare: number } | null;
  startedAt: Date;
  endedAt: Date | null;
}

export interface TestTimeline {
  revisions: TimelineRevision[];
  phases: TimelinePhase[];
  /** definitionVersion → the revision it is counted under. */
  byVersion: Map<string, TimelineRevision>;
}

/** A definition at a commit never changes: kept per process (bounded) so results and health read git once per revision. */
const definitionsAt = new Map<string, TestDefinition | null>();
const MAX_CACHED = 5000;

async function definitionAt(deps: Pick<ServiceDeps, 'store'>, testName: TestName, commit: string): Promise<TestDefinition | null> {
  const key = `${testName}@${commit}`;
  if (definitionsAt.has(key)) return definitionsAt.get(key)!;
  const read = await deps.store.readDefinition(testName, { revision: parseRevision(commit) });
  const definition = read?.definition ?? null;
  if (definitionsAt.size >= MAX_CACHED) definitionsAt.delete(definitionsAt.keys().next().value!);
  definitionsAt.set(key, definition);
  return definition;
}

const EPSILON = 1e-12;

export async function readTimeline(deps: Pick<ServiceDeps, 'store'>, testName: TestName, env: Environment): Promise<TestTimeline> {
  const { entries } = await deps.store.history(testName, env, { limit: 1000 });
  const ascending = [...entries].reverse();
  const revisions: TimelineRevision[] = [];
  const phases: TimelinePhase[] = [];
  for (const entry of ascending) {
    const definition = await definitionAt(deps, testName, entry.revision);
    if (!definition) continue; // deleted at this revision, or unreadable
    const previous = revisions[revisions.length - 1];
    const revision: TimelineRevision = {
      revision: entry.revision,
      definitionVersion: definition.version ?? '',
      issueKey: entry.issueKey,
      at: new Date(entry.committedAt),
      definition,
      phase: 0,
    };
    const moved = previous ? definitionDrift(previous.definition, definition).movedBetweenActiveBuckets : 0;
    if (!previous || moved > EPSILON) {
      if (phases.length) phases[phases.length - 1].endedAt = revision.at;
      phases.push({
        index: phases.length,
        revisions: [],
        startedBy: previous ? { definitionVersion: revision.definitionVersion, revision: revision.revision, issueKey: revision.issueKey, movedShare: moved } : null,
        startedAt: revision.at,
        endedAt: null,
      });
    }
    const phase = phases[phases.length - 1];
    revision.phase = phase.index;
    phase.revisions.push(revision);
    revisions.push(revision);
  }
  const byVersion = new Map<string, TimelineRevision>();
  for (const revision of revisions) byVersion.set(revision.definitionVersion, revision);
  return { revisions, phases, byVersion };
}
