import { describe, expect, it } from 'vitest';
import cases from '../fixtures/assignment/cases.json';
import {
  chooseRangeIndex,
  computeCutoffs,
  determineGroups,
  explainAssignment,
  hashPrefix,
  javaDoubleToInt,
  type DetermineGroupsOptions,
} from '../../lib/proctor/determine-groups';
import { proctorHash } from '../../lib/proctor/md5';
import type { ConsumableTestDefinition, TestMatrixArtifact } from '../../lib/proctor/model';

interface CaseTest {
  salt: string | null;
  buckets: number[];
  allocations: { rule?: string | null; id?: string; ranges: [number, number][] }[];
  [key: string]: unknown;
}
interface Case {
  name: string;
  tests: Record<string, CaseTest>;
  identifiers: Record<string, string>;
  context?: Record<string, unknown>;
  options?: DetermineGroupsOptions & { randomValues?: number[]; invalidIdentifiers?: string[] };
  expect: Record<string, number | null>;
  reasons?: Record<string, string>;
  messages?: Record<string, string>;
  allocationId?: Record<string, string>;
  exactKeys?: boolean;
}

const bucketNames: Record<number, string> = { [-1]: 'inactive', 0: 'control', 1: 'test' };

function toMatrix(tests: Record<string, CaseTest>): TestMatrixArtifact {
  const out: Record<string, ConsumableTestDefinition> = {};
  for (const [name, t] of Object.entries(tests)) {
    const { buckets, allocations, ...rest } = t;
    out[name] = {
      constants: {},
      version: '1',
      rule: null,
      silent: false,
      testType: 'USER',
      description: name,
      metaTags: [],
      dependsOn: null,
      evaluateForIncognitoUsers: false,
      enableUnitlessAllocations: false,
      containsUnitlessAllocation: false,
      forceLogging: false,
      payloadExperimentConfig: null,
      dynamic: false,
      ...(rest as Partial<ConsumableTestDefinition>),
      salt: t.salt,
      buckets: buckets.map((value) => ({ name: bucketNames[value] ?? `b${value}`, value, description: '' })),
      allocations: allocations.map((a, i) => ({
        rule: a.rule ?? null,
        id: a.id ?? `#${String.fromCharCode(65 + i)}1`,
        name: '',
        ranges: a.ranges.map(([bucketValue, length]) => ({ bucketValue, length })),
      })),
    };
  }
  return { audit: { version: '1', updated: 0, updatedDate: '', updatedBy: 'test' }, tests: out };
}

function runCase(c: Case) {
  const { randomValues, invalidIdentifiers, ...options } = c.options ?? {};
  const values = [...(randomValues ?? [])];
  const opts: DetermineGroupsOptions = {
    ...options,
    ...(randomValues ? { random: () => values.shift() ?? 0 } : {}),
    ...(invalidIdentifiers ? { isValidIdentifier: (_t: string, id: string) => !invalidIdentifiers.includes(id) } : {}),
  };
  const matrix = toMatrix(c.tests);
  const groups = determineGroups(matrix, c.identifiers, c.context ?? {}, opts);
  if (randomValues) values.splice(0, values.length, ...randomValues);
  const explained = explainAssignment(matrix, c.identifiers, c.context ?? {}, opts);
  for (const [test, value] of Object.entries(c.expect)) {
    expect(groups[test]?.value ?? null, `${test} bucket`).toBe(value);
    expect(explained[test]?.bucket?.value ?? null, `${test} explained bucket`).toBe(value);
  }
  if (c.exactKeys) expect(Object.keys(groups).sort()).toEqual(Object.keys(c.expect).sort());
  for (const [test, reason] of Object.entries(c.reasons ?? {})) expect(explained[test].reason, `${test} reason`).toBe(reason);
  for (const [test, message] of Object.entries(c.messages ?? {})) expect(explained[test].message).toBe(message);
  for (const [test, id] of Object.entries(c.allocationId ?? {})) expect(groups[test].allocationId).toBe(id);
}

describe('determineGroups (hash, ranges, forced groups, dependsOn, incognito, random)', () => {
  for (const c of cases.cases as unknown as Case[]) it(c.name, () => runCase(c));
});

describe('determineGroups with rules', () => {
  for (const c of cases.ruleCases as unknown as Case[]) it(c.name, () => runCase(c));
});

