/**
 * Commit messages are the durable record of a change: `<ISSUE-KEY>: <comment>` then git trailers naming the change,
 * so anyone reading `git log` (and our indexer) can tell what happened without Proctor Studio.
 */
import { isIssueKey, leadingIssueKey } from '@/lib/domain/issue-key';
import type { Environment } from './paths';

export type ChangeKind = 'create' | 'update' | 'delete' | 'promote' | 'revert' | 'unknown';

export interface ChangeRecord {
  kind: ChangeKind;
  testName: string;
  issueKey: string;
  /** The user's comment (first line of the message after the issue key). */
  comment: string;
  /** revert: the revision restored. promote: the source revision. */
  sourceRevision?: string;
  sourceBranch?: Environment;
}

// FACTS §6.4: `Promoting {test} ({src} r{rev}) to {dest}`.
const PROMOTING = /^Promoting (\w+) \((\w+) r([0-9a-fA-F]+|\d+)\) to (\w+)/;
const TRAILER = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function buildTrailers(change: ChangeRecord): string {
  const lines = [`Proctor-Test: ${change.testName}`, `Proctor-Change: ${change.kind}`, `Proctor-Issue: ${change.issueKey}`];
  if (change.sourceBranch) lines.push(`Proctor-Source-Branch: ${change.sourceBranch}`);
  if (change.sourceRevision) lines.push(`Proctor-Source-Revision: ${change.sourceRevision}`);
  return lines.join('\n');
}

/** `PROTEST-1: comment` + blank line + trailers. */
export function buildCommitMessage(change: ChangeRecord): string {
  return `${change.issueKey}: ${oneLine(change.comment)}\n\n${buildTrailers(change)}\n`;
}

/** Removes our trailer block from a message (used when quoting a source message in a promotion). */
export function stripTrailers(message: string): string {
  const paragraphs = message.replace(/\s+$/, '').split(/\n\n/);
  const last = paragraphs[paragraphs.length - 1];
  if (paragraphs.length > 1 && last.split('\n').every((line) => TRAILER.test(line))) paragraphs.pop();
  return paragraphs.join('\n\n').trim();
}

/**
 * FACTS §6.4: `Promoting {test} ({src} r{rev}) to {dest}` + blank line + the source message with "+review" replaced
 * by "_review"; we put the promotion's issue key in front of the quoted message when it does not already start with it.
 */
export function buildPromotionMessage(
  change: ChangeRecord & { targetBranch: Environment; sourceRevision: string; sourceBranch: Environment },
  sourceMessage: string,
): string {
  const quoted = stripTrailers(sourceMessage).replaceAll('+review', '_review');
  const body = quoted.startsWith(`${change.issueKey}:`) ? quoted : `${change.issueKey}: ${quoted || oneLine(change.comment)}`;
  const subject = `Promoting ${change.testName} (${change.sourceBranch} r${change.sourceRevision}) to ${change.targetBranch}`;
  return `${subject}\n\n${body}\n\n${buildTrailers(change)}\n`;
}

export interface ParsedCommitMessage {
  kind?: ChangeKind;
  testName?: string;
  issueKey?: string;
  sourceRevision?: string;
  sourceBranch?: string;
}

/** Reads our trailers, or recognises Proctor's own promotion messages and a leading issue key in foreign commits. */
export function parseCommitMessage(message: string): ParsedCommitMessage {
  const result: ParsedCommitMessage = {};
  const trailers = new Map<string, string>();
  for (const line of message.split('\n')) {
    const m = TRAILER.exec(line);
    if (m && m[1].startsWith('Proctor-')) trailers.set(m[1], m[2].trim());
  }
  const kind = trailers.get('Proctor-Change');
  if (kind && ['create', 'update', 'delete', 'promote', 'revert', 'unknown'].includes(kind)) result.kind = kind as ChangeKind;
  if (trailers.has('Proctor-Test')) result.testName = trailers.get('Proctor-Test');
  if (trailers.has('Proctor-Source-Revision')) result.sourceRevision = trailers.get('Proctor-Source-Revision');
  if (trailers.has('Proctor-Source-Branch')) result.sourceBranch = trailers.get('Proctor-Source-Branch');
  const issue = trailers.get('Proctor-Issue');
  if (isIssueKey(issue)) result.issueKey = issue;

  const lines = message.split('\n');
  const promoting = PROMOTING.exec(lines[0] ?? '');
  if (promoting) {
    result.kind ??= 'promote';
    result.testName ??= promoting[1];
    result.sourceBranch ??= promoting[2];
    result.sourceRevision ??= promoting[3];
    if (!result.issueKey) {
      const quoted = lines.slice(1).find((line) => line.trim() !== '');
      const key = quoted ? leadingIssueKey(quoted.trim()) : null;
      if (key) result.issueKey = key;
    }
  }
  if (!result.issueKey) {
    const key = leadingIssueKey(lines[0] ?? '');
    if (key) result.issueKey = key;
  }
  return result;
}
