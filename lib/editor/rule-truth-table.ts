/**
 * The rule helper's truth table: the test rule and every allocation rule evaluated, exactly as Proctor evaluates them
 * (consumable form: `${}`-wrapped, `__COUNTRIES` folded into the test rule, constants shadowing context), against
 * sample contexts the user types, so a precedence mistake shows before saving.
 */
import { evaluateRule, toConsumable, type TestDefinition } from '../proctor';

export type RuleOutcome = { value: boolean } | { error: string };

export interface TruthTableRow {
  context: Record<string, unknown>;
  testRule: RuleOutcome;
  allocations: RuleOutcome[];
  /** Index of the allocation the user falls into (first matching, only if the test rule passes); null = no bucket. */
  chosen: number | null;
}

/**
 * `lang=en, country=US, loggedIn=true, age=30`: values that read as JSON (numbers, booleans, quoted strings, null)
 * take that type; anything else is a string.
 */
export function parseSampleContext(text: string): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const part of text.split(/[,;\n]/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    if (key === '') continue;
    let value: unknown = raw;
    if (/^(true|false|null|-?\d+(\.\d+)?|".*")$/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    context[key] = value;
  }
  return context;
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
