/**
 * The rule helper's truth table: the test rule and every allocation rule evaluated, exactly as Proctor evaluates them
 * (consumable form: `${}`-wrapped, `__COUNTRIES` folded into the test rule, constants shadowing context), against
 * sample contexts the user types, so a precedence mistake shows before saving.
 */
import { parseContextText } from '../domain/context-text';
import { evaluateRule, toConsumable, type TestDefinition } from '../proctor';

export type RuleOutcome = { value: boolean } | { error: string };

export interface TruthTableRow {
  context: Record<string, unknown>;
  testRule: RuleOutcome;
  allocations: RuleOutcome[];
  /** Index of the allocation the user falls into (first matching, only if the test rule passes); null = no bucket. */
  chosen: number | null;
}

/** One sample line (`lang=en, country=US` or a JSON object) as a context; a line that does not read gives {}. */
export function parseSampleContext(text: string): Record<string, unknown> {
  const parsed = parseContextText(text);
  return parsed.ok ? parsed.context : {};
}

function outcome(rule: string | null, constants: Record<string, unknown>, context: Record<string, unknown>): RuleOutcome {
  try {
    return { value: evaluateRule(rule, { constants, context }) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function buildTruthTable(definition: TestDefinition, contexts: Record<string, unknown>[]): TruthTableRow[] {
  const consumable = toConsumable(definition);
  const constants = consumable.constants as Record<string, unknown>;
  return contexts.map((context) => {
    const testRule = outcome(consumable.rule, constants, context);
    const allocations = consumable.allocations.map((a) => outcome(a.rule, constants, context));
    let chosen: number | null = null;
    if ('value' in testRule && testRule.value) {
      const index = allocations.findIndex((o) => 'value' in o && o.value);
      chosen = index < 0 ? null : index;
    }
    return { context, testRule, allocations, chosen };
  });
}

export type AdmissionChange = 'admitted' | 'refused' | 'moved' | 'same';

export interface AdmissionRow {
  /** Allocation index before and after the edit (null = not in the test). */
  before: number | null;
  after: number | null;
  change: AdmissionChange;
}

/**
 * "What this change admits": the saved definition and the edited one on the same sample contexts. `admitted` = the
 * saved rules kept the context out of the test and the edited ones let it in, `refused` the reverse, `moved` = in the
 * test both times but under another allocation (so possibly another bucket).
 */
export function compareAdmission(saved: TestDefinition, edited: TestDefinition, contexts: Record<string, unknown>[]): AdmissionRow[] {
  const before = buildTruthTable(saved, contexts);
  const after = buildTruthTable(edited, contexts);
  return contexts.map((_, i) => {
    const b = before[i].chosen;
    const a = after[i].chosen;
    const change: AdmissionChange = b === null && a !== null ? 'admitted' : b !== null && a === null ? 'refused' : b !== a ? 'moved' : 'same';
    return { before: b, after: a, change };
  });
}
