/**
 * Conversions between what a form field shows (text) and what the definition holds, for the fields where the two
 * differ: JSON-valued constants, typed payloads, percentages, integer bucket values and lists. Each parse returns the
 * value or a message saying what to type; none throws.
 */
import { DoubleValue, parseJson, serializeJson, type JsonValue, type Payload, type PayloadType, type TestBucket } from '../proctor';
import { bucketWithValue } from './definition-edits';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** One JSON value written compactly on one line (`1.0` stays `1.0`). */
export function formatJsonValue(value: JsonValue): string {
  return serializeJson(value).replace(/\n\s*/g, ' ');
}

export function parseJsonValue(text: string): Parsed<JsonValue> {
  if (text.trim() === '') return { ok: false, message: 'Enter a JSON value, e.g. "text", 10, true or ["a", "b"].' };
  try {
    return { ok: true, value: parseJson(text, { allowComments: false }).value };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

const INTEGER = /^-?\d+$/;

export function parseInteger(text: string): Parsed<number> {
  const t = text.trim();
  if (!INTEGER.test(t)) return { ok: false, message: 'Enter a whole number, e.g. 0, 1 or -1.' };
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n > 2147483647 || n < -2147483648) return { ok: false, message: 'The number is out of range of a Java int.' };
  return { ok: true, value: n };
}

/**
 * A bucket's value as typed in row `index`: a whole number no other bucket has. A value another bucket has is refused
 * (never committed), so the ranges stay with this bucket while its value is retyped: "0" → "" → "1" → "10" passes
 * through another bucket's 1 on the way.
 */
export function parseBucketValue(buckets: readonly TestBucket[], index: number, text: string): Parsed<number> {
  const parsed = parseInteger(text);
  if (!parsed.ok) return parsed;
  const other = bucketWithValue(buckets, parsed.value, index);
  return other ? { ok: false, message: `Bucket ${other.name} already has value ${parsed.value}; each bucket needs its own value.` } : parsed;
}

/** Range length (fraction of 1) shown as a percentage with up to 8 decimals (lengths keep 10, as Proctor writes). */
export function lengthToPercent(length: number): string {
  const rounded = Math.round(length * 1e10) / 1e8;
  return String(Number(rounded.toFixed(8)));
}

export function percentToLength(text: string): Parsed<number> {
  const t = text.trim().replace(/%$/, '').trim();
  if (t === '' || !/^\d+(\.\d*)?$|^\.\d+$/.test(t)) return { ok: false, message: 'Enter a percentage between 0 and 100, e.g. 12.5.' };
  const percent = Number(t);
  if (percent > 100) return { ok: false, message: 'A range cannot be more than 100%.' };
  return { ok: true, value: Math.round(percent * 1e8) / 1e10 };
}

/** Comma- or whitespace-separated list ("US, CA" → ["US","CA"]). */
export function parseList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function formatList(values: readonly unknown[]): string {
  return values.map((v) => String(v)).join(', ');
}

export function payloadTypeOf(payload: Payload | null | undefined): PayloadType | null {
  if (!payload) return null;
  for (const key of Object.keys(payload) as PayloadType[]) if (payload[key] !== undefined && payload[key] !== null) return key;
  return null;
}

/** The text a payload editor shows for a payload's single value. */
export function formatPayloadValue(payload: Payload | null | undefined): string {
  const type = payloadTypeOf(payload);
  if (!type || !payload) return '';
  const value = payload[type];
  if (type === 'stringValue') return String(value);
  if (type === 'doubleValue') return formatJsonValue(new DoubleValue(value as number));
  if (type === 'longValue') return String(value);
  if (type === 'doubleArray') return formatJsonValue((value as number[]).map((n) => new DoubleValue(n)));
  return formatJsonValue(value as JsonValue);
}

function plain(value: JsonValue): number | null {
  if (value instanceof DoubleValue) return value.value;
  return typeof value === 'number' ? value : null;
}

/** Reads a payload editor's text for one payload type. */
export function parsePayloadValue(type: PayloadType, text: string): Parsed<Payload> {
  if (type === 'stringValue') return { ok: true, value: { stringValue: text } };
  if (type === 'longValue') {
    const n = parseInteger(text);
    return n.ok ? { ok: true, value: { longValue: n.value } } : n;
  }
  if (type === 'doubleValue') {
    const t = text.trim();
    if (t === '' || !Number.isFinite(Number(t))) return { ok: false, message: 'Enter a number, e.g. 0.5.' };
    return { ok: true, value: { doubleValue: Number(t) } };
  }
  const json = parseJsonValue(text);
  if (!json.ok) return json;
  const value = json.value;
  switch (type) {
    case 'doubleArray':
    case 'longArray': {
      if (!Array.isArray(value)) return { ok: false, message: 'Enter a JSON array of numbers, e.g. [1, 2.5].' };
      const numbers = value.map(plain);
      if (numbers.some((n) => n === null)) return { ok: false, message: 'Every element must be a number.' };
      if (type === 'longArray' && numbers.some((n) => !Number.isInteger(n) || value.some((v) => v instanceof DoubleValue))) {
        return { ok: false, message: 'Every element of a longArray must be a whole number.' };
      }
      return { ok: true, value: { [type]: numbers as number[] } };
    }
    case 'stringArray':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return { ok: false, message: 'Enter a JSON array of strings, e.g. ["a", "b"].' };
      return { ok: true, value: { stringArray: value as string[] } };
    case 'map':
      if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof DoubleValue) {
        return { ok: false, message: 'Enter a JSON object, e.g. {"color": "blue", "size": 2}.' };
      }
      return { ok: true, value: { map: value as Record<string, JsonValue> } };
    case 'json':
      return { ok: true, value: { json: value } };
  }
}

/** A sensible empty payload when the user picks a type. */
export function defaultPayload(type: PayloadType): Payload {
  switch (type) {
    case 'doubleValue':
      return { doubleValue: 0 };
    case 'longValue':
      return { longValue: 0 };
    case 'stringValue':
      return { stringValue: '' };
    case 'doubleArray':
    case 'longArray':
    case 'stringArray':
      return { [type]: [] };
    case 'map':
      return { map: {} };
    case 'json':
      return { json: {} };
  }
}
