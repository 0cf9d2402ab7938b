// The SDK's webhook module only: the whole SDK is loaded by the process that sends by Twilio.
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';

/**
 * Checks `X-Twilio-Signature` against the public URL Twilio called (from configuration, not
 * from the request, which a proxy may have rewritten) and the posted form fields.
 */
export function verifyTwilioSignature(
  authToken: string,
  signature: string | undefined,
  publicUrl: string,
  params: Record<string, string>,
): boolean {
  if (!signature) return false;
  return validateRequest(authToken, signature, publicUrl, params);
}
