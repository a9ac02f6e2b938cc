-- CreateTable
CREATE TABLE "ContextSchema" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "variables" JSONB NOT NULL DEFAULT '[]',
    "revision" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT,

    CONSTRAINT "ContextSchema_pkey" PRIMARY KEY ("id")
);
