/** What to do about a refused Cloud API send. */
export type CloudErrorAction = 'retryLater' | 'useTemplate' | 'failed';

/**
 * Graph API error codes of the WhatsApp Cloud API, mapped to what the sender does. A plain
 * lookup table, as courier keeps one per provider; a code not listed fails the send.
 */
export const CLOUD_ERROR_MAPPING: Readonly<Record<number, CloudErrorAction>> = {
  // Throughput of the sending number reached.
  130429: 'retryLater',
  // Rate limit of the WhatsApp Business account.
  80007: 'retryLater',
  // Too many messages to this one number in a short time.
  131056: 'retryLater',
  // Spam rate limit: the number's quality is low; sending later may pass.
  131048: 'retryLater',
  // Temporary service errors.
  1: 'retryLater',
  2: 'retryLater',
  131000: 'retryLater',
  // Re-engagement: more than 24 hours since the citizen last wrote; only an approved template may go
  // out. Meta's error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/):
  // "Re-engagement message ... Send the recipient a business-initiated message using a message template".
  // Graph may answer it on the send, or accept the send and report it later as a `failed` status.
  131047: 'useTemplate',
  // The same condition under its older (On-Premises API) number, which Twilio maps to 63016 "outside
  // the allowed window" (https://www.twilio.com/docs/whatsapp/api/error-code-mapping).
  470: 'useTemplate',
  // Undeliverable: not on WhatsApp, an old app, or the terms not accepted. A template would not
  // reach them either, so no fallback.
  131026: 'failed',
  // Meta chose not to deliver it (marketing limits, which apply to templates themselves).
  131049: 'failed',
  // The citizen stopped marketing messages: a template is what they refused.
  131050: 'failed',
  // A message type the citizen's app cannot show: a matter of our rendering, not of the window.
  131051: 'failed',
  // The recipient is the sending number itself.
  131021: 'failed',
  // Access token expired or revoked: an operator must renew WHATSAPP_CLOUD_TOKEN.
  190: 'failed',
  // Template missing, not approved in that language, or its parameters do not match.
  132000: 'failed',
  132001: 'failed',
  132012: 'failed',
};
