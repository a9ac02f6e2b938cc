/**
 * The webapp's allocation ids (AllocationIdUtil, FACTS §6.6): `#` + base-26 letters (A=0 … Z=25, 26 → BA) + version.
 * An id changes version when the users it describes change, so analyses can tell allocations apart over time.
 */
import type { Allocation, Range, TestDefinition } from './model';

const ALLOCATION_ID = /^#([A-Z]+)(\d+)$/;

export function generateAllocationId(index: number, version: number): string {
  let n = index;
  let letters = '';
  for (; n >= 26; n = Math.floor(n / 26)) letters = String.fromCharCode(65 + (n % 26)) + letters;
  return '#' + String.fromCharCode(65 + n) + letters + version;
}

/** `#BA2` → {index: 26, version: 2, letters: 'BA'}; null when the id is not in the webapp's format. */
export function parseAllocationId(id: string): { letters: string; index: number; version: number } | null {
  const m = ALLOCATION_ID.exec(id);
  if (!m) return null;
  let index = 0;
  for (const ch of m[1]) index = index * 26 + (ch.charCodeAt(0) - 65);
  return { letters: m[1], index, version: Number.parseInt(m[2], 10) };
}

/** `#A1` → `#A2`. */
export function nextAllocationIdVersion(id: string): string {
  const parsed = parseAllocationId(id);
  if (!parsed) throw new Error(`Could not get the next version of allocation id for ${id}`);
  return `#${parsed.letters}${parsed.version + 1}`;
}

function segmentationChangeStart(previous: TestDefinition, current: TestDefinition): number {
  if ((previous.rule ?? null) !== (current.rule ?? null)) return 0;
  if ((previous.salt ?? null) !== (current.salt ?? null)) return 0;
  const n = Math.min(previous.allocations.length, current.allocations.length);
  for (let i = 0; i < n; i++) {
    if (current.allocations[i].id !== previous.allocations[i].id || (current.allocations[i].rule ?? null) !== (previous.allocations[i].rule ?? null)) return i;
  }
  return -1;
}

function ratios(ranges: Range[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of ranges) {
    if (r.bucketValue !== -1 && Math.abs(r.length) > 1e-6) m.set(r.bucketValue, (m.get(r.bucketValue) ?? 0) + r.length);
  }
  for (const [k, v] of m) if (!(v > 0)) m.delete(k);
  return m;
}

/** Active buckets changed, or their lengths did not all scale by the same factor. */
function isUnbalancedRatioChange(previous: Allocation, current: Allocation): boolean {
  const before = ratios(previous.ranges);
  const after = ratios(current.ranges);
  if (before.size !== after.size || [...before.keys()].some((k) => !after.has(k))) return true;
  if (before.size === 0) return false;
  const [first] = before.keys();
  const firstRatio = after.get(first)! / before.get(first)!;
  for (const [bucket, length] of before) {
    const ratio = after.get(bucket)! / length;
    if (!(Math.abs(ratio - firstRatio) <= 1e-6 || ratio === firstRatio)) return true;
  }
  return false;
}

/** getOutdatedAllocations: indexes (into current.allocations) whose id must move to the next version. */
export function getOutdatedAllocations(previous: TestDefinition, current: TestDefinition): number[] {
  if (!current.allocations.some((a) => a.id)) return [];
  const out = new Set<number>();
  const from = segmentationChangeStart(previous, current);
  if (from > -1) for (let i = from; i < current.allocations.length; i++) if (current.allocations[i].id) out.add(i);
  const checkTo = from > -1 ? from : Math.min(previous.allocations.length, current.allocations.length);
  for (let i = 0; i < checkTo; i++) {
    if (isUnbalancedRatioChange(previous.allocations[i], current.allocations[i])) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** The highest id ever used (ALLOCATION_ID_COMPARATOR compares the letters only). */
export function maxAllocationId(definitions: TestDefinition[]): string | null {
  let best: { id: string; index: number } | null = null;
  for (const def of definitions) {
    for (const a of def?.allocations ?? []) {
      const parsed = a.id ? parseAllocationId(a.id) : null;
      if (parsed && (!best || parsed.index > best.index)) best = { id: a.id, index: parsed.index };
    }
  }
  return best?.id ?? null;
}

/**
 * handleAllocationIdsForEditTest: a copy of `current` with outdated ids bumped (`#A1 → #A2`) and new allocations
 * (empty id) given fresh letters after `maxLetterEverUsed` (the highest id in the test's whole trunk history, e.g. `#C3`;
 * defaults to the highest in previous/current). Nothing changes when no allocation has an id.
 */
export function updateAllocationIds(previous: TestDefinition, current: TestDefinition, maxIdEverUsed?: string | null): TestDefinition {
  const allocations = current.allocations.map((a) => ({ ...a }));
  for (const i of getOutdatedAllocations(previous, current)) {
    if (parseAllocationId(allocations[i].id)) allocations[i].id = nextAllocationIdVersion(allocations[i].id);
  }
  if (allocations.some((a) => !a.id)) {
    const max = maxIdEverUsed !== undefined ? maxIdEverUsed : maxAllocationId([previous, current]);
    let next = max ? (parseAllocationId(max)?.index ?? -1) : -1;
    for (const a of allocations) if (!a.id) a.id = generateAllocationId(++next, 1);
  }
  return { ...current, allocations };
}

/** handleAllocationIdsForNewTest: `#A1, #B1, …` by position. */
export function assignNewAllocationIds(def: TestDefinition): TestDefinition {
  return { ...def, allocations: def.allocations.map((a, i) => ({ ...a, id: generateAllocationId(i, 1) })) };
}
