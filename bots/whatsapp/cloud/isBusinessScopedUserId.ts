/**
 * A business-scoped user id (BSUID) as Meta documents it: a two-letter country code, a period, and
 * up to 128 alphanumeric characters (`US.13491208655302741918`); a parent BSUID has `ENT.` after
 * the country (`US.ENT.11815799212886844830`). It identifies a WhatsApp user to one business, and
 * is the only id of a user who hides their number behind a username.
 * Source: https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
 * @example isBusinessScopedUserId('US.13491208655302741918') // true; '6281234567890', 'bla' // false
 */
export function isBusinessScopedUserId(value: string): boolean {
  return /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/.test(value);
}
