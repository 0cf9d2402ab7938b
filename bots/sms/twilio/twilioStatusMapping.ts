/**
 * Twilio's message statuses, mapped to what an operator needs to know. A plain lookup table, as
 * courier does for every provider.
 */
export const TWILIO_STATUS_MAPPING: Readonly<Record<string, 'queued' | 'sent' | 'delivered' | 'failed'>> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  receiving: 'queued',
  received: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};
