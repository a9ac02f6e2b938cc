import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { definitionReadWarnings } from '@/lib/proctor/parse-definition';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import { validateDefinition } from '@/lib/proctor/validate-definition';

/**
 * Where Proctor's lenient reader takes input our users should hear about (README "Deviations from Proctor"): the
 * definition is read as Proctor reads it (test/unit/real-proctor-parity.test.ts checks that against real Proctor) and
 * validateDefinition, given the text, warns; saving writes Proctor's form.
 */

const base = fs.readFileSync(path.join(__dirname, '../fixtures/proctor-reference/test-definitions/exampletst/definition.json'), 'utf8');
const canonical = serializeDefinition(parseDefinition(base));
const warnings = (text: string) => validateDefinition('exampletst', parseDefinition(text), { text }).filter((i) => i.severity === 'warning' && i.message.includes('read'));

describe('warnings for what reading changes', () => {
  it('none for a file in the shape Proctor writes', () => {
    expect(definitionReadWarnings(canonical)).toEqual([]);
    expect(warnings(canonical)).toEqual([]);
  });

  it('a byte-order mark: read, warned about, never written', () => {
    const text = '\ufeff' + canonical;
    expect(serializeDefinition(parseDefinition(text))).toBe(canonical);
    expect(definitionReadWarnings(text)).toEqual([
      { path: '', severity: 'warning', message: expect.stringContaining("Proctor's readers skip it but its builder refuses the file") },
    ]);
  });

  it('text after the definition: ignored as Jackson does, warned about with its position, not written', () => {
    const text = canonical + '\n}\n';
    expect(serializeDefinition(parseDefinition(text))).toBe(canonical);
    const lines = canonical.split('\n').length;
    expect(warnings(text)).toEqual([
      { path: '', severity: 'warning', message: `The text after the definition (from line ${lines + 1}, column 1) is ignored, as Proctor's reader does; saving removes it.` },
    ]);
    // Whitespace or a comment after it is not worth a warning.
    expect(definitionReadWarnings(canonical + '\n// end\n')).toEqual([]);
  });

  it('"silent": 1 is true, with a warning at /silent', () => {
    const text = canonical.replace('"silent" : false', '"silent" : 1');
    expect(parseDefinition(text).silent).toBe(true);
    expect(serializeDefinition(parseDefinition(text))).toContain('"silent" : true');
    expect(warnings(text)).toEqual([{ path: '/silent', severity: 'warning', message: "1 is read as true, as Proctor's reader does; saving writes true." }]);
  });

  it('a bucket value 1.5 is 1, with a warning at the value', () => {
    const text = canonical.replace('"value" : 1', '"value" : 1.5');
    expect(parseDefinition(text).buckets.map((b) => b.value)).toContain(1);
    expect(warnings(text)).toEqual([{ path: '/buckets/1/value', severity: 'warning', message: "1.5 is read as 1, as Proctor's reader does; saving writes 1." }]);
  });

  it('no warnings without the text (a definition edited in the form)', () => {
    const text = canonical.replace('"silent" : false', '"silent" : 1');
    expect(validateDefinition('exampletst', parseDefinition(text)).some((i) => i.message.includes("Proctor's reader"))).toBe(false);
  });
});

describe('payloads and experiment configs as Proctor reads them', () => {
  it('refuses a payloadExperimentConfig without namespaces, as every Proctor reader does', () => {
    for (const config of ['{ "priority" : "1", "namespaces" : null }', '{ "priority" : "1" }']) {
      const text = canonical.replace('"payloadExperimentConfig" : null', `"payloadExperimentConfig" : ${config}`);
      let error: unknown;
      try {
        parseDefinition(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details[0].path).toBe('/payloadExperimentConfig/namespaces');
      expect((error as AppError).message).toContain('use [] for none');
    }
  });

  it('keeps a json payload that is null (a value of type json) and writes it back', () => {
    const def = parseDefinition(canonical);
    def.buckets = def.buckets.map((b) => ({ ...b, payload: { json: null } }));
    const text = serializeDefinition(def);
    expect(text).toContain('"payload" : {\n      "json" : null\n    }');
    const again = parseDefinition(text);
    expect(again.buckets.every((b) => b.payload && 'json' in b.payload && b.payload.json === null)).toBe(true);
    expect(serializeDefinition(again)).toBe(text);
    // Every bucket has a payload (of type json): no "buckets without payloads" error.
    expect(validateDefinition('exampletst', again, { checks: 'core' })).toEqual([]);
  });
});
