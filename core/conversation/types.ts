import type { CityData } from '../city/loadCityData.js';
import type { Lexicon } from './understanding/Lexicon.js';

/**
 * The contracts of the conversation core. Everything here is plain JSON-able data with nothing
 * channel-specific in it: adapters in bots/ translate to and from these shapes.
 */

export const LANGUAGES = ['id', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const CHANNELS = ['console', 'sms', 'telegram', 'whatsapp', 'email'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** A file a citizen sent, as the adapter fetched it. */
export interface MediaRef {
  mimeType: string;
  /** Where the adapter can fetch the bytes from, or an already stored path. */
  url: string;
}

/** Why a photo a citizen sent was not kept: over the size limit, not a photo, or not to be had from the channel. */
export type MediaRefusal = 'tooLarge' | 'notAPhoto' | 'unavailable';

/**
 * What every channel adapter produces from a native update.
 * @example { channel: 'sms', address: '6281234567890', externalId: 'SM123', receivedAt, text: 'pbb' }
 */
export interface InboundEvent {
  channel: ChannelName;
  /** Phone number (digits, country code first) for SMS and WhatsApp, chat id for Telegram. */
  address: string;
  /** The provider's id of this message, used to drop duplicates. */
  externalId: string;
  receivedAt: Date;
  text?: string | undefined;
  /** Id of a pressed button, when the channel has buttons. */
  choice?: string | undefined;
  /** The platform's "new conversation" signal (Telegram's /start). */
  start?: boolean | undefined;
  location?: { latitude: number; longitude: number } | undefined;
  media?: MediaRef[] | undefined;
  /** A phone number the platform vouches for: the SMS/WhatsApp sender, or a shared Telegram contact. */
  phone?: string | undefined;
  /** SMS STOP/BERHENTI (optOut) and MULAI/START (optIn), recognised by the adapter. */
  control?: 'optOut' | 'optIn' | undefined;
  /** Photos the inbox could not keep, and why: set by the inbox once it has fetched them, never by an adapter. */
  mediaNotKept?: MediaRefusal[] | undefined;
}

/** One translatable line: an i18n key and its parameters. */
export interface Line {
  key: string;
  params?: Record<string, string | number>;
}

/** A choice offered to the citizen: a button on Telegram, a numbered line elsewhere. */
export interface Option {
  id: string;
  label: Line;
}

/** One outbound message, still neutral: rendered per language and per channel at send time. */
export interface Reply {
  lines: Line[];
  options?: Option[];
}

/** A PBB tax object as the core sees it, amounts in whole rupiah. */
export interface TaxObjectView {
  nop: string;
  taxpayerName: string;
  address: string;
  bills: Array<{ year: number; amountDue: number; dueDate: string; paidAt: string | null }>;
}

/**
 * A half-filled permit application. `values` holds what was answered per form step
 * ('name', 'nik', 'phone', 'email', 'documents', 'field:<key>'); an empty email means skipped.
 */
export interface PermitDraft {
  code: string;
  values: Record<string, string>;
  /** Photos of documents received in the chat. */
  documents: number;
}

/** A complaint being filed. Photos are SHA-256 hashes of files the executor already stored. */
export interface ComplaintDraft {
  category?: string;
  description?: string;
  place?: { text: string | null; latitude: number | null; longitude: number | null };
  photos: string[];
  /** The citizen said they have no (more) photos. */
  photosDone?: boolean;
  anonymous?: boolean;
}

/** A case as listed for its owner. */
export interface CaseSummary {
  kind: 'permit' | 'complaint';
  trackingNumber: string;
  title: { id: string; en: string };
  status: string;
}

/** A case looked up by tracking number; `details` only for its owner. */
export interface CaseView extends CaseSummary {
  isOwner: boolean;
  /** What its owner may do now: add information to an open complaint, rate a finished one. */
  actions?: Array<'addInfo' | 'rate'>;
  details?: {
    department: string;
    /** The officer holding it, when the city shows names; null when unassigned or hidden. */
    officer: string | null;
    submittedAt: string;
    deadlineAt: string;
    closedAt: string | null;
    /** The SLA clock waits for the applicant (needs revision). */
    paused: boolean;
    /**
     * A complaint's first two SP4N-LAPOR clocks, verification and first response, beside the
     * resolution deadline above: each with its deadline and when it was met (null: still running).
     */
    clocks?: Array<{ clock: 'verify' | 'firstResponse'; deadlineAt: string; doneAt: string | null }>;
    events: Array<{ at: string; status: string; note: string | null }>;
  };
}

/** A resident's own data as the dialogue shows it (DATA SAYA): contact data already masked. */
export interface MyDataSummary {
  /** Each channel account linked to the resident, its address masked. */
  identities: Array<{ channel: ChannelName; address: string }>;
  name: string | null;
  /** Masked (maskPhone). */
  phone: string | null;
  /** Masked (maskEmail). */
  email: string | null;
  /** False once the resident withdrew consent to email notices. */
  emailNotices: boolean;
  openCases: CaseSummary[];
  closedCases: number;
  /** The one-time link to the full copy (readable text and JSON); null when none could be made. */
  link: { url: string; expiresAt: string } | null;
}

/** Personal fields a resident may correct with UBAH DATA. */
export const CORRECTABLE_FIELDS = ['name', 'email', 'phone'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/**
 * The steps of filing a complaint, in order. Whether to hide the reporter is asked with the
 * summary; `anonymous` remains for states stored before that.
 */
export type ComplaintStep = 'category' | 'description' | 'place' | 'photos' | 'anonymous';

/** A half-filled application or complaint the citizen left, kept for a while to resume. */
export interface ParkedDrafts {
  permit?: { draft: PermitDraft; at: string } | null;
  complaint?: { draft: ComplaintDraft; at: string } | null;
}

/** Where the citizen is in the dialogue. */
export type Flow =
  | { name: 'menu' }
  | { name: 'language' }
  | { name: 'pbb.askNop' }
  /** `detail`: every year's bill, asked for after a short answer. */
  | { name: 'pbb.lookingUp'; nop: string; detail?: boolean }
  | { name: 'permit.browse'; page: number; codes: string[] }
  | { name: 'permit.detail'; code: string; codes: string[] }
  | { name: 'permit.form'; draft: PermitDraft; at: string; editing: boolean }
  | { name: 'permit.confirm'; draft: PermitDraft }
  | { name: 'permit.edit'; draft: PermitDraft }
  | { name: 'permit.submitting'; draft: PermitDraft }
  | { name: 'complaint.form'; draft: ComplaintDraft; at: ComplaintStep; editing?: boolean }
  | { name: 'complaint.confirm'; draft: ComplaintDraft }
  | { name: 'complaint.edit'; draft: ComplaintDraft }
  | { name: 'complaint.submitting'; draft: ComplaintDraft }
  | { name: 'complaint.duplicate'; draft: ComplaintDraft; trackingNumber: string }
  | { name: 'complaint.adding'; trackingNumber: string }
  | { name: 'complaint.rating'; trackingNumber: string }
  | { name: 'complaint.ratingComment'; trackingNumber: string; rating: number }
  /** UBAH DATA: which field (unset: asking), then its new value. */
  | { name: 'privacy.correct'; field?: CorrectableField }
  /** HAPUS DATA SAYA, asked to confirm; `openCases`: the resident's open cases' tracking numbers. */
  | { name: 'privacy.erase'; openCases: string[] }
  | { name: 'track.ask' }
  /** `history`: the whole timeline, asked for after a short answer. */
  | { name: 'track.lookingUp'; history?: boolean };

/** The whole conversation state of one citizen, stored as JSON. */
export interface ConversationState {
  v: 1;
  lang: Lang;
  flow: Flow;
  /** Ids of the options last offered, so a typed "2" means the second of them. */
  options: string[];
  /** Their labels, so a typed "kirim" means the option labelled so. */
  optionLabels?: Line[];
  /** ISO time of the last message handled. */
  lastActivityAt: string | null;
  /** Half-filled drafts left by going idle or elsewhere, kept for a while to resume. */
  parked?: ParkedDrafts | null;
  /** Set when an officer wrote to the citizen: their next free text goes back to that officer. */
  thread?: { trackingNumber: string; officerId: string } | null;
}

/** An event the step function handles: a citizen's message, or the answer to a query it asked for. */
export type StepEvent =
  | {
      type: 'message';
      text: string;
      choice?: string | undefined;
      start?: boolean | undefined;
      control?: 'optOut' | 'optIn' | undefined;
      location?: { latitude: number; longitude: number } | undefined;
      media: MediaRef[];
      /** Photos sent with the message that could not be kept: the citizen is told why, the rest is read as usual. */
      mediaNotKept?: MediaRefusal[] | undefined;
    }
  | { type: 'pbb.result'; nop: string; taxObject: TaxObjectView | null }
  | { type: 'permit.submitted'; trackingNumber: string; deadlineAt: string }
  | { type: 'permit.refused'; reason: string }
  | { type: 'case.result'; trackingNumber: string; view: CaseView | null }
  | {
      type: 'complaint.submitted';
      trackingNumber: string;
      deadlineAt: string;
      department: string;
      departmentCode?: string;
    }
  | { type: 'complaint.duplicateFound'; trackingNumber: string }
  | { type: 'complaint.added'; trackingNumber: string }
  | { type: 'complaint.rated'; trackingNumber: string; reopened: boolean }
  | { type: 'complaint.refused'; trackingNumber: string | null }
  | { type: 'cases.mine'; cases: CaseSummary[] }
  /**
   * A citizen's answer to an officer: forwarded, or not (the case closed meanwhile, the officer
   * gone), when `text` is read again as a message of its own.
   */
  | { type: 'case.citizenReplied'; trackingNumber: string; forwarded: boolean; text?: string | undefined }
  /**
   * DATA SAYA answered: the summary, or why it was refused (`notYours`: the case or NIK named
   * is not held under this channel account; `unknown`: nothing by that name).
   */
  | { type: 'privacy.myData'; summary: MyDataSummary | null; refused?: 'notYours' | 'unknown' | undefined }
  | { type: 'privacy.openCases'; trackingNumbers: string[] }
  | { type: 'privacy.corrected'; field: CorrectableField; cases: number }
  | { type: 'privacy.erased'; closedCases: string[]; keptCases: string[] };

/**
 * What the step function asks the executor to do. `query.*` effects are reads whose answers come
 * back as the next StepEvent; the others are writes done in the same transaction as the new state.
 */
export type Effect =
  | { type: 'query.pbb'; nop: string }
  | { type: 'query.case'; trackingNumber: string }
  | { type: 'query.myCases' }
  | { type: 'permit.submit'; draft: PermitDraft }
  | { type: 'complaint.submit'; draft: ComplaintDraft; allowDuplicate: boolean }
  | { type: 'complaint.addInfo'; trackingNumber: string; text: string | null; photos: string[] }
  | { type: 'complaint.rate'; trackingNumber: string; rating: number; comment: string | null }
  | { type: 'case.citizenReply'; trackingNumber: string; officerId: string; text: string }
  | { type: 'citizen.setLanguage'; lang: Lang }
  | { type: 'citizen.setSmsOptOut'; optOut: boolean }
  /** The first-contact privacy notice went out with this message's replies. */
  | { type: 'privacy.noticeShown' }
  /** DATA SAYA; `about`: a tracking number or NIK named with it, to check it is the resident's. */
  | { type: 'query.myData'; about: string | null }
  | { type: 'query.openCases' }
  /** UBAH DATA: the value already checked by the dialogue (a phone as digits with country code). */
  | { type: 'privacy.correct'; field: CorrectableField; value: string }
  /** HAPUS DATA SAYA, confirmed: open cases withdrawn (`close`) or left to run detached (`keep`). */
  | { type: 'privacy.erase'; openCases: 'close' | 'keep' }
  /** Consent to email notices withdrawn (false) or given again (true). */
  | { type: 'privacy.emailNotices'; on: boolean };

/** The city facts the dialogue needs. */
export type StepCity = Pick<
  CityData,
  | 'name'
  | 'office'
  | 'timezone'
  | 'timezoneLabel'
  | 'pbb'
  | 'residency'
  | 'permitTypes'
  | 'complaintCategories'
  | 'departments'
  | 'privacy'
>;

/** Everything outside the state that a step may depend on. No clock, no I/O: time comes in here. */
export interface StepContext {
  now: Date;
  city: StepCity;
  idleTimeoutMs: number;
  /** How long a half-filled application is kept after the session went idle. */
  draftRetentionMs: number;
  /**
   * What the channel the citizen writes on can carry; `compact` when every character costs (SMS):
   * short labels, the essential first and the rest on request.
   */
  channel: { media: boolean; compact?: boolean };
  /** How residents write: word lists of every language, compiled (locales/<lang>/words.json). */
  words: Lexicon;
  /** The citizen's phone number when the channel vouches for it (SMS, WhatsApp). */
  citizenPhone: string | null;
  /** The resident has not had the first-contact privacy notice yet: it goes with this answer. */
  privacyNoticeDue?: boolean | undefined;
}

export interface StepResult {
  state: ConversationState;
  replies: Reply[];
  effects: Effect[];
}
