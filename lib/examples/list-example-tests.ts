import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { validateDefinition } from '@/lib/proctor/validate-definition';
import type { TestDefinition, ValidationIssue } from '@/lib/proctor/model';

export interface ExampleTest {
  name: string;
  definition: TestDefinition | null;
  issues: ValidationIssue[];
}

/** Reads every `<name>/definition.json` below a test-definitions folder and validates it with the core library. */
export async function listExampleTests(testDefinitionsDir: string): Promise<ExampleTest[]> {
  const entries = await readdir(testDefinitionsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name): Promise<ExampleTest> => {
      try {
        const text = await readFile(path.join(testDefinitionsDir, name, 'definition.json'), 'utf8');
        const definition = parseDefinition(text);
        return { name, definition, issues: validateDefinition(name, definition) };
      } catch (error) {
        return { name, definition: null, issues: [{ path: '', message: (error as Error).message, severity: 'error' }] };
      }
    }),
  );
}
