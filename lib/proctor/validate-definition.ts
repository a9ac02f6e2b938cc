import { definitionReadWarnings } from './parse-definition';
import { verifyRule } from './rules/verify-rule';
import { isEmptyRule } from './rule-braces';
import { toConsumable, isUnitlessAllocation } from './to-consumable';
import { javaDoubleToString, javaToString, quoteJson } from './json';
import { BigIntegerValue, DoubleValue, PAYLOAD_TYPES, isRegisteredTestType, unknownTestTypeMessage, type ConsumableTestDefinition, type JsonValue, type Payload, type TestBucket, type TestDefinition, type ValidationIssue } from './model';

/**
 * Validation of one test definition, reporting every problem at once (Proctor stops at the first). Each issue carries a
 * JSON pointer into the definition as written (definition.json), so an editor can underline the field.
 *
 * - core (FACTS §2.1): ProctorUtils.verifyInternallyConsistentDefinition with Proctor's exact messages. It runs on the
 *   consumable form (rules `${}`-wrapped, `__COUNTRIES` folded in), as Proctor does, so rules in messages are wrapped.
 * - webapp (FACTS §2.4/§2.5): what the webapp's edit job and editor JS refuse or warn about.
 */

export interface ValidateDefinitionOptions {
  /** Named in some core messages; the webapp edit uses "edit", the builder "<updatedBy>@<version>". */
  matrixSource?: string;
  /** 'core' = only Proctor's verifyInternallyConsistentDefinition; 'all' (default) adds the webapp/editor checks. */
  checks?: 'core' | 'all';
  /** An application's providedContext (name → type); without it rules are checked for syntax only. */
  providedContext?: Record<string, string>;
  /**
   * The definition.json text `def` was read from, if any: adds warnings where reading it leniently changed something
   * (a byte-order mark, text after the definition, values coerced as Proctor's reader does; definitionReadWarnings).
   */
  text?: string;
}

const TOLERANCE = 1e-6;
const BUCKET_NAME = /^[a-z_][a-z0-9_]*$/i;
const META_TAG = /^_*[a-z0-9]([.:]?[a-z0-9_])*$/i;
const MAX_META_TAG_LENGTH = 100;

function error(path: string, message: string): ValidationIssue {
  return { path, message, severity: 'error' };
}
function warning(path: string, message: string): ValidationIssue {
  return { path, message, severity: 'warning' };
}

/** Java's String.valueOf for a JsonNode: compact JSON with Double.toString numbers. */
function jsonNodeToString(value: JsonValue): string {
  if (value instanceof DoubleValue) return javaDoubleToString(value.value);
  if (value instanceof BigIntegerValue) return value.toString();
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[' + value.map(jsonNodeToString).join(',') + ']';
  if (typeof value === 'object') return '{' + Object.entries(value).map(([k, v]) => quoteJson(k) + ':' + jsonNodeToString(v)).join(',') + '}';
  if (typeof value === 'string') return quoteJson(value);
  if (typeof value === 'number' && !Number.isInteger(value)) return javaDoubleToString(value);
  return String(value);
}

/** Payload.toString (e.g. `{ longValue : 1 }`). */
export function formatPayload(p: Payload): string {
  let s = '{';
  if (p.map != null) {
    s += ' map : [' + Object.entries(p.map).map(([k, v]) => `(${k},${javaToString(v)})`).join('') + ']';
  }
  if (p.doubleValue != null) s += ' doubleValue : ' + javaDoubleToString(p.doubleValue);
  if (p.doubleArray != null) s += ' doubleArray : [' + p.doubleArray.map(javaDoubleToString).join(', ') + ']';
  if (p.longValue != null) s += ' longValue : ' + p.longValue;
  if (p.longArray != null) s += ' longArray : [' + p.longArray.join(', ') + ']';
  if (p.stringValue != null) s += ' stringValue : "' + p.stringValue + '"';
  if (p.stringArray != null) s += ' stringArray : [' + (p.stringArray.length > 0 ? '"' + p.stringArray.join('", "') + '"' : '') + ']';
  if (p.json !== undefined) s += ' json : ' + jsonNodeToString(p.json);
  return s + ' }';
}

/** TestBucket.toString: `name = value` plus the payload when there is one. */
export function formatBucket(b: TestBucket): string {
  return `${b.name} = ${b.value}` + (b.payload == null ? '' : ' ' + formatPayload(b.payload));
}

