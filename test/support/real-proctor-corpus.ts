/**
 * A fixed-seed generator of cases for comparing lib/proctor with the real Proctor (the `real-proctor` tool): definition
 * files (random numbers incl. doubles across magnitudes and edge values, every payload kind, unicode, and the lenient
 * inputs Proctor's Jackson reader takes), groups of them to build into matrices, and identifiers/contexts to assign.
 * Pure and deterministic: the same seed gives the same text, so a committed fixture can be regenerated and checked.
 */

export interface DefinitionCase {
  key: string;
  /** The bytes of definition.json as text (a leading U+FEFF stands for a UTF-8 BOM). */
  text: string;
}

export interface BuildCase {
  key: string;
  /** test name → definition.json text. */
  definitions: Record<string, string>;
}

export interface AssignCase {
  key: string;
  identifiers: Record<string, string>;
  context: Record<string, string | number>;
}

export interface Corpus {
  definitions: DefinitionCase[];
  builds: BuildCase[];
  /** build key → assignment lines for that matrix. */
  assigns: Record<string, AssignCase[]>;
}

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number literal written verbatim. */
class Lit {
  constructor(readonly text: string) {}
}

type Node = null | boolean | string | Lit | Node[] | { [key: string]: Node };

const UNICODE = ['é', 'ß', '日本', '𝄞', '😀', 'Ω', '\u00a0', 'ñ', '\u2028', 'a"b', 'back\\slash', 'tab\t', 'nl\n', '\u0001', 'Ünïcödé', 'ع'];
const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'JP', 'FR', 'BR', 'IN'];
const LANGS = ['en', 'de', 'ja', 'fr', 'pt'];
const EDGE_DOUBLES = [
  '0.0', '-0.0', '1.0', '0.1', '0.5', '1e-7', '1e-10', '1e-11', '5e-11', '-5e-11', '4.9999999999e-11', '5.0000001e-11', '1.5e-10',
  '2.5e-10', '0.00000000015', '0.00000000025', '0.12345678905', '0.12345678915', '0.99999999995', '9999999.99999999995',
  '9007199254740992.0', '9007199254740993.0', '18014398509481988.0', '26000000000000004.0', '2.6e16', '3.6028797018963972e16',
  '1e17', '123456789012345680.0', '2.9e17', '1e18', '9.223372036854776e18', '1e19', '1.2345678901234567e20', '1e21', '1e22',
  '1e23', '2e23', '8.41e21', '1.7976931348623157e308', '4.9e-324', '2.2250738585072014e-308', '1e300', '0.3333333333333333',
  '1234567.1234567', '100000.0', '1.23456789015E10', '-123.456', '3.14159', '2.718281828459045',
];
const EDGE_INTS = [
  '0', '-1', '1', '2147483647', '-2147483648', '2147483648', '9007199254740991', '9007199254740992', '9007199254740993',
  '-9007199254740993', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809',
  '123456789012345678901234567890', '18446744073709551616', '4294967296',
];

