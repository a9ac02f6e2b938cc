-- AlterTable
ALTER TABLE "BranchIndexState" ADD COLUMN     "damagedCommits" JSONB NOT NULL DEFAULT '[]';
