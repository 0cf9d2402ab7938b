import type { FakeTwilioApi } from './fakeTwilio.js';
import type { SmtpSink } from './smtpSink.js';

/**
 * The settings of a city that sends SMS through Twilio (its fake) and email (the SMTP sink),
 * quick to send in tests: what the SLA tests run on.
 */
export function smsAndEmailEnv(options: {
  cityDir: string;
  smtpUrl: string;
  twilio: { accountSid: string; authToken: string };
  emailFrom?: string;
}): Record<string, string> {
  return {
    CITY_DATA_DIR: options.cityDir,
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: options.twilio.accountSid,
    TWILIO_AUTH_TOKEN: options.twilio.authToken,
    TWILIO_FROM: '+15005550006',
    SMS_RATE_PER_SECOND: '20',
    SMTP_URL: options.smtpUrl,
    EMAIL_FROM: options.emailFrom ?? 'LayanKota Kota Contoh <layankota@kota-contoh.go.id>',
    OUTBOX_RETRY_BASE_MS: '200',
  };
}

/** The SMS the fake Twilio took for `phone` (digits, no +) that name the case. */
export const smsAbout = (twilio: FakeTwilioApi, phone: string, trackingNumber: string) =>
  twilio.calls.filter((c) => c.To === `+${phone}` && c.Body.includes(trackingNumber));

/** The email the sink took for `address` whose subject names the case. */
export const emailsAbout = (sink: SmtpSink, address: string, trackingNumber: string) =>
  sink.to(address).filter((m) => m.subject.includes(trackingNumber));
