/** A comparison's verdict at level α: significant only with enough data and a p-value below α (Holm-adjusted if chosen). */
export type Verdict = 'better' | 'worse' | 'inconclusive' | 'not-enough-data';

export function verdictOf(enough: boolean, estimate: number | null, pValue: number | null, alpha: number): Verdict {
  if (!enough || estimate === null || pValue === null) return 'not-enough-data';
  if (pValue >= alpha || estimate === 0) return 'inconclusive';
  return estimate > 0 ? 'better' : 'worse';
}
