-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'editor', 'releaser', 'admin');

-- CreateEnum
CREATE TYPE "IssueLinkKind" AS ENUM ('commit', 'promotion');

-- CreateEnum
CREATE TYPE "ChangeKind" AS ENUM ('create', 'update', 'delete', 'promote', 'revert', 'unknown');

-- CreateEnum
CREATE TYPE "IndexStatus" AS ENUM ('pending', 'building', 'ready', 'failed');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('user', 'token', 'system');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('success', 'refused', 'failed');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "email" TEXT,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "passwordHash" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Issue" (
    "key" TEXT NOT NULL,
    "projectKey" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'ProTest',
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "reporter" TEXT NOT NULL,
    "assignee" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Issue_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "IssueComment" (
    "id" SERIAL NOT NULL,
    "issueKey" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IssueComment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IssueEvent" (
    "id" SERIAL NOT NULL,
    "issueKey" TEXT NOT NULL,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IssueEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IssueLink" (
    "id" SERIAL NOT NULL,
    "issueKey" TEXT NOT NULL,
    "testName" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "kind" "IssueLinkKind" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IssueLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HistoryEntry" (
    "id" SERIAL NOT NULL,
    "branch" TEXT NOT NULL,
    "testName" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "parentRevision" TEXT,
    "authorName" TEXT NOT NULL,
    "authorEmail" TEXT NOT NULL,
    "authoredAt" TIMESTAMP(3) NOT NULL,
    "committedAt" TIMESTAMP(3) NOT NULL,
    "message" TEXT NOT NULL,
    "issueKey" TEXT,
    "changeKind" "ChangeKind" NOT NULL DEFAULT 'unknown',
    "sourceRevision" TEXT,
    "sourceBranch" TEXT,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "HistoryEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BranchIndexState" (
    "branch" TEXT NOT NULL,
    "headRevision" TEXT,
    "indexedCommits" INTEGER NOT NULL DEFAULT 0,
    "totalCommits" INTEGER NOT NULL DEFAULT 0,
    "status" "IndexStatus" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BranchIndexState_pkey" PRIMARY KEY ("branch")
);

-- CreateTable
CREATE TABLE "IndexedCommit" (
    "branch" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "parents" TEXT[],

    CONSTRAINT "IndexedCommit_pkey" PRIMARY KEY ("branch","revision")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT,
    "actorKind" "ActorKind" NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "outcome" "AuditOutcome" NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "requestId" TEXT,
    "ip" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consumer" (
    "id" SERIAL NOT NULL,
    "application" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "matrixRevision" TEXT,
    "specification" JSONB NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Consumer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsumerToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL DEFAULT '',
    "environment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ConsumerToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE INDEX "Issue_status_idx" ON "Issue"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Issue_projectKey_number_key" ON "Issue"("projectKey", "number");

-- CreateIndex
CREATE INDEX "IssueComment_issueKey_createdAt_idx" ON "IssueComment"("issueKey", "createdAt");

-- CreateIndex
CREATE INDEX "IssueEvent_issueKey_at_idx" ON "IssueEvent"("issueKey", "at");

-- CreateIndex
CREATE INDEX "IssueLink_issueKey_idx" ON "IssueLink"("issueKey");

-- CreateIndex
CREATE INDEX "IssueLink_testName_idx" ON "IssueLink"("testName");

-- CreateIndex
CREATE UNIQUE INDEX "IssueLink_issueKey_testName_revision_env_kind_key" ON "IssueLink"("issueKey", "testName", "revision", "env", "kind");

-- CreateIndex
CREATE INDEX "HistoryEntry_branch_testName_seq_idx" ON "HistoryEntry"("branch", "testName", "seq" DESC);

-- CreateIndex
CREATE INDEX "HistoryEntry_branch_seq_idx" ON "HistoryEntry"("branch", "seq" DESC);

-- CreateIndex
CREATE INDEX "HistoryEntry_revision_idx" ON "HistoryEntry"("revision");

-- CreateIndex
CREATE INDEX "HistoryEntry_sourceRevision_idx" ON "HistoryEntry"("sourceRevision");

-- CreateIndex
CREATE INDEX "HistoryEntry_issueKey_idx" ON "HistoryEntry"("issueKey");

-- CreateIndex
CREATE UNIQUE INDEX "HistoryEntry_branch_testName_revision_key" ON "HistoryEntry"("branch", "testName", "revision");

-- CreateIndex
CREATE UNIQUE INDEX "IndexedCommit_branch_seq_key" ON "IndexedCommit"("branch", "seq");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_actor_at_idx" ON "AuditLog"("actor", "at" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_action_at_idx" ON "AuditLog"("action", "at" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_target_idx" ON "AuditLog"("target");

-- CreateIndex
CREATE INDEX "Consumer_environment_lastSeenAt_idx" ON "Consumer"("environment", "lastSeenAt" DESC);

-- CreateIndex
CREATE INDEX "Consumer_application_idx" ON "Consumer"("application");

-- CreateIndex
CREATE UNIQUE INDEX "Consumer_environment_application_instanceId_key" ON "Consumer"("environment", "application", "instanceId");

-- CreateIndex
CREATE UNIQUE INDEX "ConsumerToken_tokenHash_key" ON "ConsumerToken"("tokenHash");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssueComment" ADD CONSTRAINT "IssueComment_issueKey_fkey" FOREIGN KEY ("issueKey") REFERENCES "Issue"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssueEvent" ADD CONSTRAINT "IssueEvent_issueKey_fkey" FOREIGN KEY ("issueKey") REFERENCES "Issue"("key") ON DELETE CASCADE ON UPDATE CASCADE;
