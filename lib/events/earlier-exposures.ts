/**
 * A unit's earlier exposures to the same test in the same environment under OTHER definition revisions, as the fold
 * found them when it stored an exposure (stored before it, or earlier in the same fold). Kept with the exposure and in
 * its aggregates' key, so that results can count a unit once per phase: a phase spans several revisions when a change
 * moved nobody between active buckets (room-to-grow, split-bucket), and exposure is first-wins per revision.
 * Which revisions share a phase is only known when results are read (the branch's history), hence a record and not a
 * decision here. Encoded as JSON text, sorted, so one set always makes one aggregate key ("" when there is none).
 */
import { INACTIVE_BUCKET } from '@/lib/proctor/allocation-drift';

/** "arm": an active bucket; "inactive": the inactive bucket (-1) by the allocation's ranges; "fallback": the client's fallback. */
export type ExposureKind = 'arm' | 'inactive' | 'fallback';

export interface EarlierExposure {
  definitionVersion: string;
  kind: ExposureKind;
  /** When it was exposed (ms), to keep the latest when there are too many; not encoded. */
  at?: number;
}

/**
 * The longest encoding kept: it is part of the aggregates' primary key, and a B-tree entry must stay under ~2.7 KB or
 * the insert fails — and a fold that fails leaves its events pending for good. Past it the oldest are dropped: a unit
 * exposed under that many revisions has older ones in earlier phases, where they do not matter.
 */
export const MAX_EARLIER_TEXT = 1000;

const CODES: Record<ExposureKind, string> = { arm: 'a', inactive: 'i', fallback: 'f' };
const KINDS: Record<string, ExposureKind> = { a: 'arm', i: 'inactive', f: 'fallback' };

export function exposureKind(bucket: number, fallback: boolean): ExposureKind {
  return fallback ? 'fallback' : bucket === INACTIVE_BUCKET ? 'inactive' : 'arm';
}

export function encodeEarlier(items: Iterable<EarlierExposure>): string {
  const newestFirst = [...items].sort((a, b) => (b.at ?? Infinity) - (a.at ?? Infinity));
  const kept = new Set<string>();
  let length = 1;
  for (const item of newestFirst) {
    const text = JSON.stringify([item.definitionVersion, CODES[item.kind]]);
    if (kept.has(text)) continue;
    if (length + text.length + 1 > MAX_EARLIER_TEXT) break;
    kept.add(text);
    length += text.length + 1;
  }
  if (kept.size === 0) return '';
  return `[${[...kept].sort().join(',')}]`;
}

export function parseEarlier(text: string): EarlierExposure[] {
  if (!text) return [];
  return (JSON.parse(text) as Array<[string, string]>).map(([definitionVersion, code]) => ({ definitionVersion, kind: KINDS[code] ?? 'arm' }));
}
