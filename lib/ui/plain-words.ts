/**
 * Proctor's messages said in people's words for the pages. lib/proctor keeps Proctor's exact texts (the API returns
 * them, and they are shown beside as "Proctor says"); this only rewrites how the UI says them: percentages instead of
 * doubles with float noise, bucket names instead of `bucket[1]`, allocation numbers instead of `rule null`, and no Java
 * exception class names.
 */
import { REGISTERED_TEST_TYPES, type TestDefinition, type ValidationIssue } from '@/lib/proctor';
import { percent } from './format';

export interface PlainMessage {
  /** What the page says. */
  text: string;
  /** Proctor's exact text, when `text` says it differently. */
  proctor: string | null;
}

const JAVA_EXCEPTION = /\b(?:javax?|org|com)\.(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b:?\s*/g;
const FLOAT_NOISE = /-?\d+\.\d{7,}/g;

/** Numbers printed with float noise (1.4000000000000001) → 1.4, and no Java exception class names. */
export function scrubMessage(message: string): string {
  const text = message
    .replace(JAVA_EXCEPTION, '')
    .replace(FLOAT_NOISE, (n) => String(Number(Number(n).toPrecision(10))))
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return text === '' ? 'Proctor could not evaluate this.' : text;
}

function allocationOf(path: string): number | null {
  const m = /^\/allocations\/(\d+)/.exec(path);
  return m ? Number(m[1]) : null;
}

function bucketName(def: TestDefinition | null, index: number): string {
  const b = def?.buckets[index];
  return b ? `${b.name} (value ${b.value})` : `number ${index + 1}`;
}

function bucketByValue(def: TestDefinition | null, value: number): string {
  const b = def?.buckets.find((x) => x.value === value);
  return b ? b.name : `value ${value}`;
}

function rewrite(issue: ValidationIssue, def: TestDefinition | null): string | null {
  const m = issue.message;
  const a = allocationOf(issue.path);
  let x: RegExpExecArray | null;
  if ((x = /range with rule .* does not add up to 1 : .* = (\S+)$/s.exec(m)) || (x = /^Buckets with rule .* don't add up to 1: .* = (\S+)$/s.exec(m))) {
    return `The shares of allocation ${a === null ? '' : a + 1} add up to ${percent(Number(x[1]))}; they must add up to 100%.`.replace('allocation  ', 'an allocation ');
  }
  if ((x = /^Bucket name cannot be the same as bucket\[(\d+)\]$/.exec(m))) return `Bucket ${bucketName(def, Number(x[1]))} already has this name; each bucket needs its own name.`;
  if ((x = /^Bucket value cannot be the same as bucket\[(\d+)\]$/.exec(m))) return `Bucket ${bucketName(def, Number(x[1]))} already has this value; each bucket needs its own value.`;
  if ((x = /^WARNING: Positive bucket total allocation size not same as control bucket total allocation size\. \s*Bucket #(-?\d+)=(\S+), Zero Bucket=(\S+)$/s.exec(m))) {
    return `In allocation 1, bucket ${bucketByValue(def, Number(x[1]))} gets ${percent(Number(x[2]))} of users but control gets ${percent(Number(x[3]))}; compare buckets of equal size.`;
  }
  if (m === 'WARNING: You should have a zero bucket (control).') return 'Allocation 1 gives users to test buckets but has no control bucket (value 0) to compare them with.';
  if ((x = /^Range length must be a fraction between 0 and 1 .*found (\S+)$/.exec(m))) return `A share must be between 0% and 100%; this one is ${percent(Number(x[1]))}.`;
  if ((x = /refers to unknown id type '(.*)'\.$/.exec(m)) && issue.path === '/testType') {
    return `${x[1] || 'An empty type'} is not a Proctor test type; choose one of ${REGISTERED_TEST_TYPES.join(', ')}.`;
  }
  if (m === 'TestType is required.') return `Choose a test type (${REGISTERED_TEST_TYPES.join(', ')}).`;
  return null;
}

/** How the page says one validation issue, with Proctor's text kept when the words differ. */
export function plainIssue(issue: ValidationIssue, def: TestDefinition | null): PlainMessage {
  const text = rewrite(issue, def) ?? scrubMessage(issue.message);
  return { text, proctor: text === issue.message ? null : issue.message };
}

/** The place a JSON pointer of the definition names, in the form's words ("Allocation 2, range 1"). */
export function describePath(path: string, def: TestDefinition | null): string {
  const parts = path.split('/').slice(1);
  const [head, second, third, fourth, fifth] = parts;
  const fields: Record<string, string> = { name: 'Test name', description: 'Description', salt: 'Salt', testType: 'Test type', rule: 'Test rule', metaTags: 'Meta tags' };
  if (path === '') return 'The definition';
  if (parts.length === 1 && fields[head]) return fields[head];
  if (head === 'buckets') {
    if (second === undefined) return 'Buckets';
    const b = def?.buckets[Number(second)];
    return `Bucket ${b ? b.name : Number(second) + 1}${third ? `, ${third}` : ''}`;
  }
  if (head === 'allocations') {
    if (second === undefined) return 'Allocations';
    let s = `Allocation ${Number(second) + 1}`;
    if (third === 'rule') s += ', rule';
    else if (third === 'name') s += ', name';
    else if (third === 'ranges' && fourth !== undefined) s += `, range ${Number(fourth) + 1}${fifth === 'length' ? ' share' : fifth === 'bucketValue' ? ' bucket' : ''}`;
    else if (third === 'ranges') s += ', ranges';
    return s;
  }
  if (head === 'constants' && second !== undefined) return `Constant ${second}`;
  if (head === 'specialConstants' && second === '__COUNTRIES') return 'Countries';
  if (head === 'dependsOn') return 'Depends on';
  if (head === 'payloadExperimentConfig') return 'Payload experiment';
  return path;
}
