-- AlterTable
ALTER TABLE "Consumer" ADD COLUMN     "matrixLoadedAt" TIMESTAMP(3),
ADD COLUMN     "fallbackTests" JSONB NOT NULL DEFAULT '[]';
