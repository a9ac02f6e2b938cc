/** Small test matrices for the client's event tests: one consumable definition with the given buckets and ranges. */
import type { ConsumableTestDefinition, TestMatrixArtifact } from '@/lib/proctor/model';

export function consumable(buckets: number[], ranges: [number, number][], extra: Partial<ConsumableTestDefinition> = {}): ConsumableTestDefinition {
  return {
    constants: {},
    version: '7',
    salt: '&t',
    rule: null,
    buckets: buckets.map((value) => ({ name: value < 0 ? 'inactive' : `b${value}`, value, description: '' })),
    allocations: [{ rule: null, ranges: ranges.map(([bucketValue, length]) => ({ bucketValue, length })), id: '#A1', name: '' }],
    silent: false,
    testType: 'USER',
    description: '',
    metaTags: [],
    dependsOn: null,
    evaluateForIncognitoUsers: false,
    enableUnitlessAllocations: false,
    containsUnitlessAllocation: false,
    forceLogging: false,
    payloadExperimentConfig: null,
    dynamic: false,
    ...extra,
  };
}

export function matrixOf(version: string, tests: Record<string, ConsumableTestDefinition>): TestMatrixArtifact {
  return { audit: { version, updated: 1_700_000_000_000, updatedDate: '', updatedBy: 'test' }, tests };
}

/** The specification an application with exactly these tests would have (buckets by name, fallback -1). */
export function specificationOf(matrix: TestMatrixArtifact): { tests: Record<string, { fallbackValue: number; buckets: Record<string, number> }> } {
  return { tests: Object.fromEntries(Object.entries(matrix.tests).map(([name, test]) => [name, { fallbackValue: -1, buckets: Object.fromEntries(test.buckets.map((b) => [b.name, b.value])) }])) };
}
