/**
 * Stable keys for the rows of a list the form edits (buckets): a row keeps its key while its value or position
 * changes, so what belongs to a row (the text being typed, its error) follows the row and not the index or the value.
 * Form edits are immutable and replace only the item they change, so identity says which row is which; an item not
 * seen before takes the key of the item it replaced at its position (an edit of that row, or a re-read of the JSON).
 */
export function followRowKeys<T extends object>(prev: readonly T[], prevKeys: readonly string[], next: readonly T[], fresh: () => string): string[] {
  const byItem = new Map<T, string>();
  prev.forEach((item, i) => byItem.set(item, prevKeys[i]));
  const taken = new Set<string>();
  const keys: (string | null)[] = next.map((item) => {
    const key = byItem.get(item);
    if (key === undefined || taken.has(key)) return null;
    taken.add(key);
    return key;
  });
  // The rows an edit replaced: same position, and the old item is gone from the list.
  const kept = new Set(next);
  return keys.map((key, i) => {
    if (key !== null) return key;
    const old = prev[i];
    const inherited = old !== undefined && !kept.has(old) ? prevKeys[i] : undefined;
    if (inherited !== undefined && !taken.has(inherited)) {
      taken.add(inherited);
      return inherited;
    }
    const made = fresh();
    taken.add(made);
    return made;
  });
}
