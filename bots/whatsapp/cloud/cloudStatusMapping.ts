/**
 * The Cloud API's message statuses (webhook `statuses[].status`), mapped to what an operator needs
 * to know. A plain lookup table, as courier does for every provider.
 */
export const CLOUD_STATUS_MAPPING: Readonly<Record<string, 'queued' | 'sent' | 'delivered' | 'failed'>> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  failed: 'failed',
};
