/**
 * The minimum-data rule (GAE/Bingo's "take these results with a grain of salt"): below 150 conversions of a goal in
 * all arms, or below 8 exposed units in any arm, there is no verdict.
 */
export const MIN_CONVERSIONS = 150;
export const MIN_UNITS_PER_ARM = 8;

export interface EnoughData {
  ok: boolean;
  reason: string | null;
}

export function enoughData(unitsPerArm: number[], conversions: number): EnoughData {
  const smallest = unitsPerArm.length ? Math.min(...unitsPerArm) : 0;
  if (smallest < MIN_UNITS_PER_ARM) return { ok: false, reason: `An arm has ${smallest} exposed units; at least ${MIN_UNITS_PER_ARM} per arm are needed.` };
  if (conversions < MIN_CONVERSIONS) return { ok: false, reason: `${conversions} conversions so far; at least ${MIN_CONVERSIONS} are needed for a verdict.` };
  return { ok: true, reason: null };
}
