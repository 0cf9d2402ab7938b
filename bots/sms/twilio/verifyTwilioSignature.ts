import twilio from 'twilio';

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
  return twilio.validateRequest(authToken, signature, publicUrl, params);
}
