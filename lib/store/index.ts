export { DefinitionStore, openDefinitionStore, definitionStoreOptionsFromConfig, REPOSITORY_FOLDER } from './definition-store';
export { gitBlobOid } from './listing-cache';
export type {
  DefinitionStoreOptions,
  Author,
  RevisionSelector,
  DefinitionRead,
  ListedDefinition,
  WriteResult,
  LiveRevision,
  DefinitionDiff,
  DiffSide,
  ChangeMeta,
  CommitSummary,
} from './definition-store';
export type { DefinitionChange } from './definition-changes';
export type { WriteRequest } from './definition-writer';
export type { HistoryEntryRecord, IndexProgress } from './history-index';
export type { TestDrift, DriftState } from '@/lib/domain/drift';
export { ENVIRONMENTS, type Environment, type BranchNames } from './paths';
export { DEMO_USERS, planSeedHistory, seedIssues, type SeedIssue, type DemoUser } from './seed';
export { parseCommitMessage, buildCommitMessage, type ChangeKind } from './commit-message';
