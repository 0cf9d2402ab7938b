-- CreateTable
CREATE TABLE "OfficerLoginCode" (
    "id" UUID NOT NULL,
    "officerId" UUID NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OfficerLoginCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OfficerLoginCode_officerId_createdAt_idx" ON "OfficerLoginCode"("officerId", "createdAt");

-- AddForeignKey
ALTER TABLE "OfficerLoginCode" ADD CONSTRAINT "OfficerLoginCode_officerId_fkey" FOREIGN KEY ("officerId") REFERENCES "Officer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateIndex: the Command Center polls max("updatedAt") to notice changed cases.
CREATE INDEX "PermitApplication_updatedAt_idx" ON "PermitApplication"("updatedAt");
CREATE INDEX "Complaint_updatedAt_idx" ON "Complaint"("updatedAt");