describe('cutoffs and range choice', () => {
  it('casts like Java (int): truncation toward zero and clamping', () => {
    expect(javaDoubleToInt(-2147483648 + 0.5 * 4294967295)).toBe(0); // -0.5 truncates toward zero
    expect(javaDoubleToInt(2.9)).toBe(2);
    expect(javaDoubleToInt(-2.9)).toBe(-2);
    expect(javaDoubleToInt(3e9)).toBe(2147483647);
    expect(javaDoubleToInt(-3e9)).toBe(-2147483648);
    expect(javaDoubleToInt(NaN)).toBe(0);
  });
  it('zero-length first range is only hit by INT_MIN', () => {
    const c = computeCutoffs({ rule: null, id: '', name: '', ranges: [{ bucketValue: -1, length: 0 }, { bucketValue: 0, length: 0.5 }, { bucketValue: 1, length: 0.5 }] });
    if (!('cutoffs' in c)) throw new Error(c.error);
    expect(c.cutoffs[0]).toBe(-2147483648);
    expect(chooseRangeIndex(c.cutoffs, -2147483648)).toBe(0);
    expect(chooseRangeIndex(c.cutoffs, -2147483647)).toBe(1);
    expect(chooseRangeIndex(c.cutoffs, 2147483647)).toBe(2);
  });
  it('a sum above 1 clamps the cutoff at INT_MAX', () => {
    const c = computeCutoffs({ rule: null, id: '', name: '', ranges: [{ bucketValue: 0, length: 1.0001 }, { bucketValue: 1, length: 0 }] });
    if (!('cutoffs' in c)) throw new Error(c.error);
    expect(c.cutoffs[0]).toBe(2147483647);
  });
  it('rejects sums outside [0.9999, 1.0001] with Proctor\'s message', () => {
    const c = computeCutoffs({ rule: '${a}', id: '', name: '', ranges: [{ bucketValue: 0, length: 0.5 }, { bucketValue: 1, length: 0.4998 }] });
    expect(c).toEqual({ error: "Buckets with rule ${a} don't add up to 1: 0.5 + 0.4998 = 0.9998" });
  });
  it('hash prefix: & salt alone, otherwise testName|salt', () => {
    expect(hashPrefix('t', '&s')).toBe('&s');
    expect(hashPrefix('t', 's')).toBe('t|s');
    expect(hashPrefix('t', null)).toBe('t|null');
  });
});

/**
 * TestStandardTestChooser's 10-million-identifier aggregates (accountId 1..9,999,999, 50/50 after a zero-length -1
 * range): counts per bucket and a Java-int hash accumulator h = 31*h + id.
 */
describe('TestStandardTestChooser aggregates', () => {
  const ranges = [
    { bucketValue: -1, length: 0.0 },
    { bucketValue: 0, length: 0.5 },
    { bucketValue: 1, length: 0.5 },
  ];
  const run = (prefix: string) => {
    const c = computeCutoffs({ rule: '${}', id: '#A1', name: '', ranges });
    if (!('cutoffs' in c)) throw new Error(c.error);
    const counts = [0, 0];
    const hashes = [0, 0];
    for (let id = 1; id < 10_000_000; id++) {
      const v = ranges[chooseRangeIndex(c.cutoffs, proctorHash(prefix, String(id)))].bucketValue;
      counts[v]++;
      hashes[v] = (Math.imul(31, hashes[v]) + id) | 0;
    }
    return { counts, hashes };
  };
  it('salt "testName" (legacy testName|salt prefix)', () => {
    expect(run(hashPrefix('testName', 'testName'))).toEqual({ counts: [4999412, 5000587], hashes: [1863060514, 765061458] });
  });
  it('salt "&testName", any test name', () => {
    const expected = { counts: [4999049, 5000950], hashes: [1209398320, 494965600] };
    expect(run(hashPrefix('testName', '&testName'))).toEqual(expected);
    expect(hashPrefix('someOtherTestName', '&testName')).toBe(hashPrefix('testName', '&testName'));
  });
});

describe("Proctor's TestProctorIntegration", () => {
  const matrix = toMatrix(cases.integration.tests as unknown as Record<string, CaseTest>);
  for (const row of cases.integration.rows) {
    it(`${row.identifier} ${row.country} ${row.language} ${row.num} → "${row.expected}"`, () => {
      const groups = determineGroups(matrix, { USER: row.identifier }, { num: row.num, country: row.country, language: row.language });
      const text = Object.entries(groups)
        .filter(([, b]) => b.value >= 0)
        .map(([name, b]) => `${name}${b.value}`)
        .join(',');
      expect(text).toBe(row.expected);
    });
  }
});
