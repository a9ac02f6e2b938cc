/**
 * Throughput of determineGroups on a 500-test matrix, printed as ratios against the cost of ONE md5 of the same
 * salt+identifier input measured in the same run (the floor any hashing-based assignment must pay per test).
 * Run: npx tsx bench/determine-groups.ts
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { determineGroups } from '../lib/proctor/determine-groups';
import { proctorHash } from '../lib/proctor/md5';
import type { Allocation, ConsumableTestDefinition, TestMatrixArtifact } from '../lib/proctor/model';

const TESTS = 500;

/** Deterministic pseudo-random numbers so every run builds the same matrix. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const TEST_RULES = [null, null, "${lang == 'en'}", '${proctor:contains(COUNTRIES, country)}', '${loggedIn && num > MIN}', "${fn:startsWith(ua, 'Mozilla')}"];
const ALLOCATION_RULES = ["${country == 'US'}", "${country == 'GB' || country == 'CA'}", '${num >= MIN}', "${lang != 'fr'}"];

export function buildBenchMatrix(): TestMatrixArtifact {
  const rand = lcg(42);
  const tests: Record<string, ConsumableTestDefinition> = {};
  for (let t = 0; t < TESTS; t++) {
    const name = `bench_test_${t}`;
    const bucketCount = 2 + Math.floor(rand() * 4);
    const buckets = [{ name: 'inactive', value: -1, description: '' }];
    for (let b = 0; b < bucketCount; b++) buckets.push({ name: `b${b}`, value: b, description: '' });
    const allocationCount = 1 + Math.floor(rand() * 3);
    const allocations: Allocation[] = [];
    for (let a = 0; a < allocationCount; a++) {
      const weights = buckets.map(() => rand());
      const total = weights.reduce((x, y) => x + y, 0);
      allocations.push({
        rule: a === allocationCount - 1 ? null : ALLOCATION_RULES[Math.floor(rand() * ALLOCATION_RULES.length)],
        ranges: buckets.map((b, i) => ({ bucketValue: b.value, length: weights[i] / total })),
        id: `#${String.fromCharCode(65 + a)}1`,
        name: '',
      });
    }
    tests[name] = {
      constants: { COUNTRIES: ['US', 'GB', 'DE', 'JP'], MIN: Math.floor(rand() * 10) },
      version: '1',
      salt: rand() < 0.7 ? `&${name}` : name,
      rule: TEST_RULES[Math.floor(rand() * TEST_RULES.length)],
      buckets,
      allocations,
      silent: false,
      testType: rand() < 0.9 ? 'USER' : 'ACCOUNT',
      description: name,
      metaTags: [],
      dependsOn: t > 10 && rand() < 0.05 ? { testName: `bench_test_${t - 10}`, bucketValue: 0 } : null,
      evaluateForIncognitoUsers: false,
      enableUnitlessAllocations: false,
      containsUnitlessAllocation: false,
      forceLogging: false,
      payloadExperimentConfig: null,
      dynamic: false,
    };
  }
  return { audit: { version: 'bench', updated: 0, updatedDate: '', updatedBy: 'bench' }, tests };
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export interface DetermineGroupsBench {
  tests: number;
  identifiers: number;
  callMicros: number;
  assignmentsPerSecond: number;
  perTestMicros: number;
  nodeMd5Micros: number;
  ourMd5Micros: number;
  perTestVsNodeMd5: number;
  perTestVsOurMd5: number;
}

export function benchDetermineGroups(identifierCount = 2000): DetermineGroupsBench {
  const matrix = buildBenchMatrix();
  const ids = Array.from({ length: identifierCount }, (_, i) => `ctk${(i * 2654435761) >>> 0}`);
  const contexts = [
    { lang: 'en', country: 'US', loggedIn: true, num: 7, ua: 'Mozilla/5.0' },
    { lang: 'fr', country: 'CA', loggedIn: false, num: 2, ua: 'curl/8' },
  ];
  let assigned = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const groups = determineGroups(matrix, { USER: ids[i], ACCOUNT: ids[(i + 1) % n] }, contexts[i & 1]);
      for (const _ in groups) assigned++;
    }
  };
  run(Math.min(200, identifierCount)); // warm-up: compile the matrix, parse rules, JIT
  assigned = 0;
  const ms = time(() => run(identifierCount));

  // The floor: one MD5 of prefix+identifier per test (what Proctor itself must compute).
  const prefix = '&bench_test_123';
  const md5Count = identifierCount * 50;
  let sink = 0;
  for (let i = 0; i < 20000; i++) sink ^= proctorHash(prefix, ids[i % identifierCount]);
  const nodeMs = time(() => {
    for (let i = 0; i < md5Count; i++) sink ^= createHash('md5').update(prefix + ids[i % identifierCount]).digest().readInt32BE(12);
  });
  const oursMs = time(() => {
    for (let i = 0; i < md5Count; i++) sink ^= proctorHash(prefix, ids[i % identifierCount]);
  });
  if (sink === 0.5) console.log(sink); // keep the loops observable

  const callMicros = (ms * 1000) / identifierCount;
  const perTestMicros = callMicros / TESTS;
  const nodeMd5Micros = (nodeMs * 1000) / md5Count;
  const ourMd5Micros = (oursMs * 1000) / md5Count;
  return {
    tests: TESTS,
    identifiers: identifierCount,
    callMicros,
    assignmentsPerSecond: assigned / (ms / 1000),
    perTestMicros,
    nodeMd5Micros,
    ourMd5Micros,
    perTestVsNodeMd5: perTestMicros / nodeMd5Micros,
    perTestVsOurMd5: perTestMicros / ourMd5Micros,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = benchDetermineGroups();
  console.log(`determineGroups over ${r.tests} tests, ${r.identifiers} identifiers`);
  console.log(`  per call: ${r.callMicros.toFixed(1)} µs; ${Math.round(r.assignmentsPerSecond).toLocaleString('en-US')} assigned buckets/s`);
  console.log(`  per test: ${r.perTestMicros.toFixed(3)} µs`);
  console.log(`  one md5 (node:crypto): ${r.nodeMd5Micros.toFixed(3)} µs; one md5 (ours): ${r.ourMd5Micros.toFixed(3)} µs`);
  console.log(`  determineGroups per test = ${r.perTestVsNodeMd5.toFixed(2)}× one node:crypto MD5, ${r.perTestVsOurMd5.toFixed(2)}× one of our MD5s`);
}
