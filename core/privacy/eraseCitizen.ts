import type { StepEvent } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { PrivacyDeps } from './runPrivacyEffect.js';

/** The tracking numbers of a resident's open cases. */
export async function listOpenCases(tx: Prisma.TransactionClient, citizenId: string): Promise<string[]> {
  void tx;
  void citizenId;
  throw new Error('listOpenCases is not built yet');
}

/** HAPUS DATA SAYA, confirmed: contact data, identities and photos removed, cases pseudonymised. */
export async function eraseCitizen(deps: PrivacyDeps, openCases: 'close' | 'keep'): Promise<StepEvent> {
  void deps;
  void openCases;
  throw new Error('HAPUS DATA SAYA is not built yet');
}
