-- Messages over a sender's flood limit are held, not dropped: the event waits on its dedupe row
-- and is answered, in arrival order, when the sender's minute allows.
ALTER TABLE "ProcessedInbound" ADD COLUMN "seq" BIGSERIAL NOT NULL;
ALTER TABLE "ProcessedInbound" ADD COLUMN "heldAt" TIMESTAMPTZ(3);
ALTER TABLE "ProcessedInbound" ADD COLUMN "heldEvent" JSONB;
CREATE INDEX "ProcessedInbound_heldAt_idx" ON "ProcessedInbound"("heldAt");
