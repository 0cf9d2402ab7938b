-- AlterEnum
ALTER TYPE "Channel" ADD VALUE 'email';

-- CreateTable
CREATE TABLE "SlaNotice" (
    "timerId" TEXT NOT NULL,
    "caseKind" TEXT NOT NULL,
    "caseId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "firedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SlaNotice_pkey" PRIMARY KEY ("timerId")
);

-- CreateIndex
CREATE INDEX "SlaNotice_caseId_idx" ON "SlaNotice"("caseId");
