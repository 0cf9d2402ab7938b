/** Officer commands, in Bahasa Indonesia with English aliases. They all start with "/". */
export const OFFICER_COMMANDS = {
  queue: ['antrian', 'queue'],
  claim: ['ambil', 'claim'],
  reply: ['balas', 'reply'],
  status: ['status'],
  done: ['selesai', 'done', 'finish'],
  reject: ['tolak', 'reject'],
  forward: ['teruskan', 'forward'],
  timeline: ['riwayat', 'timeline', 'lihat', 'view'],
  search: ['cari', 'search'],
  help: ['bantuan', 'help'],
  register: ['daftar', 'register'],
} as const;

export type OfficerCommandName = keyof typeof OFFICER_COMMANDS;

export interface OfficerCommand {
  name: OfficerCommandName;
  /** The words after the command. */
  args: string[];
  /** Everything after the command and its first `argsBeforeText` words, as typed. */
  rest: string;
}

const BY_WORD = new Map<string, OfficerCommandName>(
  Object.entries(OFFICER_COMMANDS).flatMap(([name, words]) => words.map((w) => [w, name as OfficerCommandName])),
);

/**
 * Reads "/balas A12345678 Jalan sudah ditambal" as { name: 'reply', args: [...], rest }. Also
 * accepts Telegram's "/balas@KotaBot" form and a button id "off.claim:A12345678" (or with more
 * words, "off.status:A12345678:verified"). Null when the
 * text is not an officer command.
 */
export function parseOfficerCommand(text: string, choice?: string): OfficerCommand | null {
  if (choice?.startsWith('off.')) {
    // "off.status:A12345678:verified": the command, then its words.
    const [name, ...parts] = choice.slice(4).split(':');
    // Nothing is typed with a button, so there is no text after its words.
    const args = parts.filter(Boolean);
    if (name && BY_WORD.has(name)) return { name: BY_WORD.get(name)!, args, rest: '' };
    if (name && name in OFFICER_COMMANDS) return { name: name as OfficerCommandName, args, rest: '' };
    return null;
  }
  const m = /^\s*\/([a-z]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(text);
  if (!m) return null;
  const name = BY_WORD.get(m[1]!.toLowerCase());
  if (!name) return null;
  const rest = (m[2] ?? '').trim();
  return { name, args: rest ? rest.split(/\s+/) : [], rest };
}

/** The text after the first `n` words of `rest`. */
export function textAfter(rest: string, n: number): string {
  return rest.trim().split(/\s+/).slice(n).join(' ').trim();
}
