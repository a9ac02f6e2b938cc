#!/usr/bin/env node
/**
 * Writes a test matrix whose allocation rules use context variables of every providedContext type (int, long,
 * short, byte, double, String, boolean, char, a Map), plus the providedContext itself, for recording what Proctor's
 * application loader refuses (issue #18, M7: an int-typed variable in proctor:inRange):
 *
 *   node scripts/generate-typed-context-matrix.mjs test/fixtures/real-proctor/typed-context
 *   real-proctor load test/fixtures/real-proctor/typed-context.matrix.json \
 *     --provided-context test/fixtures/real-proctor/typed-context.types.json > test/fixtures/real-proctor/typed-context.load.json
 */
import { writeFileSync } from 'node:fs';

const prefix = process.argv[2] ?? 'typed-context';
const types = { i: 'int', I: 'Integer', l: 'long', L: 'Long', s: 'short', b: 'byte', d: 'double', str: 'String', bo: 'boolean', c: 'char', m: 'java.util.Map' };
const templates = [
  'proctor:inRange({v}, 1, 10)', 'proctor:inRange({v}, {v}, {v})', '{v}.compareTo(5) == 0', '{v}.compareTo({v}) == 0',
  'proctor:contains(__l, {v})', '{v} == 0', '{v} > 1', '{v}.hashCode() == 0', '{v}.x == 1', "{v}.toString() == '0'",
  'proctor:version({v}) != null', 'fn:length({v}) == 0', 'empty {v}', "proctor:matches({v}, 'a')",
];
const test = (rule) => ({
  version: 1,
  constants: { __l: [1, 2] },
  specialConstants: {},
  salt: 's',
  rule: null,
  description: 'd',
  testType: 'USER',
  buckets: [
    { name: 'control', value: 0, description: '' },
    { name: 'active', value: 1, description: '' },
  ],
  allocations: [
    { rule, ranges: [{ bucketValue: 0, length: 0.5 }, { bucketValue: 1, length: 0.5 }] },
    { rule: null, ranges: [{ bucketValue: 0, length: 1.0 }] },
  ],
});
const tests = {};
let k = 0;
for (const v of Object.keys(types)) {
  for (const t of templates) tests[`t${String(++k).padStart(3, '0')}_tst`] = test('${' + t.replaceAll('{v}', v) + '}');
}
// JSON.stringify writes 1.0 as 1; the ranges are read as doubles either way.
writeFileSync(`${prefix}.matrix.json`, JSON.stringify({ audit: { version: '1', updated: 0, updatedBy: 'x' }, tests }, null, 1) + '\n');
writeFileSync(`${prefix}.types.json`, JSON.stringify(types) + '\n');
