-- The language of LayanKota's messages to an officer (bot answers, new-case notices, SLA
-- reminders). NULL: the deployment's default language.
ALTER TABLE "Officer" ADD COLUMN "language" "Language";
