/**
 * Differential run of our rule language against recorded real-proctor output:
 *   npx tsx scripts/diff-rules.ts CASES.jsonl EXPECTED.jsonl [--show N]
 * Prints agreements and the differing lines grouped by generator (the case key's prefix).
 */
import { readFileSync } from 'node:fs';
import { ourRuleResult, proctorRuleResult } from '../test/support/real-proctor-rules';

const [casesFile, expectedFile] = process.argv.slice(2);
const showAt = process.argv.indexOf('--show');
const show = showAt > 0 ? Number(process.argv[showAt + 1]) : 5;
const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '');
const cases = lines(casesFile);
const expected = lines(expectedFile);
if (cases.length !== expected.length) throw new Error(`${cases.length} cases but ${expected.length} expected lines`);
let agree = 0;
const byGroup = new Map<string, string[]>();
cases.forEach((line, i) => {
  const ours = ourRuleResult(line);
  const theirs = proctorRuleResult(expected[i]);
  if (ours.outcome === theirs.outcome && ours.verifies === theirs.verifies) {
    agree++;
    return;
  }
  const key = String((JSON.parse(line) as { key?: string }).key ?? 'case').replace(/-\d+$/, '');
  const list = byGroup.get(key) ?? [];
  list.push(`${line}\n    ours ${JSON.stringify(ours)} proctor ${expected[i]}`);
  byGroup.set(key, list);
});
console.log(`cases ${cases.length}, agree ${agree}, differ ${cases.length - agree}`);
for (const [group, list] of byGroup) {
  console.log(`\n== ${group}: ${list.length}`);
  for (const item of list.slice(0, show)) console.log('  ' + item);
}
