import { MediaRefused } from '../../../core/media/MediaRefused.js';
import { readCappedBody } from '../../../core/media/readCappedBody.js';

export interface TwilioMediaFetcherOptions {
  accountSid: string;
  authToken: string;
  /** Twilio's REST API (TWILIO_API_ROOT): `https://api.twilio.com`, or a stand-in of it. */
  apiRoot: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch | undefined;
}

const TWILIO_API_ROOT = 'https://api.twilio.com';
/** Redirects followed to reach the media host; Twilio uses one. */
const MAX_REDIRECTS = 3;

/**
 * Downloads the media of an inbound MMS from its `MediaUrl{N}` (a Media resource of the account,
 * `/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}`), with HTTP basic
 * auth (account SID and auth token) as Twilio requires for media URLs. Twilio answers with a
 * redirect to its media host, which is followed without the credentials. The credentials go
 * only to Twilio's API (or the configured TWILIO_API_ROOT, which stands in for
 * https://api.twilio.com) and only for this account's media: any other URL is refused.
 * @example const bytes = await createTwilioMediaFetcher({ accountSid, authToken, apiRoot })(mediaUrl);
 */
export function createTwilioMediaFetcher(options: TwilioMediaFetcherOptions): (mediaUrl: string) => Promise<Buffer> {
  const doFetch = options.fetch ?? fetch;
  const root = options.apiRoot.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const apiOrigins = new Set([new URL(TWILIO_API_ROOT).origin, new URL(root).origin]);
  const mediaPath = new RegExp(`^/2010-04-01/Accounts/${options.accountSid}/Messages/\\w+/Media/\\w+$`);

  /** The URL to ask, at the configured API root; null when the media is not this account's at Twilio. */
  const atApi = (mediaUrl: string): string | null => {
    const parsed = URL.canParse(mediaUrl) ? new URL(mediaUrl) : null;
    if (!parsed || !apiOrigins.has(parsed.origin) || !mediaPath.test(parsed.pathname)) return null;
    return `${root}${parsed.pathname}`;
  };

  return async (mediaUrl) => {
    const first = atApi(mediaUrl);
    if (!first) throw new MediaRefused('unavailable', "not a media URL of this account's Twilio messages");
    let url = first;
    let withAuth = true;
    for (let hop = 0; ; hop++) {
      const response = await doFetch(url, {
        headers: withAuth ? { authorization } : {},
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location && hop < MAX_REDIRECTS) {
        await response.body?.cancel();
        const next = new URL(location, url);
        // The credentials stay with Twilio's API: the media host gets a signed link of its own.
        withAuth = withAuth && next.origin === new URL(url).origin;
        url = next.href;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new MediaRefused('unavailable', `Twilio media download answered ${response.status}`);
      }
      return readCappedBody(response);
    }
  };
}