export function generateCorpus(seed: number, sizes: { definitions: number; builds: number; assignsPerBuild: number }): Corpus {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => r() < p;

  const word = (min = 1): string => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    let s = letters[int(26)];
    for (let i = int(8) + min - 1; i > 0; i--) s += pick(['_', ...letters, ...'0123456789']);
    return s;
  };
  const text = (): string => {
    let s = '';
    for (let i = int(4) + 1; i > 0; i--) s += chance(0.35) ? pick(UNICODE) : word();
    return s;
  };

  /** A double literal across magnitudes, edge values often. */
  const doubleLit = (): Lit => {
    if (chance(0.3)) return new Lit(pick(EDGE_DOUBLES));
    const exp = int(50) - 25;
    const mant = (r() * 10).toFixed(int(17) + 1);
    const sign = chance(0.2) ? '-' : '';
    const style = int(3);
    if (style === 0) return new Lit(`${sign}${mant}e${exp}`);
    const x = Number(`${mant}e${exp}`);
    if (style === 1) return new Lit(sign + (Number.isInteger(x) && Math.abs(x) < 1e21 ? x.toFixed(1) : String(x).replace('e+', 'e')));
    return new Lit(sign + String(r() * Math.pow(10, int(20) - 8)).replace('e+', 'e'));
  };
  const intLit = (): Lit => {
    if (chance(0.3)) return new Lit(pick(EDGE_INTS));
    const digits = int(22) + 1;
    let s = String(int(9) + 1);
    for (let i = 1; i < digits; i++) s += String(int(10));
    return new Lit((chance(0.3) ? '-' : '') + s);
  };
  const longLit = (): Lit => {
    // Within Java's long range (Proctor refuses longer ones).
    const candidates = ['0', '-1', '42', '9007199254740993', '9223372036854775807', '-9223372036854775808', '1234567890123456789'];
    if (chance(0.4)) return new Lit(pick(candidates));
    return new Lit(String(BigInt(Math.floor(r() * 2 ** 52)) * BigInt(int(2048) + 1) * (chance(0.3) ? -1n : 1n)));
  };

  const rawValue = (depth: number): Node => {
    const k = int(depth > 2 ? 5 : 8);
    switch (k) {
      case 0: return doubleLit();
      case 1: return intLit();
      case 2: return text();
      case 3: return chance(0.5);
      case 4: return null;
      case 5: return Array.from({ length: int(4) }, () => rawValue(depth + 1));
      default: {
        const o: Record<string, Node> = {};
        for (let i = int(4); i > 0; i--) o[chance(0.2) ? text() : word()] = rawValue(depth + 1);
        return o;
      }
    }
  };

  const payloadKinds = ['doubleValue', 'doubleArray', 'longValue', 'longArray', 'stringValue', 'stringArray', 'map', 'json'] as const;
  const payload = (kind: (typeof payloadKinds)[number]): Node => {
    switch (kind) {
      case 'doubleValue': return { doubleValue: doubleLit() };
      case 'doubleArray': return { doubleArray: Array.from({ length: int(4) }, doubleLit) };
      case 'longValue': return { longValue: longLit() };
      case 'longArray': return { longArray: Array.from({ length: int(4) }, longLit) };
      case 'stringValue': return { stringValue: text() };
      case 'stringArray': return { stringArray: Array.from({ length: int(4) }, text) };
      case 'map': {
        const m: Record<string, Node> = {};
        for (let i = int(4) + 1; i > 0; i--) m[word()] = rawValue(1);
        return { map: m };
      }
      default: return { json: chance(0.15) ? null : rawValue(0) };
    }
  };

  /** Range lengths that add up to about 1, written as doubles with many digits. */
  const lengths = (n: number): Lit[] => {
    const cuts = Array.from({ length: n - 1 }, () => r()).sort((a, b) => a - b);
    const out: Lit[] = [];
    let prev = 0;
    let sum = 0;
    for (const c of cuts) {
      const text = chance(0.3) ? (c - prev).toFixed(int(6) + 1) : String(c - prev);
      prev = c;
      sum += Number(text);
      out.push(new Lit(text));
    }
    out.push(new Lit(String(Math.max(0, 1 - sum))));
    if (out.length === 1) out[0] = new Lit(pick(['1', '1.0', '1.00', '0.99995', '1e0']));
    return out;
  };

  const rules = [null, '', '${country == \'US\'}', 'country == \'CA\'', '${lang == \'en\' && country != \'GB\'}', '${proctor:contains(__COUNTRIES, country)}', '${lang == "de"}', ' ${country == \'JP\'} '];

  const definition = (opts: { valid: boolean; testTypes: string[] }): Record<string, Node> => {
    const nBuckets = int(4) + 2;
    const buckets: Node[] = [];
    const values: number[] = [];
    const kind = chance(0.45) ? pick(payloadKinds) : null;
    for (let i = 0; i < nBuckets; i++) {
      const value = i - 1;
      values.push(value);
      const b: Record<string, Node> = { name: i === 0 ? 'inactive' : i === 1 ? 'control' : `${word()}${i}`, value: new Lit(String(value)) };
      if (chance(0.5)) b.description = text();
      if (kind) b.payload = payload(kind);
      buckets.push(b);
    }
    const allocations: Node[] = [];
    const nAlloc = int(3) + 1;
    for (let a = 0; a < nAlloc; a++) {
      const last = a === nAlloc - 1;
      const n = int(values.length) + 1;
      const ls = lengths(n);
      const ranges = ls.map((length, i) => ({ bucketValue: new Lit(String(values[(i + a) % values.length])), length }));
      const rule = last ? pick([null, '', null]) : pick(rules.filter((x) => x)) ;
      const alloc: Record<string, Node> = { rule, ranges };
      if (chance(0.7)) alloc.id = `#${String.fromCharCode(65 + a)}${int(3) + 1}`;
      if (chance(0.3)) alloc.name = text();
      allocations.push(alloc);
    }
    const d: Record<string, Node> = {
      version: chance(0.2) ? new Lit(String(int(1000))) : String(int(100000)),
      constants: {},
      specialConstants: chance(0.3) ? { __COUNTRIES: COUNTRIES.slice(0, int(4) + 1) } : {},
      salt: `&${word()}`,
      rule: chance(0.6) ? null : pick(rules),
      buckets,
      allocations,
      silent: chance(0.1),
      metaTags: chance(0.3) ? [word(), word()] : [],
      testType: pick(opts.testTypes),
      description: text(),
    };
    const constants = d.constants as Record<string, Node>;
    for (let i = int(5); i > 0; i--) constants[word()] = rawValue(0);
    if (chance(0.2)) d.evaluateForIncognitoUsers = true;
    if (chance(0.1)) d.forceLogging = true;
    if (chance(0.15)) d.payloadExperimentConfig = { priority: chance(0.5) ? String(int(100)) : null, namespaces: [word()] };
    if (!opts.valid) mutateValue(d);
    return d;
  };

  /** Lenient-reader inputs and values Proctor treats specially (one or two per definition). */
  const mutateValue = (d: Record<string, Node>): void => {
    const buckets = d.buckets as Array<Record<string, Node>>;
    const allocations = d.allocations as Array<Record<string, Node>>;
    switch (int(16)) {
      case 0: d.silent = new Lit(pick(['1', '0', '2', '-1'])); break;
      case 1: buckets[buckets.length - 1].value = new Lit(pick(['1.5', '2.9', '-0.5', '3e0', '1e1'])); break;
      case 2: ((allocations[0].ranges as Array<Record<string, Node>>)[0]).bucketValue = new Lit(pick(['1.5', '0.9', '-1.2'])); break;
      case 3: d.payloadExperimentConfig = pick<Node>([{ priority: '1', namespaces: null }, { priority: '1' }, { namespaces: [] }, { priority: null, namespaces: ['a', 'b'] }]); break;
      case 4: for (const b of buckets) b.payload = { json: null }; break;
      case 5: buckets[0].payload = { json: null }; for (const b of buckets.slice(1)) b.payload = { json: rawValue(1) }; break;
      case 6: (d.constants as Record<string, Node>).big = new Lit(pick(EDGE_INTS.slice(5))); break;
      case 7: for (const b of buckets) b.payload = { longValue: new Lit(pick(['9007199254740993', '-9223372036854775808', '9223372036854775807', '9223372036854775808', '12345678901234567890'])) }; break;
      case 8: buckets[0].value = new Lit(pick(['2147483648', '9007199254740993', '-2147483649'])); break;
      case 9: d.silent = pick(['true', 'false', 'yes']); break;
      case 10: d.version = pick([new Lit('1.50'), new Lit('1e3'), new Lit('12345678901234567890'), true]); break;
      case 11: for (const b of buckets) b.payload = { map: { n: new Lit(pick(EDGE_INTS)), d: doubleLit() } }; break;
      case 12: for (const b of buckets) b.payload = { doubleValue: new Lit(pick(EDGE_INTS)) }; break;
      case 13: ((allocations[0].ranges as Array<Record<string, Node>>)[0]).length = new Lit(pick(['5e-11', '-5e-11', '26000000000000004', '1e400', '"0.5"'])); break;
      case 14: d.dependsOn = { testName: word(), bucketValue: new Lit(pick(['1', '1.5', '0'])) }; break;
      default: d.evaluateForIncognitoUsers = new Lit(pick(['1', '0'])); break;
    }
  };

  const definitions: DefinitionCase[] = [];
  for (let i = 0; i < sizes.definitions; i++) {
    const d = definition({ valid: chance(0.55), testTypes: ['USER', 'ACCOUNT', 'EMAIL', 'PAGE', 'COMPANY', 'RANDOM', 'CUSTOM_TYPE'] });
    let body = chance(0.5) ? writePretty(d, 0) : writeCompact(d);
    switch (int(14)) {
      case 0: body = '\ufeff' + body; break;
      case 1: body += pick(['\n}', ' garbage', '{}', '\n// trailing comment', ' ]', '\n\n', ' 123']); break;
      case 2: body = '/* leading comment */\n' + body; break;
      default: break;
    }
    definitions.push({ key: `d${String(i).padStart(4, '0')}`, text: body });
  }

  const builds: BuildCase[] = [];
  const assigns: Record<string, AssignCase[]> = {};
  for (let b = 0; b < sizes.builds; b++) {
    const key = `b${String(b).padStart(3, '0')}`;
    const defs: Record<string, string> = {};
    const names: string[] = [];
    for (let i = int(6) + 2; i > 0; i--) {
      const name = `${word(3)}_${pick(['tst', 'test', 'exp'])}`;
      if (defs[name]) continue;
      const d = definition({ valid: !chance(0.04), testTypes: ['USER', 'ACCOUNT', 'EMAIL', 'COMPANY', 'PAGE'] });
      if (names.length > 0 && chance(0.15)) d.dependsOn = { testName: pick(names), bucketValue: new Lit('0') };
      names.push(name);
      defs[name] = chance(0.7) ? writePretty(d, 0) : writeCompact(d);
    }
    builds.push({ key, definitions: defs });
    assigns[key] = Array.from({ length: sizes.assignsPerBuild }, (_, i) => {
      const identifiers: Record<string, string> = {};
      for (const type of ['USER', 'ACCOUNT', 'EMAIL', 'COMPANY', 'PAGE']) if (chance(0.85)) identifiers[type] = chance(0.2) ? text() : word() + int(1e6);
      const context: Record<string, string | number> = { country: pick(COUNTRIES), lang: pick(LANGS) };
      return { key: `${key}.${i}`, identifiers, context };
    });
  }
  return { definitions, builds, assigns };
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function writeCompact(node: Node): string {
  if (node instanceof Lit) return node.text;
  if (node === null || typeof node !== 'object') return typeof node === 'string' ? quote(node) : String(node);
  if (Array.isArray(node)) return '[' + node.map(writeCompact).join(',') + ']';
  return '{' + Object.entries(node).map(([k, v]) => quote(k) + ':' + writeCompact(v)).join(',') + '}';
}

/** Jackson's pretty layout (so canonical files take lib/proctor's fast path too). */
function writePretty(node: Node, depth: number): string {
  if (node instanceof Lit) return node.text;
  if (node === null || typeof node !== 'object') return typeof node === 'string' ? quote(node) : String(node);
  if (Array.isArray(node)) return node.length === 0 ? '[ ]' : '[ ' + node.map((v) => writePretty(v, depth)).join(', ') + ' ]';
  const entries = Object.entries(node);
  if (entries.length === 0) return '{ }';
  const pad = '  '.repeat(depth + 1);
  return '{\n' + entries.map(([k, v]) => `${pad}${quote(k)} : ${writePretty(v, depth + 1)}`).join(',\n') + '\n' + '  '.repeat(depth) + '}';
}
