/**
 * safeReturnPath over hostile `next` values: each result is resolved with the WHATWG URL parser (what browsers use)
 * against our origin, and must stay on it.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETURN_PATH, safeReturnPath } from '@/lib/http/return-path';

const OURS = 'https://studio.example';

// Values as the page receives them (query already decoded) and as they appear still encoded.
const hostile: string[] = [
  '/\\evil.example',
  '/\\/evil.example',
  '\\\\evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '\t//evil.example',
  '/\t\\evil.example',
  ' //evil.example',
  '/\u0000/evil.example',
  '/\u001f/evil.example',
  '//evil.example',
  '///evil.example',
  '//evil.example/tests',
  '/.//evil.example',
  '/./\\evil.example',
  '/..//evil.example',
  '/tests/..//evil.example',
  '/%5Cevil.example',
  '/%09/evil.example',
  '/%2F%2Fevil.example',
  '/%2f/evil.example',
  '%2F%2Fevil.example',
  'https://evil.example',
  'https://evil.example/tests',
  'HTTPS://evil.example',
  'http:evil.example',
  'http:/evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(document.domain)',
  '\tjavascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'evil.example',
  '@evil.example',
  '/@evil.example',
  '\uFF0F\uFF0Fevil.example',
  '/\uFF0Fevil.example',
  '/\u2215\u2215evil.example',
  '/\u2044evil.example',
  '/\u3002evil.example',
  `/${'a'.repeat(5000)}`,
  '',
];

describe('safeReturnPath', () => {
  it.each(hostile.map((value) => [JSON.stringify(value).slice(0, 60), value]))('%s stays on our origin', (_label, value) => {
    const result = safeReturnPath(value);
    const resolved = new URL(result, OURS);
    expect(resolved.origin).toBe(OURS);
    expect(result.startsWith('/') && !result.startsWith('//') && !result.startsWith('/\\')).toBe(true);
    // What the browser will follow is exactly the text we hand it: no characters it would drop or reinterpret.
    expect(`${resolved.pathname}${resolved.search}${resolved.hash}`).toBe(result);
  });

  it('keeps ordinary paths with their query and fragment', () => {
    const table: [unknown, string][] = [
      ['/tests', '/tests'],
      ['/tests/checkout_button_color?env=qa#history', '/tests/checkout_button_color?env=qa#history'],
      ['/issues?q=a%26b&status=Open', '/issues?q=a%26b&status=Open'],
      ['/tests/a%20b', '/tests/a%20b'],
      ['/admin/audit', '/admin/audit'],
      [undefined, DEFAULT_RETURN_PATH],
      [['/tests'], DEFAULT_RETURN_PATH],
      ['https://evil.example', DEFAULT_RETURN_PATH],
    ];
    for (const [value, expected] of table) expect(safeReturnPath(value)).toBe(expected);
  });
});
