/**
 * A conversion's value (issue #19): any finite number up to 10¹² either way, so that a unit's sum and the sums of
 * squares the results need stay finite in the counting tables (an overflow there would stop counting for everyone).
 * The client refuses others when they are tracked; the endpoint refuses them per event.
 */
export const MAX_EVENT_VALUE = 1e12;

export function isEventValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_EVENT_VALUE;
}
