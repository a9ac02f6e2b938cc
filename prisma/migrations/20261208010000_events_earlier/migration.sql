-- Results count a unit once per phase (lib/events/earlier-exposures.ts): each exposure keeps the unit's exposures to
-- the same test under other revisions that came before it, and the aggregates are kept per such set.
ALTER TABLE "EventExposure" ADD COLUMN "earlier" TEXT NOT NULL DEFAULT '';
ALTER TABLE "EventAggregate" ADD COLUMN "earlier" TEXT NOT NULL DEFAULT '';
ALTER TABLE "EventAggregate" DROP CONSTRAINT "EventAggregate_pkey",
  ADD CONSTRAINT "EventAggregate_pkey" PRIMARY KEY ("testName","environment","definitionVersion","allocationId","bucket","fallback","goal","hour","earlier");

-- Exposures stored before: the order they arrived in is not kept, so "before" is by exposure time (then revision).
-- Encoded as earlier-exposures.ts encodes: a sorted JSON list of [revision, "a" | "i" | "f"], the newest kept up to
-- 1,000 characters (MAX_EARLIER_TEXT: the text is part of the aggregates' primary key).
UPDATE "EventExposure" e SET "earlier" = s."earlier"
FROM (
  SELECT k."environment", k."unitType", k."unitId", k."testName", k."definitionVersion",
         '[' || string_agg(k.item, ',' ORDER BY k.item COLLATE "C") || ']' AS "earlier"
  FROM (
    SELECT x."environment", x."unitType", x."unitId", x."testName", x."definitionVersion", i.item,
           sum(length(i.item) + 1) OVER (
             PARTITION BY x."environment", x."unitType", x."unitId", x."testName", x."definitionVersion"
             ORDER BY y."exposedAt" DESC, y."definitionVersion" DESC
           ) AS running
    FROM "EventExposure" x
    JOIN "EventExposure" y
      ON y."environment" = x."environment" AND y."unitType" = x."unitType" AND y."unitId" = x."unitId" AND y."testName" = x."testName"
     AND (y."exposedAt", y."definitionVersion") < (x."exposedAt", x."definitionVersion")
    CROSS JOIN LATERAL (
      SELECT '[' || to_json(y."definitionVersion")::text || ',"' || CASE WHEN y."fallback" THEN 'f' WHEN y."bucket" = -1 THEN 'i' ELSE 'a' END || '"]' AS item
    ) i
  ) k
  WHERE k.running + 1 <= 1000
  GROUP BY 1, 2, 3, 4, 5
) s
WHERE e."environment" = s."environment" AND e."unitType" = s."unitType" AND e."unitId" = s."unitId"
  AND e."testName" = s."testName" AND e."definitionVersion" = s."definitionVersion";

-- The aggregates are sums over exposures of their units' goal totals, so they can be rebuilt from the per-unit rows.
-- Only needed when some exposure has earlier ones (its aggregate key changed).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "EventExposure" WHERE "earlier" <> '') THEN
    DELETE FROM "EventAggregate";
    INSERT INTO "EventAggregate" ("testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour", "earlier", "units", "count", "sum", "unitSumSquares")
    SELECT "testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", '', "hour", "earlier", count(*), 0, 0, 0
    FROM "EventExposure" GROUP BY 1, 2, 3, 4, 5, 6, 8, 9;
    INSERT INTO "EventAggregate" ("testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour", "earlier", "units", "count", "sum", "unitSumSquares")
    SELECT e."testName", e."environment", e."definitionVersion", e."allocationId", e."bucket", e."fallback", g."goal", e."hour", e."earlier",
           count(*), sum(g."count"), sum(g."sum"), sum(g."sum" * g."sum")
    FROM "EventExposure" e
    JOIN "EventUnitGoal" g ON g."environment" = e."environment" AND g."unitType" = e."unitType" AND g."unitId" = e."unitId"
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  END IF;
END $$;
