/** A refused operation on a case, with a code the caller can turn into a message. */
export class CaseError extends Error {
  override name = 'CaseError';
  constructor(
    readonly code: 'not_found' | 'invalid_transition' | 'note_required' | 'not_online' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

/** Who did something to a case. */
export interface Actor {
  type: 'citizen' | 'officer' | 'system';
  id?: string | undefined;
}
