-- AlterEnum
ALTER TYPE "AuditOutcome" ADD VALUE 'unknown';

-- CreateTable
CREATE TABLE "UnsettledPush" (
    "commit" TEXT NOT NULL,
    "branch" TEXT NOT NULL,
    "testName" TEXT NOT NULL,
    "previousRevision" TEXT,
    "authorEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UnsettledPush_pkey" PRIMARY KEY ("commit")
);
