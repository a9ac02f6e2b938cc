/** The JQL the typeahead sends. Text is quoted and stripped of Lucene operators JIRA would reject in `~` clauses. */

export function quoteJql(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// Characters JIRA's text search reserves; a query containing them fails with 400 instead of matching.
const RESERVED = /[+\-&|!(){}[\]^~*?\\:"'/]/g;

export function textSearchTerm(query: string): string {
  return query.replace(RESERVED, ' ').replace(/\s+/g, ' ').trim();
}

/** Issues of the ProTest type in the configured projects whose summary matches `query` (prefix search), newest first. */
export function buildIssueSearchJql(input: { query: string; projects: string[]; issueType: string}): string {
  const clauses: string[] = [];
  if (input.projects.length > 0) clauses.push(`project in (${input.projects.map(quoteJql).join(', ')})`);
  clauses.push(`issuetype = ${quoteJql(input.issueType)}`);
  const term = textSearchTerm(input.query);
  // An exact key is looked up directly instead: `key = X` fails the whole query with 400 when X does not exist.
  if (term) clauses.push(`summary ~ ${quoteJql(`${term}*`)}`);
  return `${clauses.join(' AND ')} ORDER BY updated DESC`;
}
