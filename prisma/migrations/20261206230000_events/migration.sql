-- CreateEnum
CREATE TYPE "ConsumerTokenScope" AS ENUM ('heartbeat', 'events', 'all');

-- AlterTable
ALTER TABLE "ConsumerToken" ADD COLUMN     "scope" "ConsumerTokenScope" NOT NULL DEFAULT 'heartbeat';

-- CreateTable
CREATE TABLE "EventReceipt" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EventReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventUnit" (
    "environment" TEXT NOT NULL,
    "unitType" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EventUnit_pkey" PRIMARY KEY ("environment","unitType","unitId")
);

-- CreateTable
CREATE TABLE "EventExposure" (
    "testName" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "definitionVersion" TEXT NOT NULL,
    "unitType" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "allocationId" TEXT NOT NULL,
    "fallback" BOOLEAN NOT NULL,
    "matrixVersion" TEXT NOT NULL,
    "exposedAt" TIMESTAMP(3) NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EventExposure_pkey" PRIMARY KEY ("environment","unitType","unitId","testName","definitionVersion")
);

-- CreateTable
CREATE TABLE "EventUnitGoal" (
    "environment" TEXT NOT NULL,
    "unitType" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "goal" TEXT NOT NULL,
    "unique" BOOLEAN NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "sumSquares" DOUBLE PRECISION NOT NULL,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EventUnitGoal_pkey" PRIMARY KEY ("environment","unitType","unitId","goal")
);

-- CreateTable
CREATE TABLE "EventAggregate" (
    "testName" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "definitionVersion" TEXT NOT NULL,
    "allocationId" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "fallback" BOOLEAN NOT NULL,
    "goal" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "units" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "unitSumSquares" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "EventAggregate_pkey" PRIMARY KEY ("testName","environment","definitionVersion","allocationId","bucket","fallback","goal","hour")
);

-- CreateIndex
CREATE INDEX "EventReceipt_at_idx" ON "EventReceipt" USING BRIN ("at");
