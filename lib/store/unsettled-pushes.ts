/**
 * Commits pushed without an answer (table UnsettledPush, shared by every instance): the upstream may apply such a push
 * after its author was told it did not, or might not, land. A retry of the same change by the same author then meets
 * its own commit; the writer asks here and answers "saved" instead of a conflict with oneself (issue #22).
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { Environment } from './paths';

const KEEP_MS = 7 * 24 * 3_600_000;

export interface UnsettledPush {
  commit: string;
  branch: Environment;
  testName: string;
  /** The test's last-change revision the commit was built on (null: the test was absent there). */
  previousRevision: string | null;
  authorEmail: string;
}

export class UnsettledPushes {
  constructor(private readonly prisma: PrismaClient) {}

  async remember(push: UnsettledPush): Promise<void> {
    await this.prisma.unsettledPush.upsert({ where: { commit: push.commit }, create: push, update: {} });
    // A retry comes within minutes; a week-old entry is only clutter.
    await this.prisma.unsettledPush.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - KEEP_MS) } } });
  }

  /** The unanswered push of `commit` to this branch and test by this author, if there was one. */
  async find(commit: string, branch: Environment, testName: string, authorEmail: string): Promise<UnsettledPush | null> {
    const row = await this.prisma.unsettledPush.findUnique({ where: { commit } });
    if (!row || row.branch !== branch || row.testName !== testName || row.authorEmail !== authorEmail) return null;
    return { ...row, branch: row.branch as Environment };
  }

  /** The retry was answered: the push is settled. */
  async forget(commit: string): Promise<void> {
    await this.prisma.unsettledPush.deleteMany({ where: { commit } });
  }
}
