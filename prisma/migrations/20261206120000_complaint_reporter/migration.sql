-- The contact details given with an Open311 request belong to that request only: a POST no
-- longer writes them on a citizen found by phone number, and the complaint's final notices go
-- to them.
ALTER TABLE "Complaint"
  ADD COLUMN "reporterName" TEXT,
  ADD COLUMN "reporterEmail" TEXT,
  ADD COLUMN "reporterPhone" TEXT;
