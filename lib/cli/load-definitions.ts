import { readFileSync } from 'node:fs';
import { isAppError } from '../errors';
import type { TestDefinition, ValidationIssue } from '../proctor/model';
import { parseDefinition } from '../proctor/parse-definition';
import type { DefinitionLocation } from './find-definitions';

export interface LoadedDefinition extends DefinitionLocation {
  /** Null when the file could not be read or parsed; `issues` then says why. */
  definition: TestDefinition | null;
  /** Read/parse problems (errors with JSON pointers when the parser knows them). */
  issues: ValidationIssue[];
}

/** Reads and parses each definition leniently, as Proctor's stores do; a bad file becomes issues, not an exception. */
export function loadDefinitions(locations: DefinitionLocation[]): LoadedDefinition[] {
  return locations.map((location) => {
    let text: string;
    try {
      text = readFileSync(location.file, 'utf8');
    } catch (error) {
      return { ...location, definition: null, issues: [{ path: '', message: `cannot read the file: ${(error as Error).message}`, severity: 'error' }] };
    }
    try {
      return { ...location, definition: parseDefinition(text), issues: [] };
    } catch (error) {
      if (isAppError(error)) {
        // The parser's message knows where in the file the problem is; keep that for people fixing the file.
        const at = /\(line \d+, column \d+\)/.exec(error.message)?.[0];
        const details = error.details.length > 0 ? error.details : [{ path: '', message: error.message }];
        const issues = details.map((d) => ({
          path: d.path,
          message: at && !d.message.includes(at) ? `${d.message} ${at}` : d.message,
          severity: 'error' as const,
        }));
        return { ...location, definition: null, issues };
      }
      throw error;
    }
  });
}

/** Parsed definitions by test name (tests that failed to parse are left out). */
export function definitionsByName(loaded: LoadedDefinition[]): Record<string, TestDefinition> {
  const out: Record<string, TestDefinition> = {};
  for (const entry of loaded) {
    if (entry.definition) Object.defineProperty(out, entry.testName, { value: entry.definition, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
