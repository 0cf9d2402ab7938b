import type { SendSmsText } from '../createSmsSender.js';
import { idOf } from '../../readNative.js';
import { toE164 } from '../smsAddress.js';

export interface AndroidSenderOptions {
  /** The phone's local API, e.g. http://192.168.1.20:8080. */
  baseUrl: string;
  username: string;
  password: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/**
 * Sends SMS texts through SMS Gateway for Android's local HTTP API (`POST /message`), asking for a
 * delivery report; returns the `id` the gateway answers, which its `sms:sent`, `sms:delivered`
 * and `sms:failed` webhooks carry as `messageId`.
 */
export function createAndroidTextSender(options: AndroidSenderOptions): SendSmsText {
  const doFetch = options.fetch ?? fetch;
  const auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  return async (to, body) => {
    const response = await doFetch(`${options.baseUrl}/message`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ textMessage: { text: body }, phoneNumbers: [toE164(to)], withDeliveryReport: true }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
    const answer = (await response.json().catch(() => ({}))) as { id?: unknown };
    return idOf(answer.id);
  };
}
