import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Proctor's own reference definitions (hand-written test fixtures) and the proctor-data seed examples. */
export const REFERENCE_DEFINITIONS = path.resolve(__dirname, '../fixtures/proctor-reference/test-definitions');
export const PROCTOR_DATA_DEFINITIONS = path.resolve(__dirname, '../../proctor-data/test-definitions');

/** Every definition.json text of both folders. */
export function definitionCorpus(): string[] {
  return [REFERENCE_DEFINITIONS, PROCTOR_DATA_DEFINITIONS].flatMap((dir) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => readFileSync(path.join(dir, e.name, 'definition.json'), 'utf8')),
  );
}
