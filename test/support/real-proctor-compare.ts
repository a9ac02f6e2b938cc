/**
 * Compares lib/proctor with what the real Proctor recorded (test/support/record-real-proctor.ts). Each function takes
 * one input line and Proctor's output line and returns the differences (empty = agreement), so the unit test and a
 * larger differential run share one definition of "agrees".
 */
import { AppError } from '@/lib/errors';
import { buildMatrix } from '@/lib/proctor/build-matrix';
import { determineGroups } from '@/lib/proctor/determine-groups';
import { parseJson } from '@/lib/proctor/json';
import type { JsonValue, TestDefinition } from '@/lib/proctor/model';
import { parseDefinition, parseDefinitionStrict, parseMatrix } from '@/lib/proctor/parse-definition';
import { payloadToJson, serializeConsumableDefinition, serializeDefinition, serializeJson, serializeMatrix } from '@/lib/proctor/serialize-definition';
import { toConsumable } from '@/lib/proctor/to-consumable';
import { verifyConsumableDefinition } from '@/lib/proctor/validate-definition';
import { verifyMatrix } from '@/lib/proctor/verify-matrix';

/** The providedContext the recorder gives `load` and `assign` (record-real-proctor.ts). */
const LOAD_CONTEXT = { country: 'String', lang: 'String' };

export interface ReaddefExpected {
  key: string;
  lenientRead: boolean;
  lenientError?: string;
  reserialized?: string;
  consumableText?: string;
  builderVerify?: string;
  strictRead: boolean;
  strictError?: string;
}

/** Proctor's message without the exception class (`com.x.FooException: message` → `message`). */
export function proctorMessage(error: string): string {
  const m = /^[\w.$]+(?:Exception|Error): ([\s\S]*)$/.exec(error);
  return m ? m[1] : error;
}

function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.message };
    throw error;
  }
}

/** readdef: lenient read, Proctor's rewrite of it, the matrix entry, the builder's check, strict read. */
export function compareReaddef(input: { key: string; text: string }, expected: ReaddefExpected): string[] {
  const diffs: string[] = [];
  const lenient = attempt(() => parseDefinition(input.text));
  if (expected.lenientRead && (expected.reserialized ?? '').includes('∞')) {
    // Deviation (README): Proctor reads a number past the double range as Infinity and writes "∞", which no JSON
    // reader (its own included) takes back; ours refuses the number instead.
    return !lenient.ok && lenient.error.includes('out of range for a double') ? [] : ['a number past the double range: ours must refuse it'];
  }
  if (lenient.ok !== expected.lenientRead) {
    diffs.push(`lenient read: Proctor ${expected.lenientRead ? 'reads it' : `refuses (${expected.lenientError?.split('\n')[0]})`}, ours ${lenient.ok ? 'reads it' : `refuses (${lenient.error})`}`);
  }
  const strict = attempt(() => parseDefinitionStrict(input.text));
  if (strict.ok !== expected.strictRead) {
    diffs.push(`strict read: Proctor ${expected.strictRead ? 'reads it' : `refuses (${expected.strictError?.split('\n')[0]})`}, ours ${strict.ok ? 'reads it' : `refuses (${strict.error})`}`);
  }
  if (!lenient.ok || !expected.lenientRead) return diffs;
  const def: TestDefinition = lenient.value;
  const written = serializeDefinition(def);
  if (written !== expected.reserialized) diffs.push(`written definition differs:\n${firstDifference(written, expected.reserialized ?? '')}`);
  const consumable = toConsumable(def);
  const consumableText = serializeConsumableDefinition(consumable);
  if (consumableText !== expected.consumableText) diffs.push(`matrix entry differs:\n${firstDifference(consumableText, expected.consumableText ?? '')}`);
  const errors = verifyConsumableDefinition(input.key, consumable, { matrixSource: 'harness' }).filter((i) => i.severity === 'error').map((i) => i.message);
  if (expected.builderVerify === 'ok') {
    if (errors.length > 0) diffs.push(`builder check: Proctor ok, ours ${errors[0]}`);
  } else {
    const message = proctorMessage(expected.builderVerify ?? '');
    if (!errors.includes(message)) diffs.push(`builder check: Proctor "${message}", ours ${errors.length === 0 ? 'ok' : JSON.stringify(errors)}`);
  }
  return diffs;
}

/** The test blocks of a matrix as written (Jackson's layout: test names at four spaces inside "tests"). */
export function testBlocks(matrixText: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const lines = matrixText.split('\n');
  let name: string | null = null;
  let body: string[] = [];
  for (const line of lines) {
    if (name === null) {
      const m = /^ {4}("(?:[^"\\]|\\.)*") : \{$/.exec(line);
      if (m) {
        name = JSON.parse(m[1]) as string;
        body = ['{'];
      }
    } else if (line === '    }' || line === '    },') {
      body.push('}');
      blocks.set(name, body.join('\n'));
      name = null;
    } else {
      body.push(line.slice(4));
    }
  }
  return blocks;
}

export interface BuildExpected {
  key: string;
  matrix?: string;
  error?: string;
  load?: { loaderErrors: Record<string, string>; verifyWithoutSpecificationErrors: Record<string, string> };
}

/** Drops what the build stamps with the time (audit.updated, updatedDate, version). */
function comparableMatrix(text: string): unknown {
  const value = parseJson(text).value as Record<string, Record<string, JsonValue>>;
  const { updated: _u, updatedDate: _d, version: _v, ...audit } = value.audit;
  return { audit, tests: value.tests };
}