/** The payload's types; a `json` that is JSON null counts (Jackson's NullNode is a value). */
function payloadTypes(p: Payload): string[] {
  return PAYLOAD_TYPES.filter((t) => p[t] !== undefined && (p[t] !== null || t === 'json'));
}

function isBlank(text: string | null | undefined): boolean {
  return text == null || text.trim() === '';
}

/**
 * Proctor's core check (verifyInternallyConsistentDefinition) on a consumable definition, collecting every violation
 * instead of stopping at the first. Paths point into the definition (`/allocations/1/ranges/0/bucketValue`).
 */
export function verifyConsumableDefinition(
  testName: string,
  def: ConsumableTestDefinition,
  options: { matrixSource?: string; providedContext?: Record<string, string> } = {},
): ValidationIssue[] {
  const source = options.matrixSource ?? 'edit';
  const issues: ValidationIssue[] = [];

  if (!isEmptyRule(def.rule)) {
    for (const message of verifyRule(def.rule as string, options.providedContext, def.constants)) {
      issues.push(error('/rule', `Invalid rule in ${testName}: ${message}`));
    }
  }

  if (def.allocations.length === 0) {
    issues.push(error('/allocations', `No allocations specified in test ${testName}`));
  }
  const defined = new Set(def.buckets.map((b) => b.value));

  def.allocations.forEach((allocation, i) => {
    const base = `/allocations/${i}`;
    const ranges = allocation.ranges ?? [];
    if (ranges.length === 0) {
      issues.push(error(`${base}/ranges`, 'Allocation range has no buckets, needs to add up to 1.'));
    } else {
      if (def.enableUnitlessAllocations && isUnitlessAllocation(allocation) && !ranges.some((r) => r.length > 0.9999)) {
        issues.push(error(`${base}/ranges`, 'Allocation with "missingExperimentalUnit" in rule must have one bucket set to 100%'));
      }
      let total = 0;
      ranges.forEach((range, j) => {
        total += range.length;
        if (!defined.has(range.bucketValue)) {
          issues.push(error(`${base}/ranges/${j}/bucketValue`,
            `Allocation range in ${testName} from ${source} refers to unknown bucket value ${range.bucketValue}`));
        }
      });
      if (!(total >= 0.9999 && total <= 1.0001)) {
        issues.push(error(`${base}/ranges`,
          `${testName} range with rule ${allocation.rule} does not add up to 1 : ` +
            ranges.map((r) => javaDoubleToString(r.length)).join(' + ') + ` = ${javaDoubleToString(total)}`));
      }
    }
    if (i !== def.allocations.length - 1 && isEmptyRule(allocation.rule)) {
      issues.push(error(`${base}/rule`, `Allocation[${i}] for test ${testName} from ${source} has empty rule: ${allocation.rule}`));
    }
    if (!isEmptyRule(allocation.rule)) {
      for (const message of verifyRule(allocation.rule as string, options.providedContext, def.constants)) {
        issues.push(error(`${base}/rule`, `Invalid allocation rule in ${testName}: ${message}`));
      }
    }
  });

  // Payloads: one type per bucket, the same type everywhere, and all buckets or none (empty payloads count as none).
  let first: Payload | null = null;
  let firstTypes = '';
  const without: TestBucket[] = [];
  def.buckets.forEach((bucket, k) => {
    const p = bucket.payload;
    const types = p == null ? [] : payloadTypes(p);
    if (p == null || types.length === 0) {
      without.push(bucket);
      return;
    }
    if (types.length > 1) {
      issues.push(error(`/buckets/${k}/payload`, `Test ${testName} from ${source} has a test bucket payload with multiple types: ${formatBucket(bucket)}`));
      return;
    }
    if (first === null) {
      first = p;
      firstTypes = types.join();
    } else if (types.join() !== firstTypes) {
      issues.push(error(`/buckets/${k}/payload`,
        `Test ${testName} from ${source} has test bucket: ${formatBucket(bucket)} incompatible with type of payload: ${formatPayload(first)}`));
    }
  });
  if (first !== null && without.length > 0) {
    issues.push(error('/buckets', `Test ${testName} from ${source} has some test buckets without payloads: [${without.map(formatBucket).join(', ')}]`));
  }
  return issues;
}

