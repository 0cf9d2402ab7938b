import { CLOUD_ERROR_MAPPING, type CloudErrorAction } from './cloudErrorMapping.js';

/**
 * A send the Cloud API refused, with Graph's error code and what it means for us. The message
 * names the code and Graph's title only: never the token, the recipient or the text.
 */
export class WhatsAppCloudError extends Error {
  override name = 'WhatsAppCloudError';
  readonly action: CloudErrorAction;

  constructor(
    readonly code: number | null,
    readonly httpStatus: number,
    title: string,
  ) {
    const mapped = code === null ? undefined : CLOUD_ERROR_MAPPING[code];
    // Unknown codes on a server error are the provider's trouble: worth another try.
    const action = mapped ?? (httpStatus >= 500 || httpStatus === 429 ? 'retryLater' : 'failed');
    super(`WhatsApp Cloud API refused the message: ${code ?? `HTTP ${httpStatus}`} ${title} (${action})`.trim());
    this.action = action;
  }

  /** Whether sending again later may succeed. */
  get retryable(): boolean {
    return this.action === 'retryLater';
  }
}
