-- A watermark per department for the Command Center's change check (app/commandCenter/ChangeFeed.ts):
-- every statement that files, changes, forwards or deletes a case bumps the version of each
-- department it touched (a forward: the old one and the new one), so the once-a-second check
-- reads a handful of rows instead of counting every case ever filed, and a board is told only of
-- changes in the departments it shows.
--
-- Statement-level triggers with transition tables: a bulk write bumps each department once per
-- statement, not once per row. An update that leaves a row as it was (no row matched, or every
-- column written with its own value) bumps nothing. A change of updatedAt alone does bump: the
-- board reads it (a permit waiting for revision without slaPausedAt paused at updatedAt).
--
-- Contention: the bumped rows stay locked until the writing transaction commits, so concurrent
-- case writes of ONE department queue behind each other. Case writes are rare (a few per
-- minute per department, against many messages per second, which do not touch these rows), so
-- this is accepted. Departments are bumped in code order, so two transactions forwarding cases
-- between the same two departments wait rather than deadlock.
CREATE TABLE "CaseWatermark" (
    "departmentCode" TEXT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseWatermark_pkey" PRIMARY KEY ("departmentCode")
);

-- Bumps the given departments, in code order.
CREATE FUNCTION "layankota_bump_case_watermark"(departments TEXT[]) RETURNS void AS $$
    INSERT INTO "CaseWatermark" AS w ("departmentCode", "version", "changedAt")
    SELECT d, 1, CURRENT_TIMESTAMP FROM (SELECT DISTINCT unnest(departments) AS d) t WHERE d IS NOT NULL ORDER BY d
    ON CONFLICT ("departmentCode") DO UPDATE SET "version" = w."version" + 1, "changedAt" = EXCLUDED."changedAt";
$$ LANGUAGE sql;

CREATE FUNCTION "layankota_case_inserted"() RETURNS trigger AS $$
BEGIN
    PERFORM "layankota_bump_case_watermark"(ARRAY(SELECT n."departmentCode" FROM new_rows n));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Only rows that changed; both departments of a forwarded case.
CREATE FUNCTION "layankota_case_updated"() RETURNS trigger AS $$
BEGIN
    PERFORM "layankota_bump_case_watermark"(ARRAY(
        SELECT unnest(ARRAY[o."departmentCode", n."departmentCode"])
        FROM old_rows o JOIN new_rows n ON n."id" = o."id"
        WHERE to_jsonb(o) IS DISTINCT FROM to_jsonb(n)));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION "layankota_case_deleted"() RETURNS trigger AS $$
BEGIN
    PERFORM "layankota_bump_case_watermark"(ARRAY(SELECT o."departmentCode" FROM old_rows o));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "PermitApplication_watermark_insert" AFTER INSERT ON "PermitApplication"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "layankota_case_inserted"();
CREATE TRIGGER "PermitApplication_watermark_update" AFTER UPDATE ON "PermitApplication"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "layankota_case_updated"();
CREATE TRIGGER "PermitApplication_watermark_delete" AFTER DELETE ON "PermitApplication"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "layankota_case_deleted"();
CREATE TRIGGER "Complaint_watermark_insert" AFTER INSERT ON "Complaint"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "layankota_case_inserted"();
CREATE TRIGGER "Complaint_watermark_update" AFTER UPDATE ON "Complaint"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "layankota_case_updated"();
CREATE TRIGGER "Complaint_watermark_delete" AFTER DELETE ON "Complaint"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "layankota_case_deleted"();

-- Departments with cases already start at version 0.
INSERT INTO "CaseWatermark" ("departmentCode")
SELECT "departmentCode" FROM "PermitApplication" UNION SELECT "departmentCode" FROM "Complaint";
