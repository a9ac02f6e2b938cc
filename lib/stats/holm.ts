/**
 * Holm's step-down correction over the p-values of one family (the test buckets of one goal against control): the
 * k-th smallest p is multiplied by (m − k + 1), made monotone, capped at 1. Null p-values (nothing estimable) are not
 * part of the family and stay null.
 */
export function holmAdjust(pValues: Array<number | null>): Array<number | null> {
  const present = pValues.map((p, index) => ({ p, index })).filter((e): e is { p: number; index: number } => e.p !== null);
  present.sort((a, b) => a.p - b.p);
  const m = present.length;
  const out: Array<number | null> = pValues.map(() => null);
  let running = 0;
  present.forEach((entry, k) => {
    running = Math.max(running, Math.min(1, (m - k) * entry.p));
    out[entry.index] = running;
  });
  return out;
}
