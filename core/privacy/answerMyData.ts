import type { StepEvent } from '../conversation/types.js';
import type { PrivacyDeps } from './runPrivacyEffect.js';

/**
 * DATA SAYA: the resident's summary and a one-time link to the full copy; refused when `about`
 * names a case or NIK not held under the identity asking.
 */
export async function answerMyData(deps: PrivacyDeps, about: string | null): Promise<StepEvent> {
  void deps;
  void about;
  throw new Error('DATA SAYA is not built yet');
}
