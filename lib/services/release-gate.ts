/**
 * The release gate of issue #16 — the one home of "who verified what": QA's verification bound to the exact definition
 * blob live in qa, separation of duties (the verifier authored none of the issue's changes, unless an admin waived it),
 * and whether a production promotion promotes what QA verified. Our own records come first; a verification done in the
 * tracker itself (JIRA lets people take any transition) is read from the tracker's changelog, with the blob that was
 * live in qa at that moment, and checked the same way.
 */
import type { Actor } from '@/lib/auth/actor';
import { DEFAULT_WORKFLOW_RULES, type WorkflowRules } from '@/lib/issues/workflow';
import { gitBlobOid } from '@/lib/store';
import type { TestName } from '@/lib/domain/test-name';
import type { ServiceDeps } from './service-deps';

export interface VerifiedTest {
  testName: string;
  /** The test's last-change revision on qa when it was verified. */
  revision: string;
  /** git blob id of its definition.json there. */
  blob: string;
}

export interface Verification {
  by: string;
  at: Date;
  env: 'qa';
  tests: VerifiedTest[];
  waivedSeparation?: { by: string; reason: string };
  /** 'record' = verified through Proctor Studio; 'tracker' = read from the tracker's changelog. */
  source: 'record' | 'tracker';
}

/** A tracker's clock and ours may differ a little; a tracker change this much newer than our record is a new one. */
const CLOCK_SKEW_MS = 5 * 60_000;

export function rulesOf(deps: Pick<ServiceDeps, 'rules'>): WorkflowRules {
  return deps.rules ?? DEFAULT_WORKFLOW_RULES;
}

export function blobOfText(text: string): string {
  return gitBlobOid(Buffer.from(text, 'utf8'));
}

/** Tests with a change linked to the issue (our link log and the history index), sorted. */
export async function issueTests(deps: ServiceDeps, issueKey: string): Promise<string[]> {
  const [links, indexed] = await Promise.all([
    deps.prisma.issueLink.findMany({ where: { issueKey }, select: { testName: true } }),
    deps.prisma.historyEntry.findMany({ where: { issueKey }, select: { testName: true }, distinct: ['testName'] }),
  ]);
  return [...new Set([...links, ...indexed].map((l) => l.testName))].sort();
}

export interface ChangeAuthor {
  name: string;
  email: string;
}

/** Authors of the trunk commits linked to the issue (recorded links, and commits naming the issue in their message). */
export async function issueAuthors(deps: ServiceDeps, issueKey: string): Promise<ChangeAuthor[]> {
  const links = await deps.prisma.issueLink.findMany({ where: { issueKey, kind: 'commit' }, select: { testName: true, revision: true } });
  const revisions = new Set(links.map((l) => l.revision));
  const authors = new Map<string, ChangeAuthor>();
  for (const testName of await issueTests(deps, issueKey)) {
    const { entries } = await deps.store.history(testName as TestName, 'trunk', { limit: 1000 });
    for (const entry of entries) {
      if (entry.changeKind === 'promote' || !(revisions.has(entry.revision) || entry.issueKey === issueKey)) continue;
      authors.set(`${entry.authorName}<${entry.authorEmail}>`, { name: entry.authorName, email: entry.authorEmail });
    }
  }
  return [...authors.values()];
}

/** Whether `person` (a username, e-mail or display name, as a tracker names people) is one of `authors`. */
export function isAuthor(authors: ChangeAuthor[], person: { username: string; email?: string | null; displayName?: string | null }): boolean {
  const low = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();
  const names = new Set([low(person.username), low(person.email), low(person.username.split('@')[0])].filter(Boolean));
  return authors.some(
    (a) => names.has(low(a.email)) || names.has(low(a.email.split('@')[0])) || (!!person.displayName && low(a.name) === low(person.displayName)),
  );
}

export async function latestWaiver(deps: ServiceDeps, issueKey: string): Promise<{ by: string; reason: string; at: Date } | null> {
  const row = await deps.prisma.separationWaiver.findFirst({ where: { issueKey }, orderBy: { id: 'desc' } });
  return row ? { by: row.waivedBy, reason: row.reason, at: row.at } : null;
}

