/**
 * Rule language throughput: parse+evaluate (no cache), cached evaluateRule (LRU AST cache), and evaluation of a
 * pre-parsed AST, for a few typical Proctor rules. The baseline is a hand-written JS closure computing the same
 * boolean, measured in the same run; results are printed as ops/sec and as a ratio to that baseline.
 * Run: npx tsx bench/rules.ts
 */
import { pathToFileURL } from 'node:url';
import { evaluateAst, evaluateRule, parseRule } from '../lib/proctor/rules';

export interface RuleBenchResult {
  name: string;
  opsPerSec: number;
  /** ops/sec divided by the same rule's plain-JS baseline ops/sec (higher is better, 1 = as fast as the closure). */
  ratioToBaseline: number;
  iterations: number;
}

interface Case {
  name: string;
  rule: string;
  constants: Record<string, unknown>;
  context: Record<string, unknown>;
  baseline: (constants: Record<string, unknown>, context: Record<string, unknown>) => boolean;
}

const CASES: Case[] = [
  {
    name: 'lang == ENGLISH',
    rule: '${lang == ENGLISH}',
    constants: { ENGLISH: 'en' },
    context: { lang: 'en', country: 'US', loggedIn: true },
    baseline: (k, c) => c.lang === k.ENGLISH,
  },
  {
    name: 'contains(COUNTRIES, country) && loggedIn',
    rule: '${proctor:contains(__COUNTRIES, country) && loggedIn}',
    constants: { __COUNTRIES: ['US', 'CA', 'GB', 'FR', 'DE', 'JP'] },
    context: { lang: 'en', country: 'JP', loggedIn: true },
    baseline: (k, c) => (k.__COUNTRIES as string[]).includes(c.country as string) && c.loggedIn === true,
  },
  {
    name: 'userAgent.android && OS.majorVersion >= 5',
    rule: '${userAgent.android && userAgent.OS.majorVersion >= 5}',
    constants: {},
    context: { userAgent: { android: true, OS: { majorVersion: 9 } } },
    baseline: (_k, c) => {
      const ua = c.userAgent as { android: boolean; OS: { majorVersion: number } };
      return ua.android && ua.OS.majorVersion >= 5;
    },
  },
  {
    name: "(lang=='en' && country=='US') || country=='CA'",
    rule: "${(lang=='en' && country=='US') || country=='CA'}",
    constants: {},
    context: { lang: 'fr', country: 'CA' },
    baseline: (_k, c) => (c.lang === 'en' && c.country === 'US') || c.country === 'CA',
  },
];

function measure(fn: () => unknown, minMs = 200): { opsPerSec: number; iterations: number } {
  for (let i = 0; i < 2000; i++) fn(); // warm-up
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 1000; i++) fn();
    iterations += 1000;
    elapsed = performance.now() - start;
  }
  return { opsPerSec: (iterations / elapsed) * 1000, iterations };
}

export async function benchRules(): Promise<RuleBenchResult[]> {
  const results: RuleBenchResult[] = [];
  for (const c of CASES) {
    const options = { constants: c.constants, context: c.context };
    if (evaluateRule(c.rule, options) !== c.baseline(c.constants, c.context)) throw new Error(`bench case ${c.name} disagrees with its baseline`);
    let sink = false;
    const baseline = measure(() => (sink = c.baseline(c.constants, c.context) !== sink));
    const ast = parseRule(c.rule);
    const variants: Array<[string, () => unknown]> = [
      ['parse+evaluate', () => evaluateAst(parseRule(c.rule), options)],
      ['evaluateRule (cached AST)', () => evaluateRule(c.rule, options)],
      ['evaluate pre-parsed AST', () => evaluateAst(ast, options)],
    ];
    results.push({ name: `${c.name} [plain JS baseline]`, opsPerSec: baseline.opsPerSec, ratioToBaseline: 1, iterations: baseline.iterations });
    for (const [label, fn] of variants) {
      const m = measure(fn);
      results.push({ name: `${c.name} [${label}]`, opsPerSec: m.opsPerSec, ratioToBaseline: m.opsPerSec / baseline.opsPerSec, iterations: m.iterations });
    }
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchRules().then((results) => {
    for (const r of results) {
      console.log(`${r.name.padEnd(72)} ${Math.round(r.opsPerSec).toLocaleString('en-US').padStart(14)} ops/s  x${r.ratioToBaseline.toFixed(4)} of baseline`);
    }
  });
}
