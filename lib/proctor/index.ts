/**
 * The Proctor core library: pure TypeScript, no Node or framework imports, so the server, the CLI and the browser
 * editor share one implementation of Proctor's formats, rules, validation, matrices and hashing.
 */
export * from './model';

// Definition files: Proctor's lenient reader and exact byte writer (FACTS §1).
export { parseDefinition, parseDefinitionStrict, parseMatrix, parseSpecification, parseConsumableDefinition, readDefinition } from './parse-definition';
export { serializeDefinition, serializeMatrix, serializeConsumableDefinition, serializeJson } from './serialize-definition';
export { parseJson, JsonParseError, formatPlainDouble } from './json';
export { checkDefinitionSchema, checkMatrixSchema, checkSpecificationSchema } from './schema-check';

// Rule language (FACTS §3).
export { normalizeRule, isEmptyRule, wrapRule } from './rule-braces';
export {
  evaluateRule,
  evaluateExpression,
  verifyRule,
  verifyRuleDetailed,
  parseRule,
  collectIdentifiers,
  RuleSyntaxError,
  RuleEvaluationError,
  type RuleProblem,
} from './rules';

// Validation (FACTS §2).
export { validateTestName, isValidTestName, MAX_TEST_NAME_LENGTH } from './validate-test-name';
export { validateDefinition, hasErrors, type ValidateDefinitionOptions } from './validate-definition';
export { validateDependencies, determineEvaluationOrder } from './validate-dependencies';

// Matrices and specifications (FACTS §1.4, §1.5, §2.2, §5).
export { toConsumable, isUnitlessAllocation, containsUnitlessAllocation } from './to-consumable';
export { buildMatrix, type BuildMatrixAudit } from './build-matrix';
export { createAudit, formatAuditDate } from './audit';
export { verifyMatrix, consolidateMatrix, fallbackDefinition, determineDynamicTests, type VerifyMatrixResult } from './verify-matrix';
export { generateSpecification } from './generate-specification';

// Bucket assignment (FACTS §4).
export { determineGroups, explainAssignment, type DetermineGroupsOptions, type TestAssignment, type AssignedBucket, type AssignmentReason } from './determine-groups';
export { md5, md5Hex, proctorHash } from './md5';

// Allocation analysis (FACTS §6.5, §6.6, seed 004).
export { isAllocationOnlyChange, explainAllocationOnlyChange } from './is-allocation-only-change';
export { generateAllocationId, parseAllocationId, updateAllocationIds, assignNewAllocationIds, maxAllocationId } from './allocation-ids';
export { allocationDrift, bucketShares, definitionDrift, type AllocationDrift, type AllocationDriftEntry, type DefinitionDrift, type DriftMove } from './allocation-drift';
export { suggestStableGrowth, type StableGrowthSuggestion } from './suggest-stable-growth';

// Diffs between two definitions.
export { diffDefinitions, summarizeChanges, formatPercent, type DefinitionChange } from './diff-definitions';
export { unifiedDiff, diffLines, type DiffLine } from './unified-diff';
