import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

/** The real twilio RequestClient with Twilio's host swapped for a local fake of its API. */
export function redirectedTwilioClient(baseUrl: string): twilio.RequestClient {
  class LocalRequestClient extends twilio.RequestClient {
    override request<T>(opts: RequestClient.RequestOptions<T>) {
      return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, baseUrl) });
    }
  }
  return new LocalRequestClient();
}
