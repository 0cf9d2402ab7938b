-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "seq" BIGSERIAL NOT NULL,
ADD COLUMN "nextAttemptAt" TIMESTAMPTZ(3),
ADD COLUMN "claimedBy" UUID,
ADD COLUMN "handedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" UUID NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "beatAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_address_status_seq_idx" ON "OutboxMessage"("channel", "address", "status", "seq");
