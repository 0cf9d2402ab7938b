/** SMS keywords that are about the line itself rather than the dialogue: opting out and back in. */
const OPT_OUT = new Set(['stop', 'berhenti', 'unsubscribe', 'unreg', 'stopall', 'end']);
const OPT_IN = new Set(['mulai', 'start', 'subscribe', 'unstop']);

/** The neutral control an SMS text stands for, if it is exactly one of the keywords. */
export function smsControl(text: string): 'optOut' | 'optIn' | undefined {
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
  if (OPT_OUT.has(word)) return 'optOut';
  if (OPT_IN.has(word)) return 'optIn';
  return undefined;
}
