import { createReadStream, readFileSync } from 'node:fs';
import { submitPermit } from '../../core/cases/permitService.js';
import { importLedger } from '../../core/pbb/importLedger.js';
import { FakeTwilioApi, postSignedTwilio, type TwilioCall } from './fakeTwilio.js';
import { eventually, startApp, type TestApp } from './startApp.js';

/**
 * Informal messages run through the real SMS path: signed Twilio webhooks into the whole app,
 * replies read back from a local fake of Twilio's API. Used by test/smsCorpus.test.ts and by
 * `npm run bench:sms`, which prints the shares and the SMS costs for the README.
 */

const AUTH_TOKEN = 'corpus-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'c'.repeat(32)}`;
const CITY_NUMBER = '+15005550006';

/** What a corpus message must lead to; every field given is checked. */
export interface CorpusExpectation {
  /** The conversation's flow afterwards; a trailing `*` matches any flow with that prefix. */
  flow?: string;
  /** The form step the flow waits at (permit.form and complaint.form). */
  at?: string;
  /** The complaint category chosen in the draft. */
  category?: string;
  /** The complaint draft holds a description / a place. */
  description?: boolean;
  place?: boolean;
  /** The permit type opened (permit.detail) or the first one listed (permit.browse). */
  permit?: string;
  /** Permit types that must all be listed (permit.browse), fewer than the whole catalogue. */
  permitList?: string[];
  /** A half-filled application or complaint is kept to resume (true) or not (false). */
  parked?: boolean;
  /** The citizen's language afterwards. */
  lang?: string;
  /** Texts the SMS answer must contain, and must not. `$PERMIT` is a real case's tracking number. */
  sms?: string[];
  notSms?: string[];
  /** Most SMS the answer may take. */
  maxSms?: number;
  /** A case was filed by this message. */
  filed?: boolean;
  /** The complaint filed hides the reporter. */
  anonymous?: boolean;
}

export interface CorpusCase {
  class: string;
  /** Messages sent first from the same number, to reach the state the case starts in. */
  after?: string[];
  text: string;
  expect: CorpusExpectation;
}

export interface CorpusFile {
  about: string;
  cases: CorpusCase[];
}

export interface CorpusResult {
  case: CorpusCase;
  ok: boolean;
  problems: string[];
  /** The SMS the citizen got in answer to the case's message. */
  sms: string[];
}

/** Words that mark the "not understood" answer, in either language. */
export const NOT_UNDERSTOOD = ['belum kami pahami', 'did not understand'];

/** The first-contact notice's SMS, in either language (locales: privacy.notice). */
const PRIVACY_NOTICE = /^(Data Anda diproses .* ketik PRIVASI|Your data is processed .* type PRIVACY)\.$/;

export function readCorpus(file = 'test/corpus/informal.cases.json'): CorpusFile {
  return JSON.parse(readFileSync(file, 'utf8')) as CorpusFile;
}

/** The app on SMS through Twilio, with the demo ledger and one real permit to look up. */
export class SmsCorpusRunner {
  readonly api = new FakeTwilioApi();
  app!: TestApp;
  permitNumber = '';
  private serial = 0;
  private numberSerial = 0;

