import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Meta's `failed` status webhook with error 131047 (test/fixtures/whatsapp-cloud-status-failed-131047.json.source). */
const FAILED_131047 = readFileSync('test/fixtures/whatsapp-cloud-status-failed-131047.json', 'utf8');

/**
 * The fixture's late 131047 failure, about the message Graph gave `wamid` to `recipient`, for the
 * business number `phoneNumberId`: the raw body as Meta posts it.
 */
export function failed131047Webhook(wamid: string, recipient: string, phoneNumberId: string): string {
  const body = JSON.parse(FAILED_131047) as {
    entry: Array<{
      changes: Array<{
        value: { metadata: { phone_number_id: string }; statuses: Array<{ id: string; recipient_id: string }> };
      }>;
    }>;
  };
  const value = body.entry[0]!.changes[0]!.value;
  value.metadata.phone_number_id = phoneNumberId;
  value.statuses[0]!.id = wamid;
  value.statuses[0]!.recipient_id = recipient;
  return JSON.stringify(body);
}

/** `X-Hub-Signature-256` as Meta computes it: HMAC-SHA256 of the raw body under the app secret. */
export function signCloudWebhook(raw: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/** Posts a raw Cloud API webhook body to the app's endpoint, signed with the app secret. */
export function postCloudWebhook(baseUrl: string, raw: string, appSecret: string): Promise<Response> {
  return fetch(`${baseUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signCloudWebhook(raw, appSecret) },
    body: raw,
  });
}

/** A status webhook as Meta posts it: one delivery report (`status`: id, status, recipient, errors) for `phoneNumberId`. */
export function cloudStatusWebhook(status: Record<string, unknown>, phoneNumberId: string): string {
  return cloudWebhook({ statuses: [{ timestamp: '1764320100', ...status }] }, phoneNumberId);
}

/** A webhook body as Meta posts it for one message (`message`: its id, type and content) from `from`. */
export function cloudMessageWebhook(message: Record<string, unknown>, from: string, phoneNumberId: string): string {
  return cloudWebhook(
    {
      contacts: [{ profile: { name: 'Darma' }, wa_id: from }],
      messages: [{ from, timestamp: '1764320000', ...message }],
    },
    phoneNumberId,
  );
}

/** Meta's envelope around one change of the `messages` field for the business number `phoneNumberId`. */
function cloudWebhook(value: Record<string, unknown>, phoneNumberId: string): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '6281199990000', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });
}
