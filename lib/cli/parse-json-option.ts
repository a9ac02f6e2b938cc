import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJson } from '../proctor/json';
import { DoubleValue } from '../proctor/model';
import { UsageError } from './cli-result';

/**
 * The value of a JSON-object option (`--context '{"country":"US"}'`, or `--context @file.json` to read a file).
 * Read like Jackson reads a matrix (`1` an integer, `1.0` a double), so rules see the same values as in definitions.
 * Errors name the flag and show a value that works.
 */
export function parseJsonOption(command: string, flag: string, value: string | undefined, cwd: string, example: string): Record<string, unknown> {
  if (value === undefined) return {};
  let text = value;
  let source = `--${flag}`;
  if (value.startsWith('@')) {
    const file = path.resolve(cwd, value.slice(1));
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--${flag} ${value}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, command);
    }
    source = `--${flag} ${value}`;
  }
  let parsed: unknown;
  try {
    parsed = parseJson(text).value;
  } catch (error) {
    throw new UsageError(
      `${source} is not valid JSON (${(error as Error).message}). Give a JSON object in single quotes, e.g. --${flag} '${example}', or @file.json.`,
      command,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || parsed instanceof DoubleValue) {
    throw new UsageError(`${source} must be a JSON object of name → value, e.g. --${flag} '${example}'.`, command);
  }
  return parsed as Record<string, unknown>;
}
