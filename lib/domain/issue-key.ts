/**
 * The one grammar of issue keys, shared by the save and promote checks, commit messages, both trackers and the
 * dialogs. JIRA's default project-key pattern: a capital letter, then capitals, digits or underscores (two characters
 * at least), a dash, and an issue number from 1 (JIRA never numbers an issue 0). A tracker may narrow the projects.
 *
 * Decisions where the old copies disagreed (test/unit/issue-key.test.ts): `MY_PROJ-12` is a key (JIRA allows `_` in
 * project keys); `PROTEST-0` and `PROTEST-007` are not (no issue 0, no leading zeros); `A-1` is not (project keys have
 * two characters at least); lower case is not a key, but callers that take typed input may upper-case it first.
 *
 * `parseIssueKey` is the edge of a use case: it trims, checks and returns an `IssueKey` the store trusts; a refusal is
 * ISSUE_INVALID with one detail at `/issueKey` (the JSON pointer of the request field).
 */
import { AppError } from '@/lib/errors';

export type IssueKey = string & { readonly __brand: 'IssueKey' };

export interface IssueKeyGrammar {
  /** Project keys the tracker accepts (e.g. PROCTOR_JIRA_PROJECTS); absent = any project. */
  projects?: readonly string[];
}

const PROJECT = '[A-Z][A-Z0-9_]+';
const NUMBER = '[1-9][0-9]*';
const MAX_LENGTH = 64;
const KEY = new RegExp(`^(${PROJECT})-(${NUMBER})$`);
/** The key in front of a commit message subject: `PROTEST-12: comment`. */
const LEADING_KEY = new RegExp(`^(${PROJECT}-${NUMBER})\\s*:`);

/** Human description of the form, for messages. */
export const ISSUE_KEY_FORM = 'PROJECT-123 in capitals, e.g. PROTEST-7';

/** Why `text` is not an issue key under `grammar`, or null when it is one. */
export function issueKeyProblem(text: string, grammar: IssueKeyGrammar = {}): string | null {
  if (text === '') return 'An issue key is required, e.g. PROTEST-7.';
  const match = text.length <= MAX_LENGTH ? KEY.exec(text) : null;
  if (!match) return `'${printable(text)}' is not an issue key: use the form ${ISSUE_KEY_FORM}.`;
  if (grammar.projects && grammar.projects.length > 0 && !grammar.projects.includes(match[1])) {
    return `${text} is not in ${grammar.projects.length === 1 ? 'project' : 'one of the projects'} ${grammar.projects.join(', ')}.`;
  }
  return null;
}

export function isIssueKey(text: unknown, grammar: IssueKeyGrammar = {}): text is IssueKey {
  return typeof text === 'string' && issueKeyProblem(text, grammar) === null;
}

/** The trimmed key when it is one under `grammar`; ISSUE_INVALID naming the expected form otherwise. */
export function parseIssueKey(value: unknown, grammar: IssueKeyGrammar = {}, field = 'issueKey'): IssueKey {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  const problem = issueKeyProblem(trimmed, grammar);
  if (problem) throw new AppError('ISSUE_INVALID', problem, { details: [{ path: `/${field}`, message: trimmed ? 'is not an issue key' : 'is required' }] });
  return trimmed as IssueKey;
}

/** The issue key a commit message starts with, if any. */
export function leadingIssueKey(message: string): IssueKey | null {
  return (LEADING_KEY.exec(message)?.[1] as IssueKey | undefined) ?? null;
}

/** Control characters shown as code points, long input cut, so a refusal never echoes something unreadable. */
function printable(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return shown.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
