-- Sessions that really end: the version signed into every session cookie. Logout bumps it; so
-- does any change of an officer's access (below), however it is made.
ALTER TABLE "Officer" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION "layankota_officer_end_sessions"() RETURNS trigger AS $$
BEGIN
    IF NEW."role" IS DISTINCT FROM OLD."role"
        OR NEW."departmentCode" IS DISTINCT FROM OLD."departmentCode"
        OR NEW."active" IS DISTINCT FROM OLD."active" THEN
        NEW."sessionVersion" := GREATEST(NEW."sessionVersion", OLD."sessionVersion" + 1);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Officer_access_change_ends_sessions" BEFORE UPDATE ON "Officer"
    FOR EACH ROW EXECUTE FUNCTION "layankota_officer_end_sessions"();

-- Sign-in codes bound to the browser that asked (its challenge cookie), one row per request,
-- officer or not. Codes in flight are ten minutes old at most: they are dropped, not converted.
DELETE FROM "OfficerLoginCode";
ALTER TABLE "OfficerLoginCode" ALTER COLUMN "officerId" DROP NOT NULL;
ALTER TABLE "OfficerLoginCode" ADD COLUMN "challengeHash" TEXT NOT NULL;
ALTER TABLE "OfficerLoginCode" ADD COLUMN "clientHash" TEXT NOT NULL;

CREATE UNIQUE INDEX "OfficerLoginCode_challengeHash_key" ON "OfficerLoginCode"("challengeHash");
CREATE INDEX "OfficerLoginCode_officerId_clientHash_createdAt_idx" ON "OfficerLoginCode"("officerId", "clientHash", "createdAt");
CREATE INDEX "OfficerLoginCode_createdAt_idx" ON "OfficerLoginCode"("createdAt");
