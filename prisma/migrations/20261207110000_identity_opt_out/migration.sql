-- Opt-outs the provider reports (Twilio 21610, a Telegram user blocking the bot), and SMS STOP,
-- recorded on the channel identity they concern.
ALTER TABLE "ChannelIdentity" ADD COLUMN "optedOutAt" TIMESTAMPTZ(3),
ADD COLUMN "optOutReason" TEXT;

-- Numbers that sent STOP before: their SMS identity shows it too.
UPDATE "ChannelIdentity" AS i
SET "optedOutAt" = c."updatedAt", "optOutReason" = 'sms-stop'
FROM "Citizen" AS c
WHERE i."citizenId" = c.id AND i.channel = 'sms' AND c."smsOptOut";
