import type { CityData } from '../core/city/loadCityData.js';
import { formatNop } from '../core/domain/nop.js';
import { checkNik } from '../core/domain/nik.js';
import { seededRandom } from './seededRandom.js';

/** The kinds of dialogue a simulated citizen has with the city, by SMS. */
export const SCRIPT_KINDS = ['pbb', 'pbbByMenu', 'track', 'permit', 'menu', 'help'] as const;
export type ScriptKind = (typeof SCRIPT_KINDS)[number];

/** How often each kind of dialogue starts (relative weights). */
export const DIALOGUE_MIX: Readonly<Record<ScriptKind, number>> = {
  pbb: 35,
  pbbByMenu: 10,
  track: 25,
  permit: 15,
  menu: 10,
  help: 5,
};

/**
 * Where a citizen's conversation stands, as far as the next dialogue's first message cares:
 * 'menu' means the main menu's six options are on screen; 'other' anything else.
 */
type Where = 'new' | 'menu' | 'pbb' | 'track' | 'other';
const ANYWHERE: readonly Where[] = ['new', 'menu', 'pbb', 'track', 'other'];

interface Script {
  /** Where its first message is understood; elsewhere the citizen types MENU first. */
  from: readonly Where[];
  ends: Where;
  messages: string[];
}

/** One message to send, labelled with the dialogue it belongs to. */
export interface CitizenMessage {
  from: string;
  body: string;
  kind: ScriptKind | 'menuFirst';
}

export interface Citizen {
  /** E.164, as Twilio sends it. */
  phone: string;
  /** The tracking number of a permit this citizen filed before the run, if any. */
  ownCase: string | null;
  where: Where;
  /** Has written to the city before: seeded with a case, or sent a message in this run. */
  wrote: boolean;
  queue: CitizenMessage[];
  /** The tail of this citizen's in-flight messages: a dialogue is never pipelined. */
  busy: Promise<void>;
}

export interface CitizenOptions {
  count: number;
  /** NOPs in the city's PBB ledger (18 digits). */
  nops: readonly string[];
  /** Tracking numbers of permits on file, and who filed them. */
  cases: ReadonlyArray<{ trackingNumber: string; phone: string }>;
  /** Phone numbers (E.164) of the simulated citizens, so they can be seeded beforehand. */
  phones: readonly string[];
  city: CityData;
  seed?: number;
}

const GIVEN = ['Budi', 'Siti', 'Rahmat', 'Dewi', 'Agus', 'Rina', 'Hendra', 'Nur', 'Yusuf', 'Lestari', 'Fajar', 'Ayu'];
const FAMILY = ['Santoso', 'Nasution', 'Siregar', 'Hutagalung', 'Lubis', 'Harahap', 'Saragih', 'Sinaga', 'Wijaya'];

/** The phone numbers (E.164) of `count` simulated citizens: an Indonesian mobile range of our own. */
export function citizenPhones(count: number, prefix = '+628127'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);
}

/**
 * Citizens who write to the city by SMS, each with a dialogue under way: a PBB lookup by NOP
 * (typed with dots, bare or spaced, or through the menu), a status check `cek <number>` of
 * their own permit or someone else's, a permit application step by step (with the odd wrong
 * NIK), the menu or help. `next(i)` gives citizen i's next message.
 */
export class SimulatedCitizens {
  readonly citizens: Citizen[];
  private readonly random: () => number;
  private readonly permitTypes: CityData['permitTypes'];
  private readonly weights: Array<[ScriptKind, number]>;
  private readonly totalWeight: number;
  private serial = 0;

  constructor(private readonly options: CitizenOptions) {
    this.random = seededRandom(options.seed ?? 20_261_128);
    const owned = new Map(options.cases.map((c) => [c.phone, c.trackingNumber]));
    this.citizens = options.phones.slice(0, options.count).map((phone) => ({
      phone,
      ownCase: owned.get(phone) ?? null,
      where: 'new',
      wrote: owned.has(phone),
      queue: [],
      busy: Promise.resolve(),
    }));
    this.permitTypes = options.city.permitTypes.filter((t) => t.online);
    this.weights = Object.entries(DIALOGUE_MIX) as Array<[ScriptKind, number]>;
    this.totalWeight = this.weights.reduce((sum, [, w]) => sum + w, 0);
  }

