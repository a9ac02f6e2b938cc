/**
 * What the use cases need from the world outside them, as interfaces: the composition root (lib/composition) plugs in
 * the real adapters, test/support/test-services.ts in-memory fakes, so a use case can be tested in milliseconds.
 */
import type { MatrixDistribution } from '@/lib/distribution/matrix-distribution';
import type { Environment } from '@/lib/domain/environment';
import type { ChangeLink } from '@/lib/issues/link-change';
import type { ProctorSpecification } from '@/lib/proctor/model';
import type { DefinitionStore } from '@/lib/store';
import type { BuiltMatrix, MatrixState } from '@/lib/distribution/matrix-cache';
import type { EnvironmentMatrixStatus } from '@/lib/distribution/matrix-status';
import type { BatchResult } from '@/lib/events/record-events';
import type { Checked } from '@/lib/events/validate-events';

/** The definition store as the use cases see it: reads, listings and the five kinds of write. DefinitionStore is one. */
export type DefinitionStorePort = Pick<
  DefinitionStore,
  | 'readDefinition'
  | 'listDefinitions'
  | 'liveRevisions'
  | 'history'
  | 'diff'
  | 'drift'
  | 'head'
  | 'indexStatus'
  | 'sync'
  | 'createTest'
  | 'updateTest'
  | 'deleteTest'
  | 'revertTest'
  | 'promote'
>;

/** Each environment's test matrix as it is served (built from its branch head, last good kept). */
export interface MatrixPort {
  get(env: Environment): Promise<MatrixState>;
  /** The matrix of one recent revision of the branch (the immutable per-revision URL); null when it is not one. */
  atRevision(env: Environment, revision: string): Promise<BuiltMatrix | null>;
  /**
   * The served matrix consolidated for the specification `application` registered in `env` (its last heartbeat, of
   * `version` if given); NOT_FOUND when it has registered none, NOT_READY when the environment has no matrix.
   */
  forApplication(env: Environment, application: string, version?: string): Promise<{ matrix: BuiltMatrix; failure: MatrixState['failure'] }>;
  /** The request edge: the state built for the current head, or null if the head moved and is not built yet. */
  fresh(env: Environment): Promise<MatrixState | null>;
  /** fresh() without waiting: undefined when the head must be read first (then call fresh()). */
  freshNow(env: Environment): MatrixState | null | undefined;
  /** The request edge: a revision's matrix if held in memory, else null. */
  held(env: Environment, revision: string): BuiltMatrix | null;
  /** Per environment: what is served, whether the newest head failed, and where it is published. */
  status(envs: readonly Environment[]): Promise<EnvironmentMatrixStatus[]>;
  /** The process's distribution (rebuilds and announces matrices as branches move), started on first use. */
  distribution(): Promise<MatrixDistribution>;
}

/** Instances of one application version with one specification. */
export interface ConsumerGroup {
  application: string;
  version: string;
  environment: Environment;
  specification: ProctorSpecification;
  instances: number;
  lastSeenAt: Date;
}

/** The applications that reported themselves by heartbeat. */
export interface ConsumerDirectory {
  /** Active consumers of an environment grouped by (application, version, specification). */
  activeGroups(env: Environment, options?: { activeMinutes?: number; now?: Date }): Promise<ConsumerGroup[]>;
}

/** Which changes were made under which issue (kept beside the tracker, which may be JIRA). */
export interface IssueLinkLog {
  /** Idempotent: recording the same change twice keeps one link. */
  record(link: ChangeLink): Promise<void>;
}

/** Where measurement events are stored, exactly once (lib/events). */
export interface EventSink {
  record(checked: Checked[], options: { now: Date }): Promise<BatchResult>;
  /** Forgets event ids past the retention (counts stay); returns how many were pruned. */
  prune(retentionDays: number): Promise<number>;
  /** Resolves once every event acknowledged before the call is counted: read counts after it. */
  settle(): Promise<void>;
}
