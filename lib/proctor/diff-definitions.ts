/**
 * Semantic diff of two test definitions, in words a release manager reads before promoting: which buckets, allocations,
 * rules and percentages changed, and which changes reshuffle users. Pure TypeScript (runs in the browser).
 */
import { BigIntegerValue, DoubleValue, type Allocation, type JsonValue, type Range, type TestBucket, type TestDefinition } from './model';
import { normalizeRule } from './rule-braces';

export type DefinitionChangeKind =
  | 'test-created'
  | 'test-deleted'
  | 'description-changed'
  | 'test-type-changed'
  | 'salt-changed'
  | 'rule-changed'
  | 'bucket-added'
  | 'bucket-removed'
  | 'bucket-renamed'
  | 'bucket-value-changed'
  | 'bucket-description-changed'
  | 'bucket-payload-changed'
  | 'allocation-added'
  | 'allocation-removed'
  | 'allocation-rule-changed'
  | 'allocation-moved'
  | 'allocation-name-changed'
  | 'allocation-id-changed'
  | 'allocation-ranges-changed'
  | 'allocation-ranges-reordered'
  | 'constant-added'
  | 'constant-removed'
  | 'constant-changed'
  | 'special-constants-changed'
  | 'meta-tags-changed'
  | 'silent-changed'
  | 'depends-on-changed'
  | 'evaluate-for-incognito-users-changed'
  | 'enable-unitless-allocations-changed'
  | 'force-logging-changed'
  | 'payload-experiment-config-changed'
  | 'version-changed';

export interface DefinitionChange {
  kind: DefinitionChangeKind;
  /** JSON pointer into the definition the change is about (the new one, or the old one for removals). */
  path: string;
  /** One plain-English sentence. */
  summary: string;
  /** Set when the change moves users between buckets in a way that is easy to miss. */
  warning?: string;
  before?: unknown;
  after?: unknown;
}

/** Lengths are doubles; sums of them drift (0.1 + 0.2). */
const EPSILON = 1e-9;

/** 0.1 → "10%", 1/3 → "33.33%", 0.005 → "0.5%", 1 → "100%". */
export function formatPercent(fraction: number): string {
  const pct = Math.round(fraction * 100 * 100) / 100;
  return `${Object.is(pct, -0) ? 0 : pct}%`;
}

