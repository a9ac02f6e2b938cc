import { describe, expect, it } from 'vitest';
import data from '../fixtures/assignment/verify-matrix.json';
import { consolidateMatrix, verifyMatrix, type VerifyMatrixOptions } from '../../lib/proctor/verify-matrix';
import type { ConsumableTestDefinition, Payload, ProctorSpecification, TestMatrixArtifact } from '../../lib/proctor/model';

interface CaseTest {
  buckets: number[];
  payloads?: Record<string, Payload>;
  allocations: { rule?: string | null; ranges: [number, number][] }[];
  [key: string]: unknown;
}
interface Case {
  name: string;
  tests: Record<string, CaseTest>;
  spec: ProctorSpecification;
  options?: VerifyMatrixOptions;
  valid: boolean;
  errors?: Record<string, string>;
  errorsStartWith?: Record<string, string>;
  missing?: string[];
  dynamicTests?: string[];
  dynamicErrors?: string[];
}
const names: Record<number, string> = { [-1]: 'inactive', 0: 'control', 1: 'test' };

export function toMatrix(tests: Record<string, CaseTest>): TestMatrixArtifact {
  const out: Record<string, ConsumableTestDefinition> = {};
  for (const [name, t] of Object.entries(tests)) {
    const { buckets, allocations, payloads, ...rest } = t;
    out[name] = {
      constants: {}, version: '1', salt: `&${name}`, rule: null, silent: false, testType: 'USER', description: name, metaTags: [],
      dependsOn: null, evaluateForIncognitoUsers: false, enableUnitlessAllocations: false, containsUnitlessAllocation: false,
      forceLogging: false, payloadExperimentConfig: null, dynamic: false,
      ...(rest as Partial<ConsumableTestDefinition>),
      buckets: buckets.map((value) => ({ name: names[value] ?? `b${value}`, value, description: '', ...(payloads?.[value] ? { payload: payloads[value] } : {}) })),
      allocations: allocations.map((a) => ({ rule: a.rule ?? null, id: '', name: '', ranges: a.ranges.map(([bucketValue, length]) => ({ bucketValue, length })) })),
    };
  }
  return { audit: { version: '1', updated: 0, updatedDate: '', updatedBy: 't' }, tests: out };
}

function run(c: Case) {
  const result = verifyMatrix(toMatrix(c.tests), c.spec, undefined, c.options);
  expect(result.valid).toBe(c.valid);
  if (c.errors) expect(Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, v[0]]))).toEqual(c.errors);
  for (const [t, prefix] of Object.entries(c.errorsStartWith ?? {})) expect(result.errors[t]?.[0]).toMatch(new RegExp('^' + prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  if (c.missing) expect(result.missing).toEqual(c.missing);
  if (c.dynamicTests) expect(result.dynamicTests).toEqual(c.dynamicTests);
  if (c.dynamicErrors) expect(Object.keys(result.dynamicErrors)).toEqual(c.dynamicErrors);
}

describe('verifyMatrix', () => {
  for (const c of data.cases as unknown as Case[]) it(c.name, () => run(c));
});
describe('verifyMatrix with rule evaluation', () => {
  for (const c of data.ruleCases as unknown as Case[]) it(c.name, () => run(c));
});

describe('consolidateMatrix', () => {
  it('replaces missing/invalid required tests by fallbacks, drops others, strips payloads, appends spec buckets', () => {
    const matrix = toMatrix({
      kept: { buckets: [0], payloads: { 0: { longValue: 3 } }, allocations: [{ ranges: [[0, 1.0]] }] },
      broken: { buckets: [0], allocations: [{ ranges: [[0, 0.5]] }] },
      unrequested: { buckets: [0], allocations: [{ ranges: [[0, 1.0]] }] },
      example_dyn: { buckets: [0], metaTags: ['tag'], allocations: [{ ranges: [[0, 1.0]] }] },
    });
    const spec: ProctorSpecification = {
      tests: {
        kept: { buckets: { control: 0, test: 1 }, fallbackValue: -1 },
        broken: { buckets: { control: 0 }, fallbackValue: 0 },
        absent: { fallbackValue: -1, buckets: { inactive: -1, control: 0 } },
      },
      dynamicFilters: [{ type: 'meta_tags_filter', meta_tags: ['tag'] }],
    };
    const { matrix: loaded, result } = consolidateMatrix(matrix, spec);
    expect(result.missing).toEqual(['absent']);
    expect(Object.keys(result.errors)).toEqual(['broken']);
    expect(Object.keys(loaded.tests).sort()).toEqual(['absent', 'broken', 'example_dyn', 'kept']);
    expect(loaded.tests.kept.buckets).toEqual([{ name: 'control', value: 0, description: '' }, { name: 'test', value: 1 }]);
    expect(loaded.tests.example_dyn.dynamic).toBe(true);
    expect(loaded.tests.broken).toMatchObject({ version: 'default', testType: 'RANDOM', salt: 'broken', description: 'broken' });
    expect(loaded.tests.broken.buckets).toEqual([{ name: 'inactive', value: 0, description: 'fallback because missing in matrix' }]);
    expect(loaded.tests.absent.buckets).toEqual([
      { name: 'inactive', value: -1, description: 'fallback because missing in matrix' },
      { name: 'control', value: 0 },
    ]);
    expect(loaded.tests.absent.allocations).toEqual([{ rule: null, ranges: [{ bucketValue: -1, length: 1.0 }], id: '', name: '' }]);
    // the input is untouched
    expect(matrix.tests.kept.buckets[0].payload).toEqual({ longValue: 3 });
  });
});
