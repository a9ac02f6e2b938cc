-- An exposure that wins keeps its event id: its retry is told from another exposure of the unit without a receipt row.
-- AlterTable
ALTER TABLE "EventExposure" ADD COLUMN     "eventId" TEXT;

-- Batches of one environment take turns under an advisory lock (lib/events/record-events.ts): the per-unit lock rows go.
-- DropTable
DROP TABLE "EventUnit";
