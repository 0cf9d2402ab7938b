-- Provider message ids in their own table, one row per id: a delivery report finds its outbox row
-- by the primary key instead of a LIKE scan over the comma-joined column.
CREATE TABLE "ProviderMessage" (
    "channel" "Channel" NOT NULL,
    "providerMessageId" TEXT NOT NULL,
    "outboxMessageId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProviderMessage_pkey" PRIMARY KEY ("providerMessageId", "channel", "outboxMessageId")
);

CREATE INDEX "ProviderMessage_outboxMessageId_idx" ON "ProviderMessage"("outboxMessageId");

ALTER TABLE "ProviderMessage" ADD CONSTRAINT "ProviderMessage_outboxMessageId_fkey" FOREIGN KEY ("outboxMessageId") REFERENCES "OutboxMessage"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The ids stored so far, comma-joined on their rows, each become a row.
INSERT INTO "ProviderMessage" ("channel", "providerMessageId", "outboxMessageId", "createdAt")
SELECT o."channel", btrim(p.id), o."id", COALESCE(o."sentAt", o."createdAt")
FROM "OutboxMessage" o
CROSS JOIN LATERAL unnest(string_to_array(o."providerMessageId", ',')) AS p(id)
WHERE o."providerMessageId" IS NOT NULL AND btrim(p.id) <> ''
ON CONFLICT DO NOTHING;

-- The comma-joined column stays for people to read; nothing searches it any more.
DROP INDEX "OutboxMessage_providerMessageId_idx";

-- A second attempt at a row the provider reported undeliverable in its form (WhatsApp: free text
-- outside the 24-hour window), sent as the approved template: at most one per row.
ALTER TABLE "OutboxMessage" ADD COLUMN "fallbackOfId" UUID;

CREATE UNIQUE INDEX "OutboxMessage_fallbackOfId_key" ON "OutboxMessage"("fallbackOfId");

ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_fallbackOfId_fkey" FOREIGN KEY ("fallbackOfId") REFERENCES "OutboxMessage"("id") ON DELETE SET NULL ON UPDATE CASCADE;