/** The webapp's validateBasicInformation / validateAllocationsAndBuckets and the editor's JS checks (FACTS §2.4, §2.5). */
function webappChecks(testName: string, def: TestDefinition): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (isBlank(def.description)) issues.push(error('/description', 'Description is required.'));
  if (isBlank(def.salt)) issues.push(error('/salt', 'Salt is required.'));
  if (def.testType == null) issues.push(error('/testType', 'TestType is required.'));
  // The webapp saves any string, but every application's loader then refuses the test: refuse it up front.
  else if (!isRegisteredTestType(def.testType)) issues.push(error('/testType', unknownTestTypeMessage(testName, def.testType)));
  if (def.buckets.length === 0) issues.push(error('/buckets', 'Buckets cannot be empty.'));
  if (def.allocations.length === 0) issues.push(error('/allocations', 'Allocations cannot be empty.'));

  const badTags = (def.metaTags ?? []).filter((t) => !META_TAG.test(t) || t.length > MAX_META_TAG_LENGTH);
  if (badTags.length > 0) {
    issues.push(error('/metaTags', `Meta Tag must \n - be alpha-numeric underscore\n - not be longer than 100\n but found: [${badTags.join(', ')}]`));
  }

  // Warnings on the first allocation only, as the webapp logs them.
  const firstAllocation = def.allocations[0];
  if (firstAllocation) {
    const totals = new Map<number, number>();
    for (const r of firstAllocation.ranges) totals.set(r.bucketValue, (totals.get(r.bucketValue) ?? 0) + r.length);
    const active = [...totals.values()].filter((t) => t > 0).length;
    const control = totals.get(0);
    if (active > 1 && control !== undefined) {
      for (const [value, total] of [...totals.entries()].sort((a, b) => a[0] - b[0])) {
        if (value > 0 && total > 0 && Math.abs(total - control) >= TOLERANCE) {
          issues.push(warning('/allocations/0/ranges',
            `WARNING: Positive bucket total allocation size not same as control bucket total allocation size. \nBucket #${value}=${javaDoubleToString(total)}, Zero Bucket=${javaDoubleToString(control)}`));
        }
      }
    }
    if (active > 1 && control === undefined) {
      issues.push(warning('/allocations/0/ranges', 'WARNING: You should have a zero bucket (control).'));
    }
  }

  if (def.testType === 'PAGE') {
    const k = def.buckets.findIndex((b) => b.value < 0);
    if (k >= 0) issues.push(error(`/buckets/${k}/value`, 'PAGE tests cannot contain negative buckets.'));
  }

  const names = new Map<string, number>();
  const values = new Map<number, number>();
  def.buckets.forEach((b, k) => {
    if (!BUCKET_NAME.test(b.name)) {
      issues.push(error(`/buckets/${k}/name`, `Bucket name must be alpha-numeric underscore and not start with a number, found: '${b.name}'`));
    }
    const sameName = names.get(b.name);
    if (sameName !== undefined) issues.push(error(`/buckets/${k}/name`, `Bucket name cannot be the same as bucket[${sameName}]`));
    else names.set(b.name, k);
    const sameValue = values.get(b.value);
    if (sameValue !== undefined) issues.push(error(`/buckets/${k}/value`, `Bucket value cannot be the same as bucket[${sameValue}]`));
    else values.set(b.value, k);
  });

  def.allocations.forEach((a, i) => {
    a.ranges.forEach((r, j) => {
      if (!(r.length >= 0 && r.length <= 1)) {
        issues.push(error(`/allocations/${i}/ranges/${j}/length`,
          `Range length must be a fraction between 0 and 1 (values in [0, 1.0]), found ${javaDoubleToString(r.length)}`));
      }
    });
  });
  return issues;
}

/**
 * Every problem in one test definition, errors and warnings, with JSON pointers. An empty array (or only warnings)
 * means Proctor and its webapp would accept the definition.
 */
export function validateDefinition(testName: string, def: TestDefinition, options: ValidateDefinitionOptions = {}): ValidationIssue[] {
  const all = (options.checks ?? 'all') === 'all';
  const issues: ValidationIssue[] = all ? webappChecks(testName, def) : [];
  if (options.text !== undefined) issues.push(...definitionReadWarnings(options.text));
  const core = verifyConsumableDefinition(testName, toConsumable(def), options);
  for (const issue of core) {
    // The webapp refuses an allocation-less test before the core check runs; one message is enough.
    if (all && issue.path === '/allocations' && def.allocations.length === 0) continue;
    issues.push(issue);
  }
  return issues;
}

export function hasErrors(issues: ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
