-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('console', 'sms', 'telegram', 'whatsapp');

-- CreateEnum
CREATE TYPE "Language" AS ENUM ('id', 'en');

-- CreateEnum
CREATE TYPE "PermitStatus" AS ENUM ('submitted', 'verified', 'in_process', 'needs_revision', 'done', 'rejected');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('citizen', 'officer', 'system');

-- CreateEnum
CREATE TYPE "ComplaintStatus" AS ENUM ('waiting', 'verified', 'dispositioned', 'in_process', 'done', 'rejected', 'not_authority');

-- CreateEnum
CREATE TYPE "OfficerRole" AS ENUM ('officer', 'supervisor', 'inspectorate', 'admin');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'sent', 'failed', 'suppressed');

-- CreateTable
CREATE TABLE "Citizen" (
    "id" UUID NOT NULL,
    "language" "Language" NOT NULL DEFAULT 'id',
    "fullName" TEXT,
    "phone" TEXT,
    "email" TEXT,
    "smsOptOut" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Citizen_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelIdentity" (
    "id" UUID NOT NULL,
    "citizenId" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "address" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "citizenId" UUID NOT NULL,
    "state" JSONB NOT NULL,
    "lastActivityAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("citizenId")
);

-- CreateTable
CREATE TABLE "ProcessedInbound" (
    "channel" "Channel" NOT NULL,
    "externalId" TEXT NOT NULL,
    "citizenId" UUID,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedInbound_pkey" PRIMARY KEY ("channel","externalId")
);