/** Compact JSON for summaries; a DoubleValue keeps its ".0" so 1 → 1.0 is visible. */
function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof DoubleValue) return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value);
  if (value instanceof BigIntegerValue) return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${formatValue(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

function quote(text: string | null | undefined): string {
  if (text == null) return 'none';
  const oneLine = text.replace(/\s+/g, ' ');
  return `"${oneLine.length > 80 ? oneLine.slice(0, 77) + '...' : oneLine}"`;
}

/**
 * Both sides of a text change, quoted; when they are long, each is cut to a window starting shortly before the first
 * character that differs, so the summary always shows the difference (never two identical truncated beginnings).
 */
function quotePair(before: string | null | undefined, after: string | null | undefined): [string, string] {
  if (before == null || after == null) return [quote(before), quote(after)];
  const a = before.replace(/\s+/g, ' ');
  const b = after.replace(/\s+/g, ' ');
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same++;
  const LEAD = 20;
  const start = same > LEAD + 10 ? a.lastIndexOf(' ', same - LEAD) + 1 || same - LEAD : 0;
  const cut = (text: string) => (start > 0 ? '...' + text.slice(start) : text);
  return [quote(cut(a)), quote(cut(b))];
}

/** Structural equality; DoubleValue(1) ≠ 1 because Proctor serialises them differently ("1.0" vs "1"). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof DoubleValue || b instanceof DoubleValue) {
    return a instanceof DoubleValue && b instanceof DoubleValue && a.value === b.value;
  }
  if (a instanceof BigIntegerValue || b instanceof BigIntegerValue) {
    return a instanceof BigIntegerValue && b instanceof BigIntegerValue && a.value === b.value;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // undefined and null both mean "absent" for optional bucket fields.
    return a == null && b == null;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) if (!jsonEqual(ao[key], bo[key])) return false;
  return true;
}

function pointer(...parts: (string | number)[]): string {
  return parts.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function diffDefinitions(before: TestDefinition | null, after: TestDefinition | null): DefinitionChange[] {
  if (before === null && after === null) return [];
  if (before === null && after !== null) {
    return [
      {
        kind: 'test-created',
        path: '',
        summary: `Test created with ${plural(after.buckets.length, 'bucket')} and ${plural(after.allocations.length, 'allocation')}.`,
        after,
      },
    ];
  }
  if (after === null && before !== null) {
    return [{ kind: 'test-deleted', path: '', summary: 'Test deleted.', before }];
  }
  const a = before as TestDefinition;
  const b = after as TestDefinition;
  const changes: DefinitionChange[] = [];

  if ((a.description ?? null) !== (b.description ?? null)) {
    changes.push({
      kind: 'description-changed',
      path: '/description',
      summary: `Description changed from ${quotePair(a.description, b.description).join(' to ')}.`,
      before: a.description,
      after: b.description,
    });
  }
  if ((a.testType ?? null) !== (b.testType ?? null)) {
    changes.push({
      kind: 'test-type-changed',
      path: '/testType',
      summary: `Test type changed from ${a.testType ?? 'none'} to ${b.testType ?? 'none'}.`,
      warning: 'Changing the test type changes which identifier users are hashed on, so everyone may land in a different bucket.',
      before: a.testType,
      after: b.testType,
    });
  }
  if ((a.salt ?? null) !== (b.salt ?? null)) {
    changes.push({
      kind: 'salt-changed',
      path: '/salt',
      summary: `Salt changed from ${quote(a.salt)} to ${quote(b.salt)}.`,
      warning: 'A new salt reshuffles all users: most will land in a different bucket.',
      before: a.salt,
      after: b.salt,
    });
  }
  if (a.rule !== b.rule && (a.rule ?? '') !== (b.rule ?? '')) {
    const same = normalizeRule(a.rule) === normalizeRule(b.rule);
    changes.push({
      kind: 'rule-changed',
      path: '/rule',
      summary: same
        ? `Test rule rewritten without changing its meaning (${quote(a.rule)} → ${quote(b.rule)}).`
        : `Test rule changed from ${quote(normalizeRule(a.rule))} to ${quote(normalizeRule(b.rule))}.`,
      before: a.rule,
      after: b.rule,
    });
  }

  changes.push(...diffBuckets(a.buckets ?? [], b.buckets ?? []));
  changes.push(...diffAllocations(a, b));
  changes.push(...diffConstants(a.constants ?? {}, b.constants ?? {}));
  changes.push(...diffSpecialConstants(a.specialConstants ?? {}, b.specialConstants ?? {}));

  const aTags = a.metaTags ?? [];
  const bTags = b.metaTags ?? [];
  if (!jsonEqual(aTags, bTags)) {
    const added = bTags.filter((t) => !aTags.includes(t));
    const removed = aTags.filter((t) => !bTags.includes(t));
    const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
    changes.push({
      kind: 'meta-tags-changed',
      path: '/metaTags',
      summary: `Meta tags ${parts.length ? parts.join('; ') : 'reordered'}.`,
      before: aTags,
      after: bTags,
    });
  }
  for (const [key, kind, words] of FLAGS) {
    if (Boolean(a[key]) !== Boolean(b[key])) {
      changes.push({
        kind,
        path: pointer(key),
        summary: `${words} ${b[key] ? 'turned on' : 'turned off'}.`,
        before: Boolean(a[key]),
        after: Boolean(b[key]),
      });
    }
  }
  if (!jsonEqual(a.dependsOn ?? null, b.dependsOn ?? null)) {
    const describe = (d: TestDefinition['dependsOn']): string =>
      d ? `test ${d.testName} in bucket ${d.bucketValue}` : 'nothing';
    changes.push({
      kind: 'depends-on-changed',
      path: '/dependsOn',
      summary: b.dependsOn
        ? a.dependsOn
          ? `Now depends on ${describe(b.dependsOn)} instead of ${describe(a.dependsOn)}.`
          : `Now depends on ${describe(b.dependsOn)}.`
        : `No longer depends on ${describe(a.dependsOn)}.`,
      warning: 'Only users who got the parent bucket are evaluated for this test.',
      before: a.dependsOn ?? null,
      after: b.dependsOn ?? null,
    });
  }
  if (!jsonEqual(a.payloadExperimentConfig ?? null, b.payloadExperimentConfig ?? null)) {
    changes.push({
      kind: 'payload-experiment-config-changed',
      path: '/payloadExperimentConfig',
      summary: `Payload experiment config changed from ${formatValue(a.payloadExperimentConfig ?? null)} to ${formatValue(b.payloadExperimentConfig ?? null)}.`,
      before: a.payloadExperimentConfig ?? null,
      after: b.payloadExperimentConfig ?? null,
    });
  }
  if ((a.version ?? null) !== (b.version ?? null)) {
    changes.push({
      kind: 'version-changed',
      path: '/version',
      summary: `Version changed from ${a.version ?? 'none'} to ${b.version ?? 'none'}.`,
      before: a.version,
      after: b.version,
    });
  }
  return changes;
}

type FlagKey = 'silent' | 'evaluateForIncognitoUsers' | 'enableUnitlessAllocations' | 'forceLogging';
const FLAGS: [FlagKey, DefinitionChangeKind, string][] = [
  ['silent', 'silent-changed', 'Silent (do not log this test)'],
  ['evaluateForIncognitoUsers', 'evaluate-for-incognito-users-changed', 'Evaluate for incognito users'],
  ['enableUnitlessAllocations', 'enable-unitless-allocations-changed', 'Unitless allocations'],
  ['forceLogging', 'force-logging-changed', 'Force logging'],
];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Buckets are matched by value first (a new name on the same value is a rename: users keep their bucket), then by
 * name (same name, new value), and what is left was added or removed.
 */
function diffBuckets(aBuckets: TestBucket[], bBuckets: TestBucket[]): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const pairs: [number, number][] = [];
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  bBuckets.forEach((bb, j) => {
    const i = aBuckets.findIndex((ab, idx) => !usedA.has(idx) && ab.value === bb.value);
    if (i >= 0) {
      pairs.push([i, j]);
      usedA.add(i);
      usedB.add(j);
    }
  });
  bBuckets.forEach((bb, j) => {
    if (usedB.has(j)) return;
    const i = aBuckets.findIndex((ab, idx) => !usedA.has(idx) && ab.name === bb.name);
    if (i >= 0) {
      pairs.push([i, j]);
      usedA.add(i);
      usedB.add(j);
    }
  });
  aBuckets.forEach((ab, i) => {
    if (!usedA.has(i)) {
      changes.push({
        kind: 'bucket-removed',
        path: pointer('buckets', i),
        summary: `Bucket ${ab.name} (value ${ab.value}) removed.`,
        before: ab,
      });
    }
  });
  pairs.sort((x, y) => x[1] - y[1]);
  for (const [i, j] of pairs) {
    const ab = aBuckets[i];
    const bb = bBuckets[j];
    const path = pointer('buckets', j);
    if (ab.value === bb.value && ab.name !== bb.name) {
      changes.push({
        kind: 'bucket-renamed',
        path: path + '/name',
        summary: `Bucket ${ab.name} (value ${ab.value}) renamed to ${bb.name}.`,
        before: ab.name,
        after: bb.name,
      });
    } else if (ab.value !== bb.value) {
      changes.push({
        kind: 'bucket-value-changed',
        path: path + '/value',
        summary: `Bucket ${bb.name} value changed from ${ab.value} to ${bb.value}.`,
        warning: 'Applications and logs see the bucket value: changing it is like replacing the bucket.',
        before: ab.value,
        after: bb.value,
      });
    }
    if ((ab.description ?? null) !== (bb.description ?? null)) {
      changes.push({
        kind: 'bucket-description-changed',
        path: path + '/description',
        summary: `Bucket ${bb.name} description changed from ${quotePair(ab.description, bb.description).join(' to ')}.`,
        before: ab.description ?? null,
        after: bb.description ?? null,
      });
    }
    if (!jsonEqual(ab.payload ?? null, bb.payload ?? null)) {
      changes.push({
        kind: 'bucket-payload-changed',
        path: path + '/payload',
        summary: `Bucket ${bb.name} payload changed from ${formatValue(ab.payload ?? null)} to ${formatValue(bb.payload ?? null)}.`,
        before: ab.payload ?? null,
        after: bb.payload ?? null,
      });
    }
  }
  bBuckets.forEach((bb, j) => {
    if (!usedB.has(j)) {
      changes.push({
        kind: 'bucket-added',
        path: pointer('buckets', j),
        summary: `Bucket ${bb.name} (value ${bb.value}) added.`,
        after: bb,
      });
    }
  });
  return changes;
}

/** "#A1" → "#A": the letters name the allocation, the number is its version (bumped by the webapp on edits). */
function allocationKey(id: string): string {
  return id.replace(/\d+$/, '');
}

function hasUsableIds(allocations: Allocation[]): boolean {
  const keys = allocations.map((x) => allocationKey(x.id ?? ''));
  return keys.every((k) => k !== '' && k !== '#') && new Set(keys).size === keys.length;
}

function allocationLabel(allocation: Allocation, index: number): string {
  const parts = [allocation.id ? `Allocation ${allocation.id}` : `Allocation ${index + 1}`];
  if (allocation.name) parts.push(`"${allocation.name}"`);
  return parts.join(' ');
}

function ruleText(rule: string | null): string {
  const raw = normalizeRule(rule);
  return raw === null ? 'no rule' : `rule ${quote(raw)}`;
}

function bucketName(buckets: TestBucket[], value: number): string {
  return buckets.find((x) => x.value === value)?.name ?? `bucket ${value}`;
}

/** Total length per bucket value, in first-seen order. */
function lengthsByBucket(ranges: Range[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const r of ranges ?? []) totals.set(r.bucketValue, (totals.get(r.bucketValue) ?? 0) + r.length);
  return totals;
}

function diffAllocations(a: TestDefinition, b: TestDefinition): DefinitionChange[] {
  const aAllocs = a.allocations ?? [];
  const bAllocs = b.allocations ?? [];
  const changes: DefinitionChange[] = [];
  const byId = hasUsableIds(aAllocs) && hasUsableIds(bAllocs);
  const pairs: [number, number][] = [];
  const removed: number[] = [];
  const added: number[] = [];
  if (byId) {
    const bIndex = new Map(bAllocs.map((x, j) => [allocationKey(x.id), j]));
    const matchedB = new Set<number>();
    aAllocs.forEach((x, i) => {
      const j = bIndex.get(allocationKey(x.id));
      if (j === undefined) removed.push(i);
      else {
        pairs.push([i, j]);
        matchedB.add(j);
      }
    });
    bAllocs.forEach((_, j) => {
      if (!matchedB.has(j)) added.push(j);
    });
  } else {
    const common = Math.min(aAllocs.length, bAllocs.length);
    for (let i = 0; i < common; i++) pairs.push([i, i]);
    for (let i = common; i < aAllocs.length; i++) removed.push(i);
    for (let j = common; j < bAllocs.length; j++) added.push(j);
  }

  const describeRanges = (buckets: TestBucket[], ranges: Range[]): string =>
    [...lengthsByBucket(ranges)].map(([value, len]) => `${bucketName(buckets, value)} ${formatPercent(len)}`).join(', ');

  for (const i of removed) {
    const x = aAllocs[i];
    changes.push({
      kind: 'allocation-removed',
      path: pointer('allocations', i),
      summary: `${allocationLabel(x, i)} (${ruleText(x.rule)}: ${describeRanges(a.buckets, x.ranges) || 'no ranges'}) removed.`,
      before: x,
    });
  }
  for (const [i, j] of pairs) {
    const x = aAllocs[i];
    const y = bAllocs[j];
    const path = pointer('allocations', j);
    const label = allocationLabel(y, j);
    if (byId && i !== j && pairs.some(([pi, pj]) => pi !== i && (pi < i) !== (pj < j))) {
      // Allocations are tried in order: moving one changes who it catches.
      changes.push({
        kind: 'allocation-moved',
        path,
        summary: `${label} moved from position ${i + 1} to ${j + 1}.`,
        warning: 'Allocations are evaluated in order; the first matching rule wins.',
        before: i,
        after: j,
      });
    }
    if ((x.id ?? '') !== (y.id ?? '')) {
      changes.push({
        kind: 'allocation-id-changed',
        path: path + '/id',
        summary: `${allocationLabel(x, i)} id changed to ${y.id || 'none'}.`,
        before: x.id,
        after: y.id,
      });
    }
    if ((x.name ?? '') !== (y.name ?? '')) {
      changes.push({
        kind: 'allocation-name-changed',
        path: path + '/name',
        summary: `${label} renamed from ${quote(x.name)} to ${quote(y.name)}.`,
        before: x.name,
        after: y.name,
      });
    }
    if ((x.rule ?? '') !== (y.rule ?? '')) {
      const same = normalizeRule(x.rule) === normalizeRule(y.rule);
      changes.push({
        kind: 'allocation-rule-changed',
        path: path + '/rule',
        summary: same
          ? `${label} rule rewritten without changing its meaning (${quote(x.rule)} → ${quote(y.rule)}).`
          : `${label} rule changed from ${quote(normalizeRule(x.rule))} to ${quote(normalizeRule(y.rule))}.`,
        before: x.rule,
        after: y.rule,
      });
    }
    const beforeLengths = lengthsByBucket(x.ranges);
    const afterLengths = lengthsByBucket(y.ranges);
    const values = [...new Set([...beforeLengths.keys(), ...afterLengths.keys()])];
    const moved = values.filter((v) => Math.abs((beforeLengths.get(v) ?? 0) - (afterLengths.get(v) ?? 0)) > EPSILON);
    if (moved.length > 0) {
      const parts = moved.map((v) => {
        const name = bucketName(afterLengths.has(v) ? b.buckets : a.buckets, v);
        return `${name} ${formatPercent(beforeLengths.get(v) ?? 0)} → ${formatPercent(afterLengths.get(v) ?? 0)}`;
      });
      changes.push({
        kind: 'allocation-ranges-changed',
        path: path + '/ranges',
        summary: `${label}: ${parts.join(', ')}.`,
        before: x.ranges,
        after: y.ranges,
      });
    } else if (!jsonEqual(x.ranges ?? [], y.ranges ?? [])) {
      changes.push({
        kind: 'allocation-ranges-reordered',
        path: path + '/ranges',
        summary: `${label}: ranges reordered or split with the same totals (${describeRanges(b.buckets, y.ranges)}).`,
        warning: 'Users are assigned by position on the range line: reordering ranges moves users between buckets.',
        before: x.ranges,
        after: y.ranges,
      });
    }
  }
  for (const j of added) {
    const y = bAllocs[j];
    changes.push({
      kind: 'allocation-added',
      path: pointer('allocations', j),
      summary: `${allocationLabel(y, j)} added (${ruleText(y.rule)}: ${describeRanges(b.buckets, y.ranges) || 'no ranges'}).`,
      after: y,
    });
  }
  return changes;
}

function diffConstants(a: Record<string, JsonValue>, b: Record<string, JsonValue>): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  for (const key of Object.keys(a)) {
    if (!(key in b)) {
      changes.push({
        kind: 'constant-removed',
        path: pointer('constants', key),
        summary: `Constant ${key} removed (was ${formatValue(a[key])}).`,
        before: a[key],
      });
    } else if (!jsonEqual(a[key], b[key])) {
      changes.push({
        kind: 'constant-changed',
        path: pointer('constants', key),
        summary: `Constant ${key} changed from ${formatValue(a[key])} to ${formatValue(b[key])}.`,
        before: a[key],
        after: b[key],
      });
    }
  }
  for (const key of Object.keys(b)) {
    if (!(key in a)) {
      changes.push({
        kind: 'constant-added',
        path: pointer('constants', key),
        summary: `Constant ${key} added: ${formatValue(b[key])}.`,
        after: b[key],
      });
    }
  }
  return changes;
}

