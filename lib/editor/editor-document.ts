/**
 * The editor's document: the definition.json text is the source of truth (so nothing typed in the JSON view is ever
 * lost), and the form works on the definition parsed from it. Every form change re-serialises with Proctor's exact
 * byte format, so switching views never reformats what the server will store.
 */
import { AppError } from '../errors';
import { parseDefinitionStrict, serializeDefinition, type TestDefinition } from '../proctor';

export interface TextProblem {
  message: string;
  /** JSON pointer of the offending value when known ("" = the document). */
  path: string;
  line?: number;
  column?: number;
}

export type ParsedText = { ok: true; definition: TestDefinition } | { ok: false; problem: TextProblem };

/** Reads editor text as the server will (strict: an unknown key is an error). Never throws. */
export function parseEditorText(text: string): ParsedText {
  try {
    return { ok: true, definition: parseDefinitionStrict(text) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const data = error.data as { line?: number; column?: number } | undefined;
    const found = /\(line (\d+), column (\d+)\)/.exec(error.message);
    const line = data?.line ?? (found ? Number(found[1]) : undefined);
    const column = data?.column ?? (found ? Number(found[2]) : undefined);
    return { ok: false, problem: { message: error.message, path: error.details[0]?.path ?? '', line, column } };
  }
}

/** A new test as the webapp creates it: inactive + control, one allocation, salt `&<name>` (FACTS §1.3). */
export function newTestDefinition(testName: string): TestDefinition {
  return {
    version: '-1',
    constants: {},
    specialConstants: {},
    salt: `&${testName}`,
    rule: null,
    buckets: [
      { name: 'inactive', value: -1, description: 'Inactive' },
      { name: 'control', value: 0, description: 'Control' },
      { name: 'test', value: 1, description: 'Test' },
    ],
    allocations: [
      {
        rule: null,
        ranges: [{ bucketValue: -1, length: 1 }],
        id: '',
        name: '',
      },
    ],
    silent: false,
    metaTags: [],
    testType: 'USER',
    description: '',
    dependsOn: null,
    evaluateForIncognitoUsers: false,
    enableUnitlessAllocations: false,
    forceLogging: false,
    payloadExperimentConfig: null,
  };
}

/**
 * A copy of an existing test to save under a new name: a trunk definition of its own (version -1), its own salt so
 * users are not assigned in lockstep with the original, and no allocation ids (the server assigns new ones).
 */
export function copyDefinition(source: TestDefinition, newName: string): TestDefinition {
  const copy = structuredCloneDefinition(source);
  return {
    ...copy,
    version: '-1',
    salt: `&${newName}`,
    allocations: copy.allocations.map((a) => ({ ...a, id: '' })),
  };
}

/** A deep copy that keeps DoubleValue instances (structuredClone would turn them into plain objects). */
export function structuredCloneDefinition(def: TestDefinition): TestDefinition {
  const text = serializeDefinition(def);
  return parseDefinitionStrict(text);
}