-- CreateTable
CREATE TABLE "Department" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "handles" TEXT[],

    CONSTRAINT "Department_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "PermitType" (
    "code" TEXT NOT NULL,
    "nameId" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "online" BOOLEAN NOT NULL,
    "slaHours" INTEGER,
    "slaWorkingDays" INTEGER,
    "departmentCode" TEXT NOT NULL,
    "requirements" JSONB NOT NULL,
    "fields" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "PermitType_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "PermitApplication" (
    "id" UUID NOT NULL,
    "trackingNumber" TEXT NOT NULL,
    "citizenId" UUID NOT NULL,
    "permitTypeCode" TEXT NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "status" "PermitStatus" NOT NULL DEFAULT 'submitted',
    "applicantName" TEXT NOT NULL,
    "nik" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "email" TEXT,
    "fields" JSONB NOT NULL DEFAULT '{}',
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,
    "deadlineAt" TIMESTAMPTZ(3) NOT NULL,
    "deadlineVersion" INTEGER NOT NULL DEFAULT 0,
    "slaPausedAt" TIMESTAMPTZ(3),
    "assignedOfficerId" UUID,
    "closedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PermitApplication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PermitEvent" (
    "id" BIGSERIAL NOT NULL,
    "applicationId" UUID NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "fromStatus" "PermitStatus",
    "toStatus" "PermitStatus" NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PermitEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ComplaintCategory" (
    "code" TEXT NOT NULL,
    "nameId" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "slaWorkingDays" INTEGER NOT NULL,
    "departmentCode" TEXT NOT NULL,

    CONSTRAINT "ComplaintCategory_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Complaint" (
    "id" UUID NOT NULL,
    "trackingNumber" TEXT NOT NULL,
    "citizenId" UUID NOT NULL,
    "categoryCode" TEXT NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "status" "ComplaintStatus" NOT NULL DEFAULT 'waiting',
    "description" TEXT NOT NULL,
    "locationText" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "deadlineAt" TIMESTAMPTZ(3) NOT NULL,
    "deadlineVersion" INTEGER NOT NULL DEFAULT 0,
    "assignedOfficerId" UUID,
    "rating" INTEGER,
    "ratingComment" TEXT,
    "closedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Complaint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ComplaintEvent" (
    "id" BIGSERIAL NOT NULL,
    "complaintId" UUID NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "fromStatus" "ComplaintStatus",
    "toStatus" "ComplaintStatus" NOT NULL,
    "departmentCode" TEXT,
    "note" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ComplaintEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MediaFile" (
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MediaFile_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "ComplaintAttachment" (
    "complaintId" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ComplaintAttachment_pkey" PRIMARY KEY ("complaintId","sha256")
);

-- CreateTable
CREATE TABLE "TaxObject" (
    "nop" CHAR(18) NOT NULL,
    "taxpayerName" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "landAreaM2" INTEGER NOT NULL,
    "buildingAreaM2" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TaxObject_pkey" PRIMARY KEY ("nop")
);

-- CreateTable
CREATE TABLE "SpptBill" (
    "nop" CHAR(18) NOT NULL,
    "year" INTEGER NOT NULL,
    "njop" BIGINT NOT NULL,
    "amountDue" BIGINT NOT NULL,
    "dueDate" DATE NOT NULL,
    "paidAt" DATE,

    CONSTRAINT "SpptBill_pkey" PRIMARY KEY ("nop","year")
);

-- CreateTable
CREATE TABLE "Officer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "OfficerRole" NOT NULL,
    "departmentCode" TEXT,
    "channel" "Channel",
    "address" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "inviteCode" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Officer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" UUID NOT NULL,
    "citizenId" UUID,
    "officerId" UUID,
    "channel" "Channel" NOT NULL,
    "address" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "replies" JSONB NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "providerMessageId" TEXT,
    "deliveryStatus" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Citizen_phone_key" ON "Citizen"("phone");

-- CreateIndex
CREATE INDEX "ChannelIdentity_citizenId_idx" ON "ChannelIdentity"("citizenId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelIdentity_channel_address_key" ON "ChannelIdentity"("channel", "address");

-- CreateIndex
CREATE UNIQUE INDEX "PermitApplication_trackingNumber_key" ON "PermitApplication"("trackingNumber");

-- CreateIndex
CREATE INDEX "PermitApplication_citizenId_idx" ON "PermitApplication"("citizenId");

-- CreateIndex
CREATE INDEX "PermitApplication_departmentCode_status_idx" ON "PermitApplication"("departmentCode", "status");

-- CreateIndex
CREATE INDEX "PermitEvent_applicationId_id_idx" ON "PermitEvent"("applicationId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Complaint_trackingNumber_key" ON "Complaint"("trackingNumber");

-- CreateIndex
CREATE INDEX "Complaint_citizenId_idx" ON "Complaint"("citizenId");

-- CreateIndex
CREATE INDEX "Complaint_departmentCode_status_idx" ON "Complaint"("departmentCode", "status");

-- CreateIndex
CREATE INDEX "ComplaintEvent_complaintId_id_idx" ON "ComplaintEvent"("complaintId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Officer_inviteCode_key" ON "Officer"("inviteCode");

-- CreateIndex
CREATE UNIQUE INDEX "Officer_channel_address_key" ON "Officer"("channel", "address");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_createdAt_idx" ON "OutboxMessage"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "ChannelIdentity" ADD CONSTRAINT "ChannelIdentity_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermitType" ADD CONSTRAINT "PermitType_departmentCode_fkey" FOREIGN KEY ("departmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermitApplication" ADD CONSTRAINT "PermitApplication_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermitApplication" ADD CONSTRAINT "PermitApplication_permitTypeCode_fkey" FOREIGN KEY ("permitTypeCode") REFERENCES "PermitType"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermitApplication" ADD CONSTRAINT "PermitApplication_departmentCode_fkey" FOREIGN KEY ("departmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermitApplication" ADD CONSTRAINT "PermitApplication_assignedOfficerId_fkey" FOREIGN KEY ("assignedOfficerId") REFERENCES "Officer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermitEvent" ADD CONSTRAINT "PermitEvent_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "PermitApplication"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintCategory" ADD CONSTRAINT "ComplaintCategory_departmentCode_fkey" FOREIGN KEY ("departmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_categoryCode_fkey" FOREIGN KEY ("categoryCode") REFERENCES "ComplaintCategory"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_departmentCode_fkey" FOREIGN KEY ("departmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_assignedOfficerId_fkey" FOREIGN KEY ("assignedOfficerId") REFERENCES "Officer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintEvent" ADD CONSTRAINT "ComplaintEvent_complaintId_fkey" FOREIGN KEY ("complaintId") REFERENCES "Complaint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintAttachment" ADD CONSTRAINT "ComplaintAttachment_complaintId_fkey" FOREIGN KEY ("complaintId") REFERENCES "Complaint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintAttachment" ADD CONSTRAINT "ComplaintAttachment_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "MediaFile"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SpptBill" ADD CONSTRAINT "SpptBill_nop_fkey" FOREIGN KEY ("nop") REFERENCES "TaxObject"("nop") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Officer" ADD CONSTRAINT "Officer_departmentCode_fkey" FOREIGN KEY ("departmentCode") REFERENCES "Department"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_officerId_fkey" FOREIGN KEY ("officerId") REFERENCES "Officer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Case event trails are append-only: the database itself refuses to rewrite history.
CREATE FUNCTION "layankota_refuse_event_rewrite"() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case events are append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "PermitEvent_append_only" BEFORE UPDATE OR DELETE ON "PermitEvent"
    FOR EACH ROW EXECUTE FUNCTION "layankota_refuse_event_rewrite"();

CREATE TRIGGER "ComplaintEvent_append_only" BEFORE UPDATE OR DELETE ON "ComplaintEvent"
    FOR EACH ROW EXECUTE FUNCTION "layankota_refuse_event_rewrite"();
