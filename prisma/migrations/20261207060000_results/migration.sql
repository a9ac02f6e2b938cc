-- CreateTable
CREATE TABLE "ResultsSettings" (
    "testName" TEXT NOT NULL,
    "alpha" DOUBLE PRECISION NOT NULL,
    "correction" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "controlBucket" INTEGER NOT NULL,
    "sequentialN" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "ResultsSettings_pkey" PRIMARY KEY ("testName")
);

-- CreateTable
CREATE TABLE "TestConclusion" (
    "testName" TEXT NOT NULL,
    "hypothesis" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "TestConclusion_pkey" PRIMARY KEY ("testName")
);

-- CreateTable
CREATE TABLE "ResultsSrmNotice" (
    "testName" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "phaseStart" TEXT NOT NULL,
    "issueKey" TEXT NOT NULL,
    "notifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResultsSrmNotice_pkey" PRIMARY KEY ("testName","environment","phaseStart")
);