function diffSpecialConstants(a: Record<string, JsonValue>, b: Record<string, JsonValue>): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    if (jsonEqual(a[key], b[key])) continue;
    const path = pointer('specialConstants', key);
    if (key === '__COUNTRIES') {
      const list = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.map((c) => String(c)) : []);
      const before = list(a[key]);
      const after = list(b[key]);
      const added = after.filter((c) => !before.includes(c));
      const removed = before.filter((c) => !after.includes(c));
      let summary: string;
      if (!(key in a)) summary = `Test limited to countries ${after.join(', ') || '(none)'}.`;
      else if (!(key in b)) summary = `Country limit removed (was ${before.join(', ') || '(none)'}).`;
      else {
        const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
        summary = `Countries ${parts.length ? parts.join('; ') : 'reordered'}.`;
      }
      changes.push({ kind: 'special-constants-changed', path, summary, before: a[key], after: b[key] });
    } else {
      changes.push({
        kind: 'special-constants-changed',
        path,
        summary: `Special constant ${key} changed from ${formatValue(a[key])} to ${formatValue(b[key])}.`,
        before: a[key],
        after: b[key],
      });
    }
  }
  return changes;
}

/** One short line for a commit list or a promotion dialog: "No changes", or up to three summaries and a count. */
export function summarizeChanges(changes: DefinitionChange[]): string {
  if (changes.length === 0) return 'No changes.';
  const first = changes.find((c) => c.kind === 'test-created' || c.kind === 'test-deleted');
  if (first) return first.summary;
  // Warnings first: they are what a reviewer must not miss. The version a promotion records is bookkeeping: last.
  const bookkeeping = (c: DefinitionChange) => c.kind === 'version-changed';
  const ordered = [...changes.filter((c) => c.warning), ...changes.filter((c) => !c.warning && !bookkeeping(c)), ...changes.filter(bookkeeping)];
  const shown = ordered.slice(0, 3).map((c) => c.summary.replace(/\.$/, ''));
  const rest = changes.length - shown.length;
  return shown.join('; ') + (rest > 0 ? `; and ${plural(rest, 'more change')}.` : '.');
}
