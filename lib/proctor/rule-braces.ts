/** Character.isWhitespace-style trim (Java trims Unicode whitespace categories too; ASCII + common spaces suffice). */
function trimJava(text: string): string {
  return text.replace(/^[\s\u001c-\u001f]+|[\s\u001c-\u001f]+$/g, '');
}

/**
 * Proctor's ProctorUtils.removeElExpressionBraces: blank → null; trim; strip one `${ … }` level; trim again; empty → null.
 * `" ${ a } "` → `"a"`, `"${${x}}"` → `"${x}"`, `"${lang == 'en'"` stays unchanged.
 */
export function normalizeRule(rule: string | null | undefined): string | null {
  if (rule == null) return null;
  let text = trimJava(rule);
  if (text === '') return null;
  if (text.startsWith('${') && text.endsWith('}')) {
    text = trimJava(text.slice(2, -1));
  }
  return text === '' ? null : text;
}

/** Proctor's isEmptyElExpression: `null`, `""`, `"${}"`, `" ${ } "`, `"\t"` are all empty. */
export function isEmptyRule(rule: string | null | undefined): boolean {
  return normalizeRule(rule) === null;
}

/**
 * Wraps an allocation rule the way ConsumableTestDefinition.fromTestDefinition does (FACTS §1.4 step 4): blank → null;
 * `x` or `${ x }` → `${x}`; a rule whose inner text is itself `${…}` (e.g. `${${x}}`) is left exactly as it was.
 */
export function wrapRule(rule: string | null | undefined): string | null {
  const raw = normalizeRule(rule);
  if (raw === null) return null;
  return raw.startsWith('${') && raw.endsWith('}') ? (rule as string) : '${' + raw + '}';
}
