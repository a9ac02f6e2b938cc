/**
 * The slice of JQL the fake JIRA understands: AND/OR/NOT with parentheses; `field = "v"`, `!=`, `in ("a", "b")`,
 * `not in`, `~ "text*"`; fields project, issuetype (type), status, key (issuekey), summary, text; ORDER BY
 * <field> [ASC|DESC]. Anything else is a 400 with JIRA's "Error in the JQL Query" body, like the real thing.
 */
export interface JqlIssue {
  key: string;
  project: string;
  type: string;
  status: string;
  summary: string;
  description: string;
  updated: number;
  created: number;
}

export class JqlError extends Error {}

type Token = { kind: 'word' | 'string' | 'op' | 'paren' | 'comma'; value: string };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < jql.length && jql[i] !== c) {
        if (jql[i] === '\\' && i + 1 < jql.length) i++;
        value += jql[i++];
      }
      if (i >= jql.length) throw new JqlError(`Error in the JQL Query: The quoted string '${value}' has not been completed.`);
      i++;
      tokens.push({ kind: 'string', value });
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', value: c });
      i++;
    } else if (c === ',') {
      tokens.push({ kind: 'comma', value: c });
      i++;
    } else if (jql.startsWith('!=', i) || jql.startsWith('!~', i)) {
      tokens.push({ kind: 'op', value: jql.slice(i, i + 2) });
      i += 2;
    } else if (c === '=' || c === '~') {
      tokens.push({ kind: 'op', value: c });
      i++;
    } else {
      const m = /^[^\s()",=~!']+/.exec(jql.slice(i));
      if (!m) throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character.`);
      tokens.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

type Predicate = (issue: JqlIssue) => boolean;

const FIELDS: Record<string, (issue: JqlIssue) => string> = {
  project: (i) => i.project,
  issuetype: (i) => i.type,
  type: (i) => i.type,
  status: (i) => i.status,
  key: (i) => i.key,
  issuekey: (i) => i.key,
  summary: (i) => i.summary,
  text: (i) => `${i.summary} ${i.description}`,
};

/** JIRA's `~` is a word search; a trailing * makes the last word a prefix. Case-insensitive. */
function textMatches(haystack: string, query: string): boolean {
  const words = haystack.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) throw new JqlError('Error in the JQL Query: The text query is empty.');
  return terms.every((term) => {
    const prefix = term.endsWith('*');
    const t = term.replace(/\*+$/, '').replace(/[^\p{L}\p{N}]+/gu, '');
    if (!t) return true;
    return words.some((w) => (prefix ? w.startsWith(t) : w === t));
  });
}

export interface ParsedJql {
  where: Predicate;
  order: { field: string; descending: boolean } | null;
}

export function parseJql(jql: string): ParsedJql {
  const tokens = tokenize(jql);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.value.toLowerCase() === w;

  function value(): string {
    const t = tokens[pos++];
    if (!t || (t.kind !== 'word' && t.kind !== 'string')) throw new JqlError('Error in the JQL Query: Expecting a value.');
    return t.value;
  }

  function clause(): Predicate {
    const t = peek();
    if (t?.kind === 'paren' && t.value === '(') {
      pos++;
      const inner = or();
      if (peek()?.value !== ')') throw new JqlError("Error in the JQL Query: Expecting ')'.");
      pos++;
      return inner;
    }
    if (isWord(t, 'not')) {
      pos++;
      const inner = clause();
      return (issue) => !inner(issue);
    }
    if (!t || t.kind !== 'word') throw new JqlError('Error in the JQL Query: Expecting a field name.');
    const field = t.value.toLowerCase();
    const get = FIELDS[field];
    if (!get) throw new JqlError(`Field '${t.value}' does not exist or you do not have permission to view it.`);
    pos++;
    let negate = false;
    if (isWord(peek(), 'not')) {
      negate = true;
      pos++;
    }
    const op = peek();
    if (isWord(op, 'in')) {
      pos++;
      if (peek()?.value !== '(') throw new JqlError("Error in the JQL Query: Expecting '(' after 'in'.");
      pos++;
      const values: string[] = [];
      while (peek() && peek().value !== ')') {
        values.push(value().toLowerCase());
        if (peek()?.kind === 'comma') pos++;
      }
      pos++;
      return (issue) => values.includes(get(issue).toLowerCase()) !== negate;
    }
    if (op?.kind !== 'op') throw new JqlError(`Error in the JQL Query: Expecting operator but got '${op?.value ?? 'end of query'}'.`);
    pos++;
    const v = value();
    switch (op.value) {
      case '=':
        return (issue) => get(issue).toLowerCase() === v.toLowerCase();
      case '!=':
        return (issue) => get(issue).toLowerCase() !== v.toLowerCase();
      case '~':
        if (field !== 'summary' && field !== 'text') throw new JqlError(`The operator '~' is not supported by the '${t.value}' field.`);
        return (issue) => textMatches(get(issue), v);
      case '!~':
        if (field !== 'summary' && field !== 'text') throw new JqlError(`The operator '!~' is not supported by the '${t.value}' field.`);
        return (issue) => !textMatches(get(issue), v);
      default:
        throw new JqlError(`Error in the JQL Query: unknown operator '${op.value}'.`);
    }
  }

  function and(): Predicate {
    let left = clause();
    while (isWord(peek(), 'and')) {
      pos++;
      const right = clause();
      const l = left;
      left = (issue) => l(issue) && right(issue);
    }
    return left;
  }

  function or(): Predicate {
    let left = and();
    while (isWord(peek(), 'or')) {
      pos++;
      const right = and();
      const l = left;
      left = (issue) => l(issue) || right(issue);
    }
    return left;
  }

  let where: Predicate = () => true;
  if (tokens.length > 0 && !isWord(peek(), 'order')) where = or();
  let order: ParsedJql['order'] = null;
  if (isWord(peek(), 'order')) {
    pos++;
    if (!isWord(peek(), 'by')) throw new JqlError("Error in the JQL Query: Expecting 'by' after 'order'.");
    pos++;
    const field = value().toLowerCase();
    let descending = false;
    if (isWord(peek(), 'desc') || isWord(peek(), 'asc')) descending = tokens[pos++].value.toLowerCase() === 'desc';
    order = { field, descending };
  }
  if (pos < tokens.length) throw new JqlError(`Error in the JQL Query: Expecting end of query but got '${tokens[pos].value}'.`);
  return { where, order };
}