  async start(): Promise<void> {
    await this.api.start();
    this.app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: CITY_NUMBER,
        SMS_RATE_PER_SECOND: '200',
        LOG_LEVEL: 'warn',
      },
      { twilioHttpClient: this.api.httpClient() },
    );
    await importLedger(this.app.core.db.prisma, createReadStream('city/default/pbb-sppt-demo.csv'));
    const owner = await this.app.core.db.prisma.citizen.create({ data: { language: 'id', phone: '6281100009999' } });
    const filed = await submitPermit(
      this.app.core.db.prisma,
      this.app.core.city,
      {
        citizenId: owner.id,
        typeCode: 'SIUP',
        applicantName: 'Rina Marlina',
        nik: '1275014501900007',
        phone: '6281100009999',
        email: null,
        fields: { businessName: 'Toko Rina', businessAddress: 'Jl. Kenanga 1' },
      },
      this.app.core.clock(),
    );
    this.permitNumber = filed.trackingNumber;
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    await this.api.stop();
  }

  /** A number no case has used: its citizen and conversation are new. */
  freshNumber(): string {
    return `+62819${String(++this.numberSerial).padStart(7, '0')}`;
  }

  private expand(text: string): string {
    return text
      .replaceAll('$PERMIT_SPACED', `${this.permitNumber.slice(0, 5)} ${this.permitNumber.slice(5)}`)
      .replaceAll('$PERMIT', this.permitNumber);
  }

  /**
   * Sends one SMS and waits until every reply it caused has reached the fake provider; returns
   * the texts that number received in answer.
   */
  async send(number: string, body: string): Promise<string[]> {
    const before = this.api.calls.length;
    const prisma = this.app.core.db.prisma;
    const address = number.replace(/\D/g, '');
    const res = await postSignedTwilio(`${this.app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: `SM${String(++this.serial).padStart(32, 'c')}`,
      AccountSid: ACCOUNT_SID,
      From: number,
      To: CITY_NUMBER,
      Body: this.expand(body),
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    await eventually(
      async () => (await prisma.outboxMessage.count({ where: { address, status: 'pending' } })) === 0,
      30_000,
    );
    const texts = this.api.calls
      .slice(before)
      .filter((c: TwilioCall) => c.To === number)
      .map((c) => c.Body);
    // The first-contact privacy notice (UU PDP) is its own SMS, once per resident: counted apart,
    // so the answers are judged as answers (smsCorpus.test.ts checks the notices).
    const notices = texts.filter((t) => PRIVACY_NOTICE.test(t));
    this.notices.set(number, (this.notices.get(number) ?? 0) + notices.length);
    return texts.filter((t) => !PRIVACY_NOTICE.test(t));
  }

  /** How many privacy notices each number received. */
  readonly notices = new Map<string, number>();

  /** The stored state of the number's conversation, as the core left it. */
  async state(number: string): Promise<{ state: Record<string, unknown>; lang: string } | null> {
    const prisma = this.app.core.db.prisma;
    const identity = await prisma.channelIdentity.findUnique({
      where: { channel_address: { channel: 'sms', address: number.replace(/\D/g, '') } },
      include: { citizen: { include: { conversation: true } } },
    });
    const state = identity?.citizen.conversation?.state as Record<string, unknown> | undefined;
    return state ? { state, lang: identity!.citizen.language } : null;
  }

  /** Runs one case on a fresh number and checks what it led to. */
  async run(c: CorpusCase): Promise<CorpusResult> {
    const number = this.freshNumber();
    for (const text of c.after ?? []) await this.send(number, text);
    const casesBefore = await this.casesOf(number);
    const sms = await this.send(number, c.text);
    const problems = await this.check(c.expect, number, sms, casesBefore);
    return { case: c, ok: problems.length === 0, problems, sms };
  }

  private async casesOf(number: string): Promise<number> {
    const prisma = this.app.core.db.prisma;
    const phone = number.replace(/\D/g, '');
    const [permits, complaints] = await Promise.all([
      prisma.permitApplication.count({ where: { citizen: { phone } } }),
      prisma.complaint.count({ where: { citizen: { phone } } }),
    ]);
    return permits + complaints;
  }

  private async check(e: CorpusExpectation, number: string, sms: string[], casesBefore: number): Promise<string[]> {
    const problems: string[] = [];
    const found = await this.state(number);
    const state = found?.state ?? {};
    const flow = (state.flow ?? {}) as Record<string, unknown>;
    const draft = (flow.draft ?? {}) as Record<string, unknown>;
    const text = sms.map((s) => s.replace(/^\(\d+\/\d+\) /, '')).join(' ');
    const want = (what: string, ok: boolean, got: unknown) => {
      if (!ok) problems.push(`${what}: got ${JSON.stringify(got)}`);
    };
    if (e.flow !== undefined) {
      const name = String(flow.name ?? '');
      want(`flow ${e.flow}`, e.flow.endsWith('*') ? name.startsWith(e.flow.slice(0, -1)) : name === e.flow, name);
    }
    if (e.at !== undefined) want(`at ${e.at}`, flow.at === e.at, flow.at);
    if (e.category !== undefined) want(`category ${e.category}`, draft.category === e.category, draft.category);
    if (e.description !== undefined) {
      want(`description ${e.description}`, Boolean(draft.description) === e.description, draft.description);
    }
    if (e.place !== undefined) want(`place ${e.place}`, Boolean(draft.place) === e.place, draft.place);
    if (e.permit !== undefined) {
      const shown = flow.name === 'permit.detail' ? flow.code : ((flow.codes as string[] | undefined) ?? [])[0];
      want(`permit ${e.permit}`, shown === e.permit, shown);
    }
    if (e.permitList !== undefined) {
      const codes = (flow.codes as string[] | undefined) ?? [];
      const whole = this.app.core.city.permitTypes.length;
      want(
        `permits listed ${e.permitList.join(',')}`,
        flow.name === 'permit.browse' && codes.length < whole && e.permitList.every((code) => codes.includes(code)),
        codes,
      );
    }
    if (e.parked !== undefined) {
      const parked = state.parked;
      const any = Boolean(parked) && (typeof parked !== 'object' || Object.values(parked as object).some(Boolean));
      want(`parked ${e.parked}`, any === e.parked, parked);
    }
    if (e.lang !== undefined) want(`lang ${e.lang}`, found?.lang === e.lang, found?.lang);
    for (const s of e.sms ?? []) {
      const needle = this.expand(s);
      want(`sms contains "${needle}"`, text.toLowerCase().includes(needle.toLowerCase()), text);
    }
    for (const s of e.notSms ?? []) {
      const needle = this.expand(s);
      want(`sms lacks "${needle}"`, !text.toLowerCase().includes(needle.toLowerCase()), text);
    }
    if (e.maxSms !== undefined) want(`at most ${e.maxSms} SMS`, sms.length <= e.maxSms && sms.length > 0, sms.length);
    if (e.filed !== undefined) {
      const filed = (await this.casesOf(number)) > casesBefore;
      want(`filed ${e.filed}`, filed === e.filed, filed);
    }
    if (e.anonymous !== undefined) {
      const complaint = await this.app.core.db.prisma.complaint.findFirst({
        where: { citizen: { phone: number.replace(/\D/g, '') } },
        orderBy: { createdAt: 'desc' },
      });
      want(`anonymous ${e.anonymous}`, complaint?.anonymous === e.anonymous, complaint?.anonymous);
    }
    return problems;
  }

  /**
   * A citizen who knows what they want and answers whatever is asked: applies for SIUP, or files
   * a street-light complaint, starting from the menu word. Returns the SMS count in and out.
   */
  async straightTask(task: 'siup' | 'complaint'): Promise<{ in: number; out: number; parts: number[] }> {
    const number = this.freshNumber();
    const parts: number[] = [];
    let sent = 0;
    const say = async (text: string) => {
      sent++;
      parts.push((await this.send(number, text)).length);
    };
    await say(task === 'siup' ? 'izin' : 'aduan');
    for (let turn = 0; turn < 20; turn++) {
      const state = (await this.state(number))?.state ?? {};
      const flow = (state.flow ?? {}) as Record<string, unknown>;
      const options = (state.options as string[] | undefined) ?? [];
      const pick = (id: string) => {
        const index = options.indexOf(id);
        if (index < 0) throw new Error(`option ${id} not offered at ${String(flow.name)}`);
        return String(index + 1);
      };
      const name = String(flow.name);
      if (name === 'menu') break;
      if (name === 'permit.browse') await say(pick('permit.type:SIUP'));
      else if (name === 'permit.detail') await say(pick('permit.apply:SIUP'));
      else if (name === 'permit.form') {
        const answers: Record<string, string> = {
          name: 'Budi Santoso',
          nik: '1275014501900007',
          phone: '081234567890',
          email: 'lewati',
          'field:businessName': 'Toko Maju Jaya',
          'field:businessAddress': 'Jl. Kenanga No. 5, Medan Baru',
        };
        await say(answers[String(flow.at)] ?? 'lanjut');
      } else if (name === 'permit.confirm') await say(pick('permit.submit'));
      else if (name === 'complaint.form') {
        const at = String(flow.at);
        if (at === 'category') await say(pick('complaint.category:lampu'));
        else if (at === 'description') await say('Lampu jalan mati sudah seminggu, gelap sekali kalau malam');
        else if (at === 'place') await say('Jl. Kenanga depan masjid Al Ikhlas');
        else if (at === 'anonymous') await say(pick('complaint.anonymous:no'));
        else await say('lanjut');
      } else if (name === 'complaint.confirm') await say(pick('complaint.submit'));
      else throw new Error(`the ${task} task stopped at ${name}`);
    }
    if ((await this.casesOf(number)) !== 1) throw new Error(`the ${task} task filed nothing`);
    return { in: sent, out: parts.reduce((a, b) => a + b, 0), parts };
  }
}
