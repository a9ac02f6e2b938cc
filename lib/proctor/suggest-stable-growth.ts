/**
 * Stable growth of buckets (Indeed's "Evolving bucket allocations" advice): reach new bucket shares without moving any
 * user from one non-inactive bucket to another. Growth only takes space that was inactive before; shrinking gives
 * space back to inactive. Prefers "room-to-grow" (lengthen a range into adjacent inactive space) and falls back to
 * "split bucket" (new ranges carved out of inactive space).
 */
import { AppError } from '../errors';
import type { Range } from './model';
import { bucketShares, rangeIntervals } from './allocation-drift';

const INACTIVE = -1;
const EPSILON = 1e-12;

export interface StableGrowthSuggestion {
  strategy: 'room-to-grow' | 'split-bucket';
  ranges: Range[];
}

interface Segment {
  bucket: number;
  length: number;
  /** The bucket these users had before (growth may only take inactive space that was inactive before). */
  origin: number;
}

function canTake(segment: Segment, bucket: number): boolean {
  return segment.bucket === INACTIVE && (segment.origin === INACTIVE || segment.origin === bucket) && segment.length > EPSILON;
}

/** `targetShares`: bucket value → share of all users; buckets not named keep their share; -1 takes the rest. */
export function suggestStableGrowth(before: Range[], targetShares: Record<number, number>): StableGrowthSuggestion {
  const current = bucketShares(before);
  const targets = new Map<number, number>();
  for (const [bucket, share] of current) if (bucket !== INACTIVE) targets.set(bucket, share);
  for (const [key, share] of Object.entries(targetShares)) {
    const bucket = Number(key);
    if (bucket === INACTIVE) continue;
    if (!(share >= 0 && share <= 1)) throw new AppError('VALIDATION_FAILED', `The share of bucket ${bucket} must be between 0 and 1, found ${share}.`);
    targets.set(bucket, share);
  }
  const activeTotal = [...targets.values()].reduce((s, v) => s + v, 0);
  if (activeTotal > 1 + 1e-9) throw new AppError('VALIDATION_FAILED', `The bucket shares add up to ${activeTotal}, more than 1.`);
  const growth = [...targets].reduce((s, [b, t]) => s + Math.max(0, t - (current.get(b) ?? 0)), 0);
  const inactiveBefore = current.get(INACTIVE) ?? 0;
  if (growth > inactiveBefore + 1e-9) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Growing by ${growth} needs that much inactive space, but only ${inactiveBefore} is inactive; some users would move between buckets.`,
    );
  }

  const segments: Segment[] = rangeIntervals(before).map((r) => ({ bucket: r.bucket, length: r.end - r.start, origin: r.bucket }));

  // Shrink first: trimmed users become inactive (allowed) and stay reserved for their own bucket.
  for (const [bucket, target] of targets) {
    let excess = (current.get(bucket) ?? 0) - target;
    for (let k = segments.length - 1; k >= 0 && excess > EPSILON; k--) {
      const s = segments[k];
      if (s.bucket !== bucket) continue;
      const cut = Math.min(excess, s.length);
      s.length -= cut;
      excess -= cut;
      segments.splice(k + 1, 0, { bucket: INACTIVE, length: cut, origin: bucket });
    }
  }

  const need = new Map<number, number>();
  for (const [bucket, target] of targets) {
    const delta = target - (current.get(bucket) ?? 0);
    if (delta > EPSILON) need.set(bucket, delta);
  }

  // Room to grow: lengthen an existing range into the inactive space right next to it.
  for (const [bucket] of need) {
    for (let k = 0; k < segments.length && (need.get(bucket) ?? 0) > EPSILON; k++) {
      if (segments[k].bucket !== bucket || segments[k].length <= EPSILON) continue;
      for (const n of [k + 1, k - 1]) {
        const neighbour = segments[n];
        const wanted = need.get(bucket) ?? 0;
        if (!neighbour || wanted <= EPSILON || !canTake(neighbour, bucket)) continue;
        const take = Math.min(wanted, neighbour.length);
        neighbour.length -= take;
        // The taken piece is the side touching the growing range.
        const piece: Segment = { bucket, length: take, origin: INACTIVE };
        if (n > k) segments.splice(n, 0, piece);
        else {
          segments.splice(k, 0, piece);
          k++;
        }
        need.set(bucket, wanted - take);
      }
    }
  }

  // Split bucket: new ranges carved from the start of remaining inactive space.
  for (const [bucket] of need) {
    for (let k = 0; k < segments.length && (need.get(bucket) ?? 0) > EPSILON; k++) {
      const s = segments[k];
      if (!canTake(s, bucket)) continue;
      const take = Math.min(need.get(bucket)!, s.length);
      s.length -= take;
      segments.splice(k, 0, { bucket, length: take, origin: INACTIVE });
      k++;
      need.set(bucket, need.get(bucket)! - take);
    }
  }

  // Merge neighbours of the same bucket and drop empty pieces.
  const ranges: Range[] = [];
  for (const s of segments) {
    if (s.length <= EPSILON) continue;
    const last = ranges[ranges.length - 1];
    if (last && last.bucketValue === s.bucket) last.length += s.length;
    else ranges.push({ bucketValue: s.bucket, length: s.length });
  }
  const counts = new Map<number, number>();
  for (const r of ranges) if (r.bucketValue !== INACTIVE) counts.set(r.bucketValue, (counts.get(r.bucketValue) ?? 0) + 1);
  const split = [...counts.values()].some((c) => c > 1);
  return { strategy: split ? 'split-bucket' : 'room-to-grow', ranges };
}