  /**
   * Citizen i's next message; a new dialogue starts when the last one is done. `firstContact`:
   * the citizen never wrote before (the app makes them a citizen and shows its privacy notice).
   */
  next(i: number): CitizenMessage & { firstContact: boolean } {
    const citizen = this.citizens[i % this.citizens.length]!;
    if (citizen.queue.length === 0) this.startDialogue(citizen);
    const firstContact = !citizen.wrote;
    citizen.wrote = true;
    return { ...citizen.queue.shift()!, firstContact };
  }

  /** The indexes of the citizens who have not written yet. */
  newcomers(): number[] {
    return this.citizens.flatMap((c, i) => (c.wrote ? [] : [i]));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private startDialogue(citizen: Citizen): void {
    let roll = this.random() * this.totalWeight;
    let kind: ScriptKind = 'menu';
    for (const [k, w] of this.weights) {
      roll -= w;
      if (roll < 0) {
        kind = k;
        break;
      }
    }
    const script = this.script(kind, citizen);
    if (!script.from.includes(citizen.where))
      citizen.queue.push({ from: citizen.phone, body: 'MENU', kind: 'menuFirst' });
    for (const body of script.messages) citizen.queue.push({ from: citizen.phone, body, kind });
    citizen.where = script.ends;
  }

  /** A NOP as people type it: with dots and dash, bare, or in groups. */
  private typedNop(): string {
    const nop = this.pick(this.options.nops);
    const style = this.random();
    if (style < 0.5) return formatNop(nop);
    if (style < 0.8) return nop;
    return formatNop(nop).replace(/[.-]/g, ' ');
  }

  private nik(): string {
    for (;;) {
      const day = 1 + Math.floor(this.random() * 28) + (this.random() < 0.5 ? 40 : 0);
      const month = 1 + Math.floor(this.random() * 12);
      const yy = 60 + Math.floor(this.random() * 40);
      const serial = 1 + Math.floor(this.random() * 9998);
      const two = (n: number) => String(n).padStart(2, '0');
      const nik = `127501${two(day)}${two(month)}${two(yy)}${String(serial).padStart(4, '0')}`;
      if (checkNik(nik).ok) return nik;
    }
  }

  private script(kind: ScriptKind, citizen: Citizen): Script {
    switch (kind) {
      case 'pbb': {
        const messages = [`PBB ${this.typedNop()}`];
        // Some look up a second object (a parent's house) while at it.
        if (this.random() < 0.3) messages.push(this.typedNop());
        return { from: ['new', 'menu', 'pbb'], ends: 'pbb', messages };
      }
      case 'pbbByMenu':
        return { from: ['menu'], ends: 'pbb', messages: ['3', this.pick(this.options.nops)] };
      case 'track': {
        const own = citizen.ownCase && this.random() < 0.7 ? citizen.ownCase : null;
        const number = own ?? this.pick(this.options.cases).trackingNumber;
        return { from: ['new', 'menu', 'track'], ends: 'track', messages: [`cek ${number}`] };
      }
      case 'permit': {
        const type = this.pick(this.permitTypes);
        const name = `${this.pick(GIVEN)} ${this.pick(FAMILY)}`;
        const messages = [`izin ${type.code}`, '1', name];
        // A quarter mistype the NIK first and are asked again.
        if (this.random() < 0.25) messages.push(this.nik().slice(0, 15));
        messages.push(this.nik());
        messages.push(this.random() < 0.5 ? '-' : `${name.split(' ')[0]!.toLowerCase()}${++this.serial}@contoh.id`);
        for (const field of type.fields) {
          messages.push(`${field.label.id} ${name} ${this.serial}`.padEnd(field.minLength, '.'));
        }
        messages.push('1');
        // The confirmation offers its own options, not the menu's.
        return { from: ANYWHERE, ends: 'other', messages };
      }
      case 'menu':
        return { from: ANYWHERE, ends: 'menu', messages: [this.pick(['MENU', 'halo', 'menu'])] };
      case 'help':
        return { from: ANYWHERE, ends: 'menu', messages: ['bantuan'] };
    }
  }
}
