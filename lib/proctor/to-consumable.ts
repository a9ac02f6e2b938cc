import { normalizeRule, wrapRule } from './rule-braces';
import type { Allocation, ConsumableTestDefinition, JsonValue, TestDefinition } from './model';
import { setOwn } from './json';

const UNITLESS_VARIABLE = 'missingExperimentalUnit';

/**
 * ProctorUtils.isUnitlessAllocation: the rule mentions `missingExperimentalUnit`, not negated with `!` and not compared
 * with `== false` (FACTS §3.7).
 */
export function isUnitlessAllocation(allocation: Pick<Allocation, 'rule'>): boolean {
  const rule = allocation.rule;
  if (rule == null || !rule.includes(UNITLESS_VARIABLE)) return false;
  return !rule.includes('!' + UNITLESS_VARIABLE) && !rule.includes(UNITLESS_VARIABLE + ' == false');
}

/** containsUnitlessAllocation: unitless allocations enabled and some unitless allocation has a range > 0.9999. */
export function containsUnitlessAllocation(def: Pick<TestDefinition, 'enableUnitlessAllocations' | 'allocations'>): boolean {
  return def.enableUnitlessAllocations && def.allocations.some((a) => isUnitlessAllocation(a) && a.ranges.some((r) => r.length > 0.9999));
}

/**
 * ConsumableTestDefinition.fromTestDefinition (FACTS §1.4): `__COUNTRIES` becomes `proctor:contains(__COUNTRIES, country)`
 * ANDed before the test rule, rules are `${…}`-wrapped, specialConstants are merged into constants (special wins).
 * The input is not modified.
 */
export function toConsumable(def: TestDefinition): ConsumableTestDefinition {
  const components: string[] = [];
  const special = def.specialConstants ?? {};
  if (special.__COUNTRIES != null) components.push('proctor:contains(__COUNTRIES, country)');
  const raw = normalizeRule(def.rule);
  if (raw !== null) components.push(raw);
  const rule = components.length === 0 ? null : '${' + components.join(' && ') + '}';

  const allocations: Allocation[] = def.allocations.map((a) => ({
    rule: wrapRule(a.rule),
    ranges: a.ranges.map((r) => ({ bucketValue: r.bucketValue, length: r.length })),
    id: a.id ?? '',
    name: a.name ?? '',
  }));

  const constants: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(def.constants ?? {})) setOwn(constants, k, v);
  for (const [k, v] of Object.entries(special)) setOwn(constants, k, v);

  return {
    constants,
    version: def.version,
    salt: def.salt,
    rule,
    buckets: def.buckets.map((b) => ({ ...b })),
    allocations,
    silent: def.silent,
    testType: def.testType,
    description: def.description,
    metaTags: [...(def.metaTags ?? [])],
    dependsOn: def.dependsOn == null ? null : { ...def.dependsOn },
    evaluateForIncognitoUsers: def.evaluateForIncognitoUsers,
    enableUnitlessAllocations: def.enableUnitlessAllocations,
    containsUnitlessAllocation: containsUnitlessAllocation(def),
    forceLogging: def.forceLogging,
    payloadExperimentConfig: def.payloadExperimentConfig == null ? null : { ...def.payloadExperimentConfig },
    dynamic: false,
  };
}