/** Structural picture of parsed JSON with sorted keys where order carries no meaning (tests). */
function canonical(value: unknown): string {
  return serializeJson(value as JsonValue);
}

/** build: same verdict; on success the same matrix (test order ignored) and byte-identical test blocks. */
export function compareBuild(input: { key: string; definitions: Record<string, string> }, expected: BuildExpected): { diffs: string[]; blocks: number; identicalBlocks: number } {
  const diffs: string[] = [];
  let blocks = 0;
  let identicalBlocks = 0;
  const ours = attempt(() => {
    const defs: Record<string, TestDefinition> = {};
    for (const [name, text] of Object.entries(input.definitions)) defs[name] = parseDefinition(text);
    return serializeMatrix(buildMatrix(defs, { version: '42', updated: 1_700_000_000_000, updatedBy: 'ci' }));
  });
  if (expected.matrix === undefined) {
    if (ours.ok) diffs.push(`build: Proctor refuses (${expected.error?.split('\n')[0]}), ours builds`);
    return { diffs, blocks, identicalBlocks };
  }
  if (!ours.ok) {
    diffs.push(`build: Proctor builds, ours refuses (${ours.error})`);
    return { diffs, blocks, identicalBlocks };
  }
  const theirs = comparableMatrix(expected.matrix) as { audit: unknown; tests: Record<string, JsonValue> };
  const mine = comparableMatrix(ours.value) as { audit: unknown; tests: Record<string, JsonValue> };
  if (canonical(theirs.audit) !== canonical(mine.audit)) diffs.push(`audit differs: ${canonical(mine.audit)} vs ${canonical(theirs.audit)}`);
  const names = (o: Record<string, unknown>) => Object.keys(o).sort();
  if (names(theirs.tests).join() !== names(mine.tests).join()) diffs.push(`tests differ: ${names(mine.tests)} vs ${names(theirs.tests)}`);
  if (expected.load) {
    // The loader an application runs, with a specification that requires every test (no buckets, no payloads).
    const matrix = parseMatrix(expected.matrix);
    const spec = { tests: Object.fromEntries(Object.keys(matrix.tests).map((name) => [name, { fallbackValue: -1 }])), providedContext: LOAD_CONTEXT };
    const result = verifyMatrix(matrix, spec);
    const mine = Object.fromEntries(Object.entries(result.errors).map(([name, messages]) => [name, messages[0]]));
    for (const name of new Set([...Object.keys(mine), ...Object.keys(expected.load.loaderErrors)])) {
      if (mine[name] !== expected.load.loaderErrors[name]) diffs.push(`loader, test ${name}: Proctor ${JSON.stringify(expected.load.loaderErrors[name] ?? 'loads it')}, ours ${JSON.stringify(mine[name] ?? 'loads it')}`);
    }
  }
  const expectedBlocks = testBlocks(expected.matrix);
  const ourBlocks = testBlocks(ours.value);
  for (const [name, block] of expectedBlocks) {
    blocks++;
    if (ourBlocks.get(name) === block) identicalBlocks++;
    else diffs.push(`test block ${name} differs:\n${firstDifference(ourBlocks.get(name) ?? '', block)}`);
  }
  return { diffs, blocks, identicalBlocks };
}

/** assign (Proctor's `raw` result: the matrix as Jackson reads it): bucket value, name, allocation id and payload. */
export function compareAssign(matrixText: string, input: { identifiers: Record<string, string>; context: Record<string, unknown> }, expectedLine: string): string[] {
  const expected = parseJson(expectedLine).value as { raw: Record<string, { value: number; name: string; allocationId: string; payload?: JsonValue }> };
  const groups = determineGroups(parseMatrixCached(matrixText), input.identifiers, input.context);
  const diffs: string[] = [];
  const names = new Set([...Object.keys(expected.raw), ...Object.keys(groups)]);
  for (const name of names) {
    const theirs = expected.raw[name];
    const mine = groups[name];
    if (!theirs || !mine) {
      diffs.push(`${name}: Proctor ${theirs ? `bucket ${theirs.value}` : 'no bucket'}, ours ${mine ? `bucket ${mine.value}` : 'no bucket'}`);
      continue;
    }
    const a = serializeJson({ value: theirs.value, name: theirs.name, allocationId: theirs.allocationId, payload: theirs.payload === undefined ? undefined : theirs.payload });
    // Payloads are compared as values: ours goes through the same reader as the harness's printed line.
    const ourPayload = mine.payload == null ? undefined : (parseJson(serializeJson(payloadToJson(mine.payload))).value as JsonValue);
    const b = serializeJson({ value: mine.value, name: mine.name, allocationId: mine.allocationId ?? '', payload: ourPayload });
    if (a !== b) diffs.push(`${name}: Proctor ${a.replace(/\s+/g, ' ')}, ours ${b.replace(/\s+/g, ' ')}`);
  }
  return diffs;
}

const matrixCache = new Map<string, ReturnType<typeof parseMatrix>>();
function parseMatrixCached(text: string): ReturnType<typeof parseMatrix> {
  let m = matrixCache.get(text);
  if (!m) {
    m = parseMatrix(text);
    matrixCache.set(text, m);
  }
  return m;
}

/** The first differing line of two texts, with its neighbours, for a readable failure. */
export function firstDifference(ours: string, theirs: string): string {
  const a = ours.split('\n');
  const b = theirs.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `  line ${i + 1}: ours   ${JSON.stringify(a[i] ?? '<end>')}\n  line ${i + 1}: Proctor ${JSON.stringify(b[i] ?? '<end>')}`;
  }
  return '  (same lines)';
}
