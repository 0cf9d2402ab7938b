-- Personal data as UU PDP (Law 27 of 2022) asks: what a resident was told, what they asked, who
-- looked at their data, and what was erased or pseudonymised, and when.

-- When the first-contact privacy notice went to this resident (null: not yet).
ALTER TABLE "Citizen" ADD COLUMN "privacyNoticeAt" TIMESTAMPTZ(3);
-- Consent withdrawn for email notices (optional processing): none is written from then on.
ALTER TABLE "Citizen" ADD COLUMN "emailNoticesOff" BOOLEAN NOT NULL DEFAULT false;
-- The resident asked for erasure (HAPUS DATA SAYA): contact data, identities and photos are gone;
-- the row stays as the pseudonymous holder of the cases kept as public records.
ALTER TABLE "Citizen" ADD COLUMN "erasedAt" TIMESTAMPTZ(3);

-- A case detached from its person (erasure, or the retention job past its period): its personal
-- fields are emptied, the public record (type, department, status, dates, trail) remains.
ALTER TABLE "PermitApplication" ADD COLUMN "pseudonymisedAt" TIMESTAMPTZ(3);
ALTER TABLE "Complaint" ADD COLUMN "pseudonymisedAt" TIMESTAMPTZ(3);

-- The trail of personal data: every officer read of a case's personal data (bot, case page,
-- export), and every notice, copy, correction, erasure and retention step. Append-only.
CREATE TABLE "PersonalDataEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "citizenId" UUID,
    "caseKind" TEXT,
    "trackingNumber" TEXT,
    "fields" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "PersonalDataEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PersonalDataEvent_citizenId_at_idx" ON "PersonalDataEvent"("citizenId", "at");
CREATE INDEX "PersonalDataEvent_actorId_at_idx" ON "PersonalDataEvent"("actorId", "at");
CREATE INDEX "PersonalDataEvent_at_idx" ON "PersonalDataEvent"("at");
CREATE INDEX "PersonalDataEvent_trackingNumber_idx" ON "PersonalDataEvent"("trackingNumber");
CREATE TRIGGER "PersonalDataEvent_append_only" BEFORE UPDATE OR DELETE ON "PersonalDataEvent"
    FOR EACH ROW EXECUTE FUNCTION "layankota_refuse_event_rewrite"();

-- A one-time link to a resident's full copy of their data (DATA SAYA): only the token's SHA-256
-- is kept; opened once, then spent; it expires.
CREATE TABLE "DataCopyLink" (
    "tokenHash" TEXT NOT NULL,
    "citizenId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DataCopyLink_pkey" PRIMARY KEY ("tokenHash")
);
CREATE INDEX "DataCopyLink_citizenId_idx" ON "DataCopyLink"("citizenId");
ALTER TABLE "DataCopyLink" ADD CONSTRAINT "DataCopyLink_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One run of the daily retention job and what it did (counts per kind of data).
CREATE TABLE "RetentionRun" (
    "id" BIGSERIAL NOT NULL,
    "ranAt" TIMESTAMPTZ(3) NOT NULL,
    "report" JSONB NOT NULL,

    CONSTRAINT "RetentionRun_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "RetentionRun_ranAt_idx" ON "RetentionRun"("ranAt");
