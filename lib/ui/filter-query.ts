/**
 * The query string a list's filters build on. Each change is applied to the latest *requested* query, not to the URL
 * on screen: navigations land late and one at a time, so an earlier request can land after a later one was made (a
 * debounced search that fires between two filter changes). Following such a landing would revive a value the user
 * already cleared (CI saw a cleared search come back when the next filter changed). Only a URL this list did not
 * request — back/forward, a link — replaces the base.
 */
export interface FilterQuery {
  /** The query the next change builds on. */
  latest: string;
  /** Queries requested and not yet caught up with (cleared when the URL shows `latest`). */
  requested: string[];
}

export function startFilterQuery(current: string): FilterQuery {
  return { latest: current, requested: [] };
}

/** Apply a change ("" removes a key); any change returns to page 1. */
export function requestFilterQuery(state: FilterQuery, changes: Record<string, string>): FilterQuery {
  const next = new URLSearchParams(state.latest);
  for (const [key, value] of Object.entries(changes)) {
    if (value) next.set(key, value);
    else next.delete(key);
  }
  next.delete('page');
  const latest = next.toString();
  return { latest, requested: [...state.requested, latest] };
}

/**
 * The URL shows `current`. Returns the new state and whether the URL came from elsewhere (so the search box should
 * show its text).
 */
export function landFilterQuery(state: FilterQuery, current: string): { state: FilterQuery; external: boolean } {
  if (current === state.latest) return { state: { latest: current, requested: [] }, external: false };
  if (state.requested.includes(current)) return { state, external: false };
  return { state: startFilterQuery(current), external: true };
}
