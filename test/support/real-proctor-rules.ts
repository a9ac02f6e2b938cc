/**
 * Runs one `real-proctor rules` input line through our rule language, for the fixture test and the differential
 * script: evaluateRule (true / false / error) and verifyRule without a provided context (the harness's
 * RuleVerifyUtils.verifyRule with constants only).
 */
import { parseJson } from '../../lib/proctor/json';
import { evaluateRule, verifyRule } from '../../lib/proctor/rules/index';

export type RuleOutcome = true | false | 'error';

export interface RuleCaseResult {
  outcome: RuleOutcome;
  verifies: boolean;
}

interface RuleCase {
  rule?: string | null;
  context?: Record<string, unknown>;
  constants?: Record<string, unknown>;
}

/** Reads a case line with the project's JSON reader, so `5` (Integer) and `5.0` (Double) stay apart. */
export function ourRuleResult(line: string): RuleCaseResult {
  const c = parseJson(line).value as RuleCase;
  const rule = c.rule ?? null;
  const constants = c.constants ?? {};
  let outcome: RuleOutcome;
  try {
    outcome = evaluateRule(rule, { context: c.context ?? {}, constants });
  } catch {
    outcome = 'error';
  }
  let verifies: boolean;
  try {
    verifies = verifyRule(rule, undefined, constants).length === 0;
  } catch {
    verifies = false;
  }
  return { outcome, verifies };
}

/** The same fields from a `real-proctor rules` output line. */
export function proctorRuleResult(line: string): RuleCaseResult {
  const r = JSON.parse(line) as { result?: boolean; error?: string; verifies: boolean };
  return { outcome: 'error' in r ? 'error' : (r.result as boolean), verifies: r.verifies };
}
