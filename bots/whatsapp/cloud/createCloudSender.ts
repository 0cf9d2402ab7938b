import type { ChannelSender, OutboundMessage } from '../../../core/channels/ChannelSender.js';
import type { Translator } from '../../../core/i18n/createTranslator.js';
import { renderWhatsApp } from '../renderWhatsApp.js';
import { isBusinessScopedUserId } from './isBusinessScopedUserId.js';
import { renderCloudMessage } from './renderCloudMessage.js';
import { WhatsAppCloudError } from './WhatsAppCloudError.js';

export interface CloudSenderOptions {
  /** https://graph.facebook.com/v21.0, or a local fake in tests. */
  apiRoot: string;
  phoneNumberId: string;
  token: string;
  /** Approved template with one body parameter, sent when the 24-hour window has closed. */
  notificationTemplate: string | undefined;
  translator: Translator;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch | undefined;
}

/** Graph's answer to a `/messages` post: the message id, or an error. */
interface GraphAnswer {
  messages?: Array<{ id?: string }>;
  error?: { code?: number; message?: string; error_data?: { details?: string } };
}

// A template parameter may hold no newline or tab and at most 4 spaces in a row; the whole body stays under 1024.
const TEMPLATE_PARAMETER_MAX = 900;

/**
 * Who a message goes to, as Graph takes it: a phone number as `to`, a business-scoped user id
 * (a citizen known only by it) as `recipient`, which Meta added for BSUIDs (`to` would win over it;
 * see isBusinessScopedUserId for the source).
 */
function recipientOf(address: string): { to: string } | { recipient: string } {
  return isBusinessScopedUserId(address) ? { recipient: address } : { to: address };
}

/** Several replies as one template parameter: one line, cut to fit. */
function asTemplateParameter(texts: string[]): string {
  const line = texts
    .join('\n')
    .split(/\s*\n+\s*/)
    .filter(Boolean)
    .join(' · ')
    .replace(/[\t ]{2,}/g, ' ');
  const chars = Array.from(line);
  return chars.length <= TEMPLATE_PARAMETER_MAX ? line : `${chars.slice(0, TEMPLATE_PARAMETER_MAX - 1).join('')}…`;
}

/**
 * The WhatsApp channel's sender over the Cloud API: each reply is posted to
 * `{apiRoot}/{phoneNumberId}/messages` with the bearer token, choices as reply buttons or a list.
 * Refusals map through CLOUD_ERROR_MAPPING: a rate limit throws to be retried later; outside the
 * 24-hour window (131047) what is left goes out as the configured template instead. A message
 * marked `fallback` (Graph accepted it as free text, then reported 131047 by webhook) goes out
 * whole as the template.
 * @example createCloudSender({ apiRoot, phoneNumberId, token, notificationTemplate: 'layankota_kabar', translator })
 */
export function createCloudSender(options: CloudSenderOptions): ChannelSender {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.apiRoot}/${options.phoneNumberId}/messages`;

  const post = async (body: Record<string, unknown>): Promise<string | undefined> => {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...body }),
      signal: AbortSignal.timeout(15_000),
    });
    const answer = (await response.json().catch(() => ({}))) as GraphAnswer;
    if (!response.ok || answer.error) {
      throw new WhatsAppCloudError(answer.error?.code ?? null, response.status, answer.error?.message ?? '');
    }
    return answer.messages?.[0]?.id;
  };

  const sendTemplate = (message: OutboundMessage, template: string, texts: string[]) =>
    post({
      ...recipientOf(message.address),
      type: 'template',
      template: {
        name: template,
        language: { code: message.lang },
        components: [{ type: 'body', parameters: [{ type: 'text', text: asTemplateParameter(texts) }] }],
      },
    });

  return {
    async send(message) {
      if (message.fallback) {
        // Graph took the free text and later reported it undeliverable (a late 131047): the
        // whole message goes again, once, as the template.
        const template = options.notificationTemplate;
        if (!template) throw new WhatsAppCloudError(null, 400, 'no WHATSAPP_NOTIFICATION_TEMPLATE for a fallback');
        return { providerMessageId: await sendTemplate(message, template, message.replies.map(renderWhatsApp)) };
      }
      const listButton = options.translator.t(message.lang, { key: 'whatsapp.listButton' });
      const ids: string[] = [];
      for (const [i, reply] of message.replies.entries()) {
        let id: string | undefined;
        try {
          id = await post({ ...recipientOf(message.address), ...renderCloudMessage(reply, listButton) });
        } catch (error) {
          const template = options.notificationTemplate;
          if (!(error instanceof WhatsAppCloudError) || error.action !== 'useTemplate' || !template) throw error;
          // The window is closed for this and every later reply: they go out together as one template.
          const rest = message.replies.slice(i).map(renderWhatsApp);
          id = await sendTemplate(message, template, rest);
          if (id) ids.push(id);
          break;
        }
        if (id) ids.push(id);
      }
      return { providerMessageId: ids.length > 0 ? ids.join(',') : undefined };
    },
  };
}
