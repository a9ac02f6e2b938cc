/**
 * Why a rule failed for a context, in words. Proctor answers a variable missing from the context with EL's own
 * exception ("ELResolver cannot handle a null base Object with identifier [lang]"), and the test gets no bucket; people
 * need to hear which variable to add. Pure: the server and the browser share it.
 */
import { collectIdentifiers, parseRule, RuleSyntaxError } from '../proctor/rules';

/** Variables the rules use that neither the constants nor the context define (Proctor injects missingExperimentalUnit). */
export function missingRuleVariables(rules: Array<string | null | undefined>, context: Record<string, unknown>, constants: Record<string, unknown> = {}): string[] {
  const missing = new Set<string>();
  for (const rule of rules) {
    if (!rule || rule.trim() === '') continue;
    let names: string[];
    try {
      names = collectIdentifiers(parseRule(rule));
    } catch (e) {
      if (e instanceof RuleSyntaxError) continue;
      throw e;
    }
    for (const name of names) {
      if (name !== 'missingExperimentalUnit' && !Object.hasOwn(constants, name) && !Object.hasOwn(context, name)) missing.add(name);
    }
  }
  return [...missing];
}

const list = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/** "The rules use lang, which the context does not give: …" for the missing variables. */
export function explainMissingVariables(missing: string[]): string {
  const example = missing.map((name) => `${name}=…`).join(', ');
  return `The rules use ${list(missing)}, which the context does not give. Proctor cannot evaluate a rule with a missing variable, so the application would get no bucket for this test (its fallback). Add ${missing.length === 1 ? 'it' : 'them'} to the context (e.g. ${example}) to see the bucket.`;
}
