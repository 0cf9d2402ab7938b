import type { CorrectableField, StepEvent } from '../conversation/types.js';
import type { PrivacyDeps } from './runPrivacyEffect.js';

/** UBAH DATA: writes the corrected field on the citizen and their open cases, and records it on the trail. */
export async function correctCitizenData(
  deps: PrivacyDeps,
  field: CorrectableField,
  value: string,
): Promise<StepEvent> {
  void deps;
  void value;
  throw new Error(`UBAH DATA (${field}) is not built yet`);
}
