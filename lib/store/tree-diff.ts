/**
 * Which test definitions a commit changed, by comparing trees and skipping every subtree whose oid is unchanged
 * (isomorphic-git's walk is only fast when equal subtrees are skipped; doing it by hand keeps that guaranteed).
 */
import type { GitRepository } from './repository';
import { DEFINITION_FILE } from './paths';

export interface DefinitionChange {
  testName: string;
  /** definition.json blob before/after; null = absent. */
  before: string | null;
  after: string | null;
}

// Proctor's history parser only recognises `<dir>/(\w+)/definition.json` (FACTS §1.1).
const HISTORY_TEST_NAME = /^\w+$/;

async function definitionsTree(repo: GitRepository, rootTree: string | null, dirSegments: string[]): Promise<string | null> {
  if (!rootTree) return null;
  const entry = await repo.lookup(rootTree, dirSegments);
  return entry && entry.type === 'tree' ? entry.oid : null;
}

async function definitionBlob(repo: GitRepository, testTree: string | null): Promise<string | null> {
  if (!testTree) return null;
  const entries = await repo.readTree(testTree);
  const file = entries.find((e) => e.path === DEFINITION_FILE && e.type === 'blob');
  return file ? file.oid : null;
}

/** Tests directories under the definitions folder: name → tree oid. */
export async function listTestTrees(repo: GitRepository, dirTree: string | null): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (!dirTree) return result;
  for (const entry of await repo.readTree(dirTree)) {
    if (entry.type === 'tree' && HISTORY_TEST_NAME.test(entry.path)) result.set(entry.path, entry.oid);
  }
  return result;
}

export async function diffDefinitionTrees(
  repo: GitRepository,
  beforeRoot: string | null,
  afterRoot: string | null,
  dirSegments: string[],
): Promise<DefinitionChange[]> {
  if (beforeRoot === afterRoot) return [];
  const [beforeDir, afterDir] = await Promise.all([
    definitionsTree(repo, beforeRoot, dirSegments),
    definitionsTree(repo, afterRoot, dirSegments),
  ]);
  if (beforeDir === afterDir) return [];
  if (beforeDir && afterDir) {
    // Same names in the same order (an edit, the usual case): compare position by position, no maps.
    const [b, a] = await Promise.all([repo.readTree(beforeDir), repo.readTree(afterDir)]);
    if (a.length === b.length && a.every((entry, i) => entry.path === b[i].path && entry.type === b[i].type)) {
      const changes: DefinitionChange[] = [];
      for (let i = 0; i < a.length; i++) {
        if (a[i].oid === b[i].oid || a[i].type !== 'tree' || !HISTORY_TEST_NAME.test(a[i].path)) continue;
        const [beforeBlob, afterBlob] = await Promise.all([definitionBlob(repo, b[i].oid), definitionBlob(repo, a[i].oid)]);
        if (beforeBlob !== afterBlob) changes.push({ testName: a[i].path, before: beforeBlob, after: afterBlob });
      }
      return changes.sort((x, y) => (x.testName < y.testName ? -1 : x.testName > y.testName ? 1 : 0));
    }
  }
  const [before, after] = await Promise.all([listTestTrees(repo, beforeDir), listTestTrees(repo, afterDir)]);
  const names = new Set([...before.keys(), ...after.keys()]);
  const changes: DefinitionChange[] = [];
  for (const name of [...names].sort()) {
    const b = before.get(name) ?? null;
    const a = after.get(name) ?? null;
    if (a === b) continue;
    const [beforeBlob, afterBlob] = await Promise.all([definitionBlob(repo, b), definitionBlob(repo, a)]);
    if (beforeBlob !== afterBlob) changes.push({ testName: name, before: beforeBlob, after: afterBlob });
  }
  return changes;
}
