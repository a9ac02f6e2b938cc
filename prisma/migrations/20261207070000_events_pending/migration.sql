-- Ingest appends, a fold counts (lib/events/fold-events.ts).
CREATE TABLE "EventPending" (
    "seq" BIGSERIAL NOT NULL,
    "events" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "EventPending_pkey" PRIMARY KEY ("seq")
);

-- One row per batch (~150 KB): kept out of line but not compressed, so an insert costs no compression.
ALTER TABLE "EventPending" ALTER COLUMN "events" SET STORAGE EXTERNAL;

-- Every event now has a receipt: a winning exposure's id used to live only in its exposure row.
INSERT INTO "EventReceipt" ("id", "at")
SELECT "eventId", "exposedAt" FROM "EventExposure" WHERE "eventId" IS NOT NULL
ON CONFLICT ("id") DO NOTHING;
