-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'qa' BEFORE 'editor';

-- CreateTable
CREATE TABLE "IssueVerification" (
    "id" SERIAL NOT NULL,
    "issueKey" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "verifiedBy" TEXT NOT NULL,
    "verifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "comment" TEXT NOT NULL DEFAULT '',
    "waivedBy" TEXT,
    "waiverReason" TEXT,

    CONSTRAINT "IssueVerification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VerifiedDefinition" (
    "id" SERIAL NOT NULL,
    "verificationId" INTEGER NOT NULL,
    "testName" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "blob" TEXT NOT NULL,

    CONSTRAINT "VerifiedDefinition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SeparationWaiver" (
    "id" SERIAL NOT NULL,
    "issueKey" TEXT NOT NULL,
    "waivedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SeparationWaiver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromotionOverride" (
    "id" SERIAL NOT NULL,
    "issueKey" TEXT NOT NULL,
    "testName" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "promotedRevision" TEXT NOT NULL,
    "by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromotionOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PendingTransition" (
    "issueKey" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "testName" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingTransition_pkey" PRIMARY KEY ("issueKey")
);

-- CreateIndex
CREATE INDEX "IssueVerification_issueKey_verifiedAt_idx" ON "IssueVerification"("issueKey", "verifiedAt");

-- CreateIndex
CREATE UNIQUE INDEX "VerifiedDefinition_verificationId_testName_key" ON "VerifiedDefinition"("verificationId", "testName");

-- CreateIndex
CREATE INDEX "SeparationWaiver_issueKey_at_idx" ON "SeparationWaiver"("issueKey", "at");

-- CreateIndex
CREATE INDEX "PromotionOverride_issueKey_at_idx" ON "PromotionOverride"("issueKey", "at");

-- AddForeignKey
ALTER TABLE "VerifiedDefinition" ADD CONSTRAINT "VerifiedDefinition_verificationId_fkey" FOREIGN KEY ("verificationId") REFERENCES "IssueVerification"("id") ON DELETE CASCADE ON UPDATE CASCADE;
