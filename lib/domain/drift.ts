/**
 * Environment drift: for every test, whether qa and production hold the current trunk revision, an older one, or
 * none. A promoted definition carries the trunk revision it came from in `version` (FACTS §1.2), so this is a
 * comparison of three listings, no history walk. The one home of the rule: the tests list, the drift endpoint and the
 * test page all ask driftState. Pure (runs in the browser).
 */
export type DriftState = 'current' | 'older' | 'none';

/**
 * Where qa or production stands against trunk: `none` when the test is not there, `current` when its definition came
 * from trunk's latest revision of the test (its `version`), `older` otherwise (also when the test left trunk).
 */
export function driftState(trunkRevision: string | null, env: { sourceTrunkRevision?: string | null } | null): DriftState {
  if (!env) return 'none';
  return trunkRevision !== null && env.sourceTrunkRevision === trunkRevision ? 'current' : 'older';
}

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
      state: driftState(trunkRevision, entry ? { sourceTrunkRevision: entry.version } : null),
      revision: entry?.revision ?? null,
      sourceTrunkRevision: entry?.version ?? null,
    });
    return { testName, trunkRevision, qa: side(q.get(testName)), production: side(p.get(testName)) };
  });
}
