-- The Command Center counts and lists open cases by department and deadline (see
-- app/commandCenter/openCases.ts), and its reports and figures look for cases closed in a
-- period. Open cases are a small share of all cases ever filed, so their indexes are partial.
CREATE INDEX "PermitApplication_open_department_deadline_idx" ON "PermitApplication" ("departmentCode", "deadlineAt")
  WHERE "status" IN ('submitted', 'verified', 'in_process', 'needs_revision');
CREATE INDEX "Complaint_open_department_deadline_idx" ON "Complaint" ("departmentCode", "deadlineAt")
  WHERE "status" IN ('waiting', 'verified', 'dispositioned', 'in_process');
CREATE INDEX "PermitApplication_closedAt_idx" ON "PermitApplication" ("closedAt");
CREATE INDEX "Complaint_closedAt_idx" ON "Complaint" ("closedAt");
