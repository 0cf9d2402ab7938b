-- A city's catalogue changes, or a database is switched to another city's data: departments,
-- permit types and complaint categories no longer in the data are retired, not deleted, where
-- cases or officers still point at them (their history stays readable), and are never offered
-- again. Those nothing points at are deleted by the sync.
ALTER TABLE "Department" ADD COLUMN "retiredAt" TIMESTAMPTZ(3);
ALTER TABLE "PermitType" ADD COLUMN "retiredAt" TIMESTAMPTZ(3);
ALTER TABLE "ComplaintCategory" ADD COLUMN "retiredAt" TIMESTAMPTZ(3);

-- The city data last mirrored into this database (a checksum of what was synced): processes
-- starting together find it current and skip the sync, so it is written once per change.
CREATE TABLE "CitySync" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "checksum" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "syncedAt" TIMESTAMPTZ(3) NOT NULL,
    "retired" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CitySync_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "CitySync_one_row" CHECK ("id" = 1)
);
