/**
 * What changes between two test matrices (two environments' builds): tests added and removed, and for each test in
 * both, its semantic changes (the same words as a definition diff). The `version` a matrix records per test is the
 * promotion's bookkeeping and is reported as such by the diff's consumers. Pure TypeScript.
 */
import { diffDefinitions, type DefinitionChange } from './diff-definitions';
import type { ConsumableTestDefinition, TestDefinition, TestMatrixArtifact } from './model';

export interface MatrixDiff {
  added: string[];
  removed: string[];
  changed: { testName: string; changes: DefinitionChange[] }[];
  unchanged: number;
}

/** A consumable definition read as a definition (it has no special constants: the matrix already applied them). */
function asDefinition(test: ConsumableTestDefinition): TestDefinition {
  return { specialConstants: {}, ...test } as unknown as TestDefinition;
}

export function diffMatrices(before: TestMatrixArtifact, after: TestMatrixArtifact): MatrixDiff {
  const names = [...new Set([...Object.keys(before.tests), ...Object.keys(after.tests)])].sort();
  const diff: MatrixDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const name of names) {
    const a = before.tests[name];
    const b = after.tests[name];
    if (!a) diff.added.push(name);
    else if (!b) diff.removed.push(name);
    else {
      const changes = diffDefinitions(asDefinition(a), asDefinition(b));
      if (changes.length === 0) diff.unchanged += 1;
      else diff.changed.push({ testName: name, changes });
    }
  }
  return diff;
}
