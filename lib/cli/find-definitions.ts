import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './cli-result';

export interface DefinitionLocation {
  /** The test name: the directory holding definition.json (Proctor's store has no other source for it). */
  testName: string;
  /** Absolute path of the definition file. */
  file: string;
}

export interface FoundDefinitions {
  locations: DefinitionLocation[];
  /** True when a whole test-definitions directory was given, so cross-test checks (dependsOn) make sense. */
  includesDirectory: boolean;
  /** Problems with the inputs themselves (e.g. one test name found in two places). */
  problems: { file: string; message: string }[];
}

export const DEFINITION_FILENAME = 'definition.json';
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/**
 * Resolves command-line paths to definition files, the way Proctor's git store lists a matrix: every
 * `<dir>/<testName>/definition.json` below a test-definitions directory, test name = parent directory name.
 * A path may also be a test directory (holding definition.json) or a definition file; a JSON file with another name
 * is taken as the definition of the test named like the file (`my_tst.json` → `my_tst`).
 */
export function findDefinitions(paths: string[], cwd: string, command: string): FoundDefinitions {
  const locations: DefinitionLocation[] = [];
  let includesDirectory = false;
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    if (!existsSync(absolute)) {
      throw new UsageError(`'${given}' does not exist. Give a definition.json, a test directory or a test-definitions directory.`, command);
    }
    const stats = statSync(absolute);
    if (stats.isFile()) {
      locations.push({ testName: testNameOfFile(absolute), file: absolute });
    } else if (existsSync(path.join(absolute, DEFINITION_FILENAME))) {
      locations.push({ testName: path.basename(absolute), file: path.join(absolute, DEFINITION_FILENAME) });
    } else {
      const found = walk(absolute);
      if (found.length === 0) {
        throw new UsageError(
          `no test definitions found under '${given}': expected files laid out as ${given.replace(/\/$/, '')}/<testName>/${DEFINITION_FILENAME}.`,
          command,
        );
      }
      includesDirectory = true;
      locations.push(...found);
    }
  }
  // The same file named twice (e.g. a directory and one of its tests) is read once.
  const unique = [...new Map(locations.map((l) => [l.file, l])).values()].sort(
    (a, b) => compare(a.testName, b.testName) || compare(a.file, b.file),
  );
  const problems: FoundDefinitions['problems'] = [];
  const byName = new Map<string, DefinitionLocation>();
  const kept: DefinitionLocation[] = [];
  for (const location of unique) {
    const first = byName.get(location.testName);
    if (first) {
      problems.push({
        file: location.file,
        message: `test name '${location.testName}' is defined twice: ${path.relative(cwd, first.file)} and ${path.relative(cwd, location.file)}. Test names must be unique in a matrix.`,
      });
      continue;
    }
    byName.set(location.testName, location);
    kept.push(location);
  }
  return { locations: kept, includesDirectory, problems };
}

function testNameOfFile(file: string): string {
  const base = path.basename(file);
  return base === DEFINITION_FILENAME ? path.basename(path.dirname(file)) : base.replace(/\.json$/i, '');
}

function walk(directory: string): DefinitionLocation[] {
  const out: DefinitionLocation[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIPPED_DIRECTORIES.has(entry.name) || entry.name.startsWith('.')) continue;
    const child = path.join(directory, entry.name);
    const file = path.join(child, DEFINITION_FILENAME);
    if (existsSync(file) && statSync(file).isFile()) out.push({ testName: entry.name, file });
    else out.push(...walk(child));
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
