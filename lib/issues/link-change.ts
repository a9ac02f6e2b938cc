/**
 * Records that a test definition change was made under an issue, and writes the comment the issue gets about it.
 * IssueLink is not a foreign key to Issue: the key may belong to JIRA.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';

export type ChangeLinkKind = 'commit' | 'promotion';

export interface ChangeLink {
  issueKey: string;
  testName: string;
  revision: string;
  /** Environment the revision was written to: trunk, qa or production. */
  env: string;
  kind: ChangeLinkKind;
}

/** Idempotent: recording the same change twice keeps one link. */
export async function linkChange(prisma: PrismaClient, link: ChangeLink): Promise<void> {
  await prisma.issueLink.upsert({
    where: { issueKey_testName_revision_env_kind: link },
    create: link,
    update: {},
  });
}

export function testRevisionUrl(publicUrl: string, testName: string, revision: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/tests/${encodeURIComponent(testName)}?revision=${encodeURIComponent(revision)}`;
}

/** E.g. "erin committed test definition 'example_tst' to trunk as revision 1a2b3c4d5e6f.\nhttp://…/tests/example_tst?revision=…" */
export function buildChangeComment(input: ChangeLink & { actor: string; publicUrl: string }): string {
  const verb = input.kind === 'promotion' ? 'promoted' : 'committed';
  const short = input.revision.slice(0, 12);
  return `${input.actor} ${verb} test definition '${input.testName}' to ${input.env} as revision ${short}.\n${testRevisionUrl(input.publicUrl, input.testName, input.revision)}`;
}