/** Per test of the issue, what is live in qa now (tests absent from qa are left out). */
export async function liveInQa(deps: ServiceDeps, issueKey: string): Promise<VerifiedTest[]> {
  const tests: VerifiedTest[] = [];
  for (const testName of await issueTests(deps, issueKey)) {
    const read = await deps.store.readDefinition(testName as TestName, { branch: 'qa' });
    if (read?.definition) tests.push({ testName, revision: read.revision, blob: blobOfText(read.text) });
  }
  return tests;
}

/** What was live in qa at `at`, per test of the issue: the newest qa change at or before it. */
async function qaAt(deps: ServiceDeps, issueKey: string, at: Date): Promise<VerifiedTest[]> {
  const tests: VerifiedTest[] = [];
  for (const testName of await issueTests(deps, issueKey)) {
    const { entries } = await deps.store.history(testName as TestName, 'qa', { limit: 1000 });
    const entry = entries.find((e) => new Date(e.committedAt).getTime() <= at.getTime());
    if (!entry || entry.changeKind === 'delete') continue;
    const read = await deps.store.readDefinition(testName as TestName, { revision: entry.revision as never });
    if (read?.definition) tests.push({ testName, revision: read.revision, blob: blobOfText(read.text) });
  }
  return tests;
}

/**
 * The issue's current QA verification (In QA → Production Ready), or null. Our newest record, unless the tracker shows
 * a newer verification (done in JIRA directly): then that one, with what qa held at the time.
 */
export async function currentVerification(deps: ServiceDeps, issueKey: string): Promise<Verification | null> {
  const rule = rulesOf(deps).verification.qa;
  const record = await deps.prisma.issueVerification.findFirst({ where: { issueKey, env: 'qa' }, orderBy: { id: 'desc' }, include: { tests: { orderBy: { testName: 'asc' } } } });
  const history = deps.tracker.statusHistory ? await deps.tracker.statusHistory(issueKey) : [];
  const fromTracker = [...history].reverse().find((change) => change.from === rule.from && change.to === rule.to);
  if (record && (!fromTracker || fromTracker.at.getTime() <= record.verifiedAt.getTime() + CLOCK_SKEW_MS)) {
    return {
      by: record.verifiedBy,
      at: record.verifiedAt,
      env: 'qa',
      tests: record.tests.map(({ testName, revision, blob }) => ({ testName, revision, blob })),
      ...(record.waivedBy ? { waivedSeparation: { by: record.waivedBy, reason: record.waiverReason ?? '' } } : {}),
      source: 'record',
    };
  }
  if (!fromTracker) return null;
  const waiver = await latestWaiver(deps, issueKey);
  return { by: fromTracker.by, at: fromTracker.at, env: 'qa', tests: await qaAt(deps, issueKey, fromTracker.at), ...(waiver ? { waivedSeparation: { by: waiver.by, reason: waiver.reason } } : {}), source: 'tracker' };
}

/**
 * The separation-of-duties refusal for `person` verifying `issueKey`, or null when they may. The message names the
 * rule and the fixes.
 */
export async function separationRefusal(
  deps: ServiceDeps,
  issueKey: string,
  person: { username: string; email?: string | null; displayName?: string | null },
): Promise<{ code: 'SEPARATION_OF_DUTIES'; message: string } | null> {
  if (!rulesOf(deps).separationOfDuties) return null;
  if (!isAuthor(await issueAuthors(deps, issueKey), person)) return null;
  if (await latestWaiver(deps, issueKey)) return null;
  return {
    code: 'SEPARATION_OF_DUTIES',
    message: `Separation of duties: ${person.username} authored a change linked to ${issueKey}, so ${person.username} cannot verify it. Ask a QA analyst who did not work on it to verify, or an admin can waive the rule for this issue with a reason.`,
  };
}

export function actorPerson(actor: Actor) {
  return { username: actor.username, email: actor.email, displayName: actor.displayName };
}
