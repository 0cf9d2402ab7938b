import type { RenderedReply } from '../../../core/i18n/createTranslator.js';
import { renderWhatsApp } from '../renderWhatsApp.js';

/** The Cloud API's limits on what one message may hold. */
const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
} as const;

/** The message-specific part of a Graph API `/messages` body (the recipient is added by the sender). */
export type CloudMessage =
  | { type: 'text'; text: { body: string; preview_url: false } }
  | {
      type: 'interactive';
      interactive:
        | {
            type: 'button';
            body: { text: string };
            action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
          }
        | {
            type: 'list';
            body: { text: string };
            action: {
              button: string;
              sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }>;
            };
          };
    };

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const length = (text: string) => Array.from(text).length;

/**
 * A reply as a Cloud API message: up to 3 short choices as reply buttons, up to 10 as a list
 * opened by `listButton` ("Pilih"), more (or a text too long for an interactive message) as a
 * numbered list answered by typing the number. Pressed buttons come back as the option's id.
 * @example renderCloudMessage({ text: 'Bahasa?', options: [{ id: 'lang.id', label: 'Indonesia' }] }, 'Pilih') // reply buttons
 */
export function renderCloudMessage(reply: RenderedReply, listButton: string): CloudMessage {
  const { text, options } = reply;
  const interactive = options.length > 0 && text.trim() !== '' && length(text) <= LIMITS.interactiveBody;
  const labels = options.map((o) => o.label);
  if (
    interactive &&
    options.length <= LIMITS.buttons &&
    labels.every((l) => length(l) <= LIMITS.buttonTitle) &&
    new Set(labels).size === labels.length
  ) {
    return {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text },
        action: { buttons: options.map((o) => ({ type: 'reply', reply: { id: o.id, title: o.label } })) },
      },
    };
  }
  if (interactive && options.length <= LIMITS.listRows) {
    return {
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text },
        action: {
          button: cut(listButton, LIMITS.buttonTitle),
          sections: [
            {
              rows: options.map((o) =>
                length(o.label) <= LIMITS.rowTitle
                  ? { id: o.id, title: o.label }
                  : {
                      id: o.id,
                      title: cut(o.label, LIMITS.rowTitle),
                      description: cut(o.label, LIMITS.rowDescription),
                    },
              ),
            },
          ],
        },
      },
    };
  }
  return { type: 'text', text: { body: cut(renderWhatsApp(reply), LIMITS.text), preview_url: false } };
}
