-- SP4N-LAPOR's three clocks of a complaint: verified within the city's verifyWorkingDays, a first
-- response (tanggapan awal) within firstResponseWorkingDays, resolved within the category's SLA
-- (deadlineAt, as before). Each clock stops once: verifiedAt when the complaint leaves
-- 'waiting', firstRespondedAt at an officer's first answer to the reporter.
ALTER TABLE "Complaint"
  ADD COLUMN "verifyDeadlineAt" TIMESTAMPTZ(3),
  ADD COLUMN "verifiedAt" TIMESTAMPTZ(3),
  ADD COLUMN "firstResponseDeadlineAt" TIMESTAMPTZ(3),
  ADD COLUMN "firstRespondedAt" TIMESTAMPTZ(3);

-- Complaints filed before: a clock already stopped is read from the trail. Verification ended
-- with the first move out of 'waiting' (a status past 'waiting' with no such event in its trail
-- counts as verified when last updated).
UPDATE "Complaint" c SET "verifiedAt" = COALESCE(
  (SELECT min(e."createdAt") FROM "ComplaintEvent" e
    WHERE e."complaintId" = c."id" AND e."fromStatus" = 'waiting' AND e."toStatus" <> 'waiting'),
  c."updatedAt")
WHERE c."status" <> 'waiting';

-- The first response: an officer's reply to the citizen, an officer's status change with a note
-- (the status notice carries the note to the citizen), or the complaint's closing.
UPDATE "Complaint" c SET "firstRespondedAt" = r.at
FROM (
  SELECT e."complaintId", min(e."createdAt") AS at FROM "ComplaintEvent" e
  WHERE (e."actorType" = 'officer' AND e."note" IS NOT NULL
         AND (e."fromStatus" IS DISTINCT FROM e."toStatus" OR e."note" LIKE 'Balasan petugas:%'))
     OR e."toStatus" IN ('done', 'rejected', 'not_authority')
  GROUP BY e."complaintId"
) r
WHERE r."complaintId" = c."id";

UPDATE "Complaint" SET "firstRespondedAt" = COALESCE("closedAt", "updatedAt")
WHERE "firstRespondedAt" IS NULL AND "status" IN ('done', 'rejected', 'not_authority');

-- The two deadlines are working days on the city's calendar, which lives in the city's data,
-- not here: the SLA reconciler gives every open complaint without them its deadlines from
-- city.json at start (core/sla/fillComplaintClocks.ts). A closed complaint keeps none.

-- The overdue watch looks for running clocks past their deadline.
CREATE INDEX "Complaint_verifyDeadlineAt_idx" ON "Complaint" ("verifyDeadlineAt") WHERE "verifiedAt" IS NULL;
CREATE INDEX "Complaint_firstResponseDeadlineAt_idx" ON "Complaint" ("firstResponseDeadlineAt") WHERE "firstRespondedAt" IS NULL;
