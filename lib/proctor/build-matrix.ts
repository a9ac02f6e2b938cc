import { AppError, type ErrorDetail } from '../errors';
import { createAudit } from './audit';
import { setOwn } from './json';
import type { ConsumableTestDefinition, TestDefinition, TestMatrixArtifact } from './model';
import { toConsumable } from './to-consumable';
import { verifyConsumableDefinition } from './validate-definition';

export interface BuildMatrixAudit {
  /** Matrix version, e.g. the branch head commit SHA. */
  version: string;
  /** Epoch milliseconds of that version. */
  updated: number;
  updatedBy: string;
}

/**
 * Builds the test matrix artifact like Proctor's builder (FACTS §5): every definition converted with toConsumable,
 * checked with the core rules (matrixSource `<updatedBy>@<version>`, rules syntax only). Like Proctor's
 * LocalProctorBuilder it does not check `dependsOn` (checked against real Proctor): applications' loaders drop a test
 * whose dependency is invalid (verifyMatrix), the rest of the matrix stays usable. Unlike
 * Proctor, which stops at the first bad test, it lists every invalid test; like Proctor it returns nothing partial:
 * any invalid test → AppError('VALIDATION_FAILED') with one detail per problem (path = test name).
 * Tests are written in the order given (Proctor's HashMap order is not reproducible and carries no meaning).
 */
export function buildMatrix(definitions: Record<string, TestDefinition>, audit: BuildMatrixAudit): TestMatrixArtifact {
  const matrixSource = `${audit.updatedBy}@${audit.version}`;
  const tests: Record<string, ConsumableTestDefinition> = {};
  const details: ErrorDetail[] = [];
  const invalid = new Set<string>();

  for (const [name, def] of Object.entries(definitions)) {
    const consumable = toConsumable(def);
    setOwn(tests, name, consumable);
    for (const issue of verifyConsumableDefinition(name, consumable, { matrixSource })) {
      if (issue.severity !== 'error') continue;
      invalid.add(name);
      details.push({ path: name, message: issue.message });
    }
  }

  if (invalid.size > 0) {
    const names = [...invalid].sort();
    throw new AppError(
      'VALIDATION_FAILED',
      `Cannot build the test matrix: ${names.length} invalid test${names.length === 1 ? '' : 's'} (${names.join(', ')}). Fix them and build again.`,
      { details, data: { invalidTests: names } },
    );
  }
  return { audit: createAudit(audit), tests };
}
