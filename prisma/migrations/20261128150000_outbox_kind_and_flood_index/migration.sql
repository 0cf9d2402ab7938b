-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'reply';

-- CreateIndex
CREATE INDEX "ProcessedInbound_citizenId_receivedAt_idx" ON "ProcessedInbound"("citizenId", "receivedAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_providerMessageId_idx" ON "OutboxMessage"("providerMessageId");

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "claimedAt" TIMESTAMPTZ(3);
