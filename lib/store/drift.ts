/**
 * Environment drift: for every test, whether qa and production hold the current trunk revision, an older one, or
 * none. A promoted definition carries the trunk revision it came from in `version` (FACTS §1.2), so this is a
 * comparison of three listings, no history walk.
 */
export type DriftState = 'current' | 'older' | 'none';

export interface DriftListingEntry {
  testName: string;
  /** Last-change revision on that branch. */
  revision: string | null;
  /** `version` of the definition on that branch (the trunk revision for qa/production). */
  version: string | null;
}

export interface TestDrift {
  testName: string;
  trunkRevision: string | null;
  qa: { state: DriftState; revision: string | null; sourceTrunkRevision: string | null };
  production: { state: DriftState; revision: string | null; sourceTrunkRevision: string | null };
}

export function computeDrift(trunk: DriftListingEntry[], qa: DriftListingEntry[], production: DriftListingEntry[]): TestDrift[] {
  const byName = (list: DriftListingEntry[]) => new Map(list.map((e) => [e.testName, e]));
  const t = byName(trunk);
  const q = byName(qa);
  const p = byName(production);
  const names = [...new Set([...t.keys(), ...q.keys(), ...p.keys()])].sort();
  return names.map((testName) => {
    const trunkRevision = t.get(testName)?.revision ?? null;
    const side = (entry: DriftListingEntry | undefined) => ({
      state: (!entry ? 'none' : trunkRevision !== null && entry.version === trunkRevision ? 'current' : 'older') as DriftState,
      revision: entry?.revision ?? null,
      sourceTrunkRevision: entry?.version ?? null,
    });
    return { testName, trunkRevision, qa: side(q.get(testName)), production: side(p.get(testName)) };
  });
}
