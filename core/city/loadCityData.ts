import path from 'node:path';
import { z } from 'zod';
import { readValidatedJson } from '../data/readValidatedJson.js';
import { formatNop, parseNop } from '../domain/nop.js';
import { calendarProblems } from './checkCalendar.js';
import { readCityBoundary, type CityBoundary } from './readCityBoundary.js';

const localized = z.object({ id: z.string().min(1), en: z.string().min(1) });
/**
 * A text of the city's data in both languages, `{ "id": ..., "en": ... }`, or one plain string
 * used for both (an English-first city writes its own English there).
 */
const bilingual = z
  .union([z.string().min(1), localized])
  .transform((t) => (typeof t === 'string' ? { id: t, en: t } : t));
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((d) => {
    const date = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === d;
  }, 'is not a real calendar date');

/**
 * A day off: a national holiday (libur nasional) or a cuti bersama, both set each year by the joint
 * decree (SKB) of the Ministers of Religious Affairs, Manpower and Administrative Reform, or a
 * local holiday of the city. A date the decree leaves to a later decision (Idul Fitri and Idul Adha
 * wait for the Minister of Religious Affairs' sidang isbat) is `tentative` until confirmed.
 */
const holidaySchema = z.object({
  date: isoDate,
  name: bilingual,
  kind: z.enum(['national', 'cuti-bersama', 'local']).default('national'),
  tentative: z.boolean().default(false),
  note: z.string().min(1).optional(),
});

/** Where a year's holidays come from: the decree, when it was signed, where it is published. */
const calendarSourceSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  decree: z.string().min(1),
  signed: isoDate,
  url: z.url({ protocol: /^https?$/ }),
  /** The counts the decree states, checked against the year's holidays at start. */
  counts: z.object({ national: z.number().int().min(0), cutiBersama: z.number().int().min(0) }).optional(),
  note: z.string().min(1).optional(),
});

const calendarSchema = z.object({
  workingWeekdays: z.array(z.number().int().min(0).max(6)).min(1),
  /**
   * Whether the city's offices close on cuti bersama, so working-day deadlines skip them. Most city
   * offices do; the decree lets a service that must stay open arrange its own duty roster.
   */
  cutiBersamaClosed: z.boolean().default(true),
  sources: z.array(calendarSourceSchema).default([]),
  holidays: z.array(holidaySchema),
});

/** A region code of `digits` digits (4: province and city/regency; 6: with the district); `hint` says which. */
function regionCode(digits: RegExp, hint: string) {
  return z.string().regex(digits, `must be ${hint}`);
}

/** A field a permit type asks for beyond the common applicant data (name, NIK, phone, email). */
const permitFieldSchema = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  label: localized,
  minLength: z.number().int().positive().default(3),
});

const permitTypeSchema = z
  .object({
    code: z.string().min(1),
    name: localized,
    online: z.boolean(),
    slaHours: z.number().int().positive().optional(),
    slaWorkingDays: z.number().int().positive().optional(),
    department: z.string().min(1),
    requirements: z.array(bilingual).min(1),
    /** What residents call it ("warung", "bangun rumah"): found by the catalogue search. */
    keywords: z.array(z.string()).default([]),
    /** A few words for lists on SMS, where every character costs: "Usaha dagang (SIUP)". */
    shortName: localized.optional(),
    fields: z.array(permitFieldSchema).default([]),
    /** Only the city's residents (NIK of `residency.nikRegions`) may apply; most permits are open to anyone. */
    residentsOnly: z.boolean().default(false),
  })
  .refine((p) => (p.slaHours === undefined) !== (p.slaWorkingDays === undefined), {
    message: 'exactly one of slaHours and slaWorkingDays is needed',
  });

const departmentsFileSchema = z.object({
  departments: z
    .array(
      z.object({
        code: z.string().min(1),
        /** Its name, or its names in both languages: `name` stays the Indonesian (staff) one. */
        name: bilingual,
        handles: z.array(z.string()),
        /** How residents reach it, named in answers such as an unknown NOP's. */
        phone: z.string().min(1).optional(),
      }),
    )
    .min(1),
  complaintCategories: z
    .array(
      z.object({
        code: z.string().min(1),
        name: localized,
        /** A few words for lists on SMS. */
        shortName: localized.optional(),
        slaWorkingDays: z.number().int().positive(),
        /** Words that name the problem in plain language ("lampu mati", "got mampet"), any language. */
        keywords: z.array(z.string().min(1)).default([]),
      }),
    )
    .min(1),
});

const language = z.enum(['id', 'en']);

/** What is wrong with a tile URL template, or null: http(s), with {z}, {x} and {y} and no other placeholder. */
function tileUrlProblem(template: string): string | null {
  const missing = ['{z}', '{x}', '{y}'].filter((p) => !template.includes(p));
  if (missing.length > 0) return `must contain ${missing.join(', ')}, e.g. https://tile.example.org/{z}/{x}/{y}.png`;
  const filled = template.replaceAll('{z}', '0').replaceAll('{x}', '0').replaceAll('{y}', '0');
  if (/[{}]/.test(filled)) return 'may hold only {z}, {x} and {y} (one host: no {s} subdomains)';
  try {
    const url = new URL(filled);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  } catch {
    return 'is not a URL';
  }
  return null;
}

/** How long personal data is kept (UU PDP), in days; "AfterClose" counts from a case's closing. */
const retentionSchema = z.object({
  /** A half-filled application or complaint left in a conversation. */
  draftDays: z.number().int().min(1).default(30),
  /** Inbound message ids kept to drop a provider's repeated delivery. */
  messageIdDays: z.number().int().min(1).default(30),
  /** The texts of replies and notices once sent (or given up). */
  replyBodyDays: z.number().int().min(1).default(90),
  photoDaysAfterClose: z.number().int().min(0).default(365),
  /** NIK, name, phone and email on a closed permit application. */
  nikDaysAfterClose: z.number().int().min(0).default(1825),
  /** Exact coordinates of a closed complaint, then rounded to `coordinateDecimals`. */
  coordinatesDaysAfterClose: z.number().int().min(0).default(365),
});

const privacyContact = z.object({
  name: z.string().min(1),
  address: z.string().min(1).optional(),
  email: z.string().email().optional(),
  phone: z.string().min(1).optional(),
});

/**
 * Personal data (UU PDP, Law 27 of 2022): who the controller is and who answers residents'
 * requests, the notice's link, retention periods, and how precise published coordinates are.
 */
const privacySchema = z
  .object({
    /** Whether a citizen sees the name of the officer holding their case, or the role only. */
    showOfficerName: z.boolean().default(false),
    about: z.string().optional(),
    /** The controller (pengendali data pribadi); unset: the city's office. */
    controller: privacyContact.optional(),
    /** The data protection officer (pejabat pelindungan data pribadi); unset: the controller answers. */
    officer: privacyContact.optional(),
    /** Where the full privacy notice is published. */
    noticeUrl: z.string().url().optional(),
    retention: retentionSchema.prefault({}),
    /** How long a DATA SAYA copy link stays valid (it is spent when opened). */
    copyLinkHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 7)
      .default(72),
    /** Decimals of every coordinate published outside an officer's case page (3: about 110 m). */
    coordinateDecimals: z.number().int().min(0).max(6).default(3),
  })
  .prefault({});

const cityFileSchema = z.object({
  name: z.string().min(1),
  /**
   * The language of a citizen who has not chosen one and of staff texts with no language of their
   * own (officers, escalation levels). The DEFAULT_LANGUAGE setting overrides it for citizens.
   */
  defaultLanguage: language.default('id'),
  timezone: z.string().min(1),
  timezoneLabel: z.string().min(1),
  office: z.object({
    name: z.string(),
    /** The name in a few words, for SMS ("MPP Kota Contoh"); the full name when unset. */
    shortName: z.string().min(1).optional(),
    address: z.string(),
    hours: localized,
    phone: z.string(),
  }),
  calendar: calendarSchema,
  sla: z.object({
    reminderFractions: z.array(z.number().gt(0).lt(1)),
    complaint: z.object({
      verifyWorkingDays: z.number().int().positive(),
      firstResponseWorkingDays: z.number().int().positive(),
    }),
    /** Who hears of a missed deadline: level 0 at the deadline, each next level after its further hours. */
    escalation: z
      .array(
        z.object({
          label: localized,
          /** The language of this level's email and SMS; unset: the city's `defaultLanguage`. */
          language: language.optional(),
          afterHours: z.number().min(0),
          emails: z.array(z.string().email()),
          phones: z.array(z.string().regex(/^\d{8,15}$/, 'must be digits with the country code, e.g. 6281234567890')),
        }),
      )
      .min(1),
    digest: z.object({ cron: z.string().min(9) }),
  }),
  notifications: z.object({
    /** No SMS notification is sent between these local times unless it is urgent. */
    quietHours: z.object({ start: z.string().regex(/^\d{2}:\d{2}$/), end: z.string().regex(/^\d{2}:\d{2}$/) }),
    /**
     * A status notice waits this long before it goes, and the status changes of a citizen's cases
     * within it go out as one message (three steps an officer takes in a minute cost one SMS).
     */
    coalesceSeconds: z.number().int().min(0).max(3600).default(0),
  }),
  privacy: privacySchema,
  /** The Command Center's complaint map: its area and what it draws under the complaints. */
  map: z
    .object({
      /** The area the map shows (WGS84 degrees); unset: the boundary's extent, else the complaints' own. */
      bounds: z
        .object({
          south: z.number().min(-90).max(90),
          west: z.number().min(-180).max(180),
          north: z.number().min(-90).max(90),
          east: z.number().min(-180).max(180),
        })
        .refine((b) => b.south < b.north && b.west < b.east, 'south must be below north and west left of east')
        .optional(),
      /** A GeoJSON file in this folder: the city's outline and its districts (kecamatan), read at start. */
      boundary: z
        .string()
        .regex(/^[^/\\]+\.(geo)?json$/, 'must be the name of a .geojson file in the city data folder')
        .optional(),
      /** Slippy-map tiles (Web Mercator, 256 px) drawn under everything; their host is allowed in the page's CSP. */
      tiles: z
        .object({
          url: z.string().superRefine((url, ctx) => {
            const problem = tileUrlProblem(url);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
          /** Shown under the map, as the tiles' licence asks (e.g. "© OpenStreetMap contributors"). */
          attribution: z.string().min(1),
          maxZoom: z.number().int().min(0).max(22).default(18),
        })
        .optional(),
    })
    .optional(),
  /**
   * Decimal places of the coordinates Open311 publishes (3: about 110 m), so a public list does
   * not point at a citizen's door; officers keep the exact ones.
   */
  open311: z.object({ coordinateDecimals: z.number().int().min(0).max(6) }).default({ coordinateDecimals: 3 }),
  /**
   * The city's own residents by NIK (Kemendagri region codes, which differ from the NOP's): 4
   * digits (province and city/regency) or 6 (with the district). Only permit types marked
   * `residentsOnly` check it; anyone may apply for the others.
   */
  residency: z
    .object({
      nikRegions: z
        .array(
          regionCode(
            /^\d{4}(\d{2})?$/,
            '4 or 6 digits without dots (province, city/regency, district), e.g. "1271" for NIKs 1271…',
          ),
        )
        .min(1),
    })
    .optional(),
  pbb: z.object({
    /**
     * The region codes (province 2 digits + city/regency 2 digits, the first 4 of an 18-digit NOP)
     * of the tax objects this city bills: the ledger import refuses other regions' rows, and a
     * lookup of another region's NOP says so. Unset: every region (the start warns).
     */
    nopRegions: z
      .array(regionCode(/^\d{4}$/, '4 digits without dots (province and city/regency), e.g. "1275" for NOPs 12.75.…'))
      .min(1)
      .optional(),
    penaltyMonthlyRatePercent: z.number().min(0).max(100),
    penaltyCapMonths: z.number().int().min(0),
    /** How and where an unpaid bill is paid, told with every unpaid bill. */
    payment: localized.optional(),
    /**
     * A NOP of the city's own ledger, shown as the example when the bot asks for one; written
     * with or without dots, kept in the SPPT's dotted form. Unset: the question has no example.
     */
    exampleNop: z
      .string()
      .refine((t) => parseNop(t).ok && t.replace(/\D/g, '').length === 18, 'must be an 18-digit NOP')
      .transform((t) => formatNop(t.replace(/\D/g, '')))
      .optional(),
  }),
});

export type PermitTypeData = z.infer<typeof permitTypeSchema>;
export type CityProfile = z.infer<typeof cityFileSchema>;

/** Everything city-specific, read from CITY_DATA_DIR and validated at start. */
export interface CityData extends Omit<CityProfile, 'privacy'> {
  privacy: CityProfile['privacy'] & { controller: z.infer<typeof privacyContact> };
  /** The outline and districts of `map.boundary`, read at start; unset without one. */
  mapBoundary?: CityBoundary | undefined;
  permitTypes: PermitTypeData[];
  departments: Array<{
    code: string;
    name: string;
    /** The name in each language, for citizens' replies. */
    names: { id: string; en: string };
    handles: string[];
    phone?: string | undefined;
  }>;
  complaintCategories: Array<{
    code: string;
    name: { id: string; en: string };
    shortName?: { id: string; en: string } | undefined;
    slaWorkingDays: number;
    keywords: string[];
    /** The department whose `handles` lists `complaints:<code>`. */
    department: string;
  }>;
}

/** Thrown when a city data file is missing or invalid; names the file and the field. */
export class CityDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CityDataError';
  }
}

function readJson<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  return readValidatedJson(path.join(dir, file), schema, (message) => new CityDataError(message));
}

/**
 * Loads and cross-checks the city's data files: city.json, departments.json, permit-types.json.
 * @example const city = loadCityData(config.cityDataDir);
 */
export function loadCityData(dir: string): CityData {
  const profile = readJson(dir, 'city.json', cityFileSchema);
  const { departments, complaintCategories } = readJson(dir, 'departments.json', departmentsFileSchema);
  const { permitTypes } = readJson(
    dir,
    'permit-types.json',
    z.object({ permitTypes: z.array(permitTypeSchema).min(1) }),
  );

  const problems: string[] = [];
  const departmentCodes = new Set(departments.map((d) => d.code));
  const seen = new Set<string>();
  for (const p of permitTypes) {
    if (seen.has(p.code)) problems.push(`permit-types.json: duplicate code ${p.code}`);
    seen.add(p.code);
    if (!departmentCodes.has(p.department)) {
      problems.push(`permit-types.json: ${p.code} names unknown department ${p.department}`);
    }
  }
  for (const p of permitTypes) {
    if (p.residentsOnly && !profile.residency) {
      problems.push(`permit-types.json: ${p.code} is residentsOnly, but city.json names no residency.nikRegions`);
    }
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: profile.timezone });
  } catch {
    problems.push(`city.json: timezone ${profile.timezone} is not a known IANA zone`);
  }
  problems.push(...calendarProblems(profile.calendar));
  const categories = complaintCategories.map((c) => {
    const owner = departments.find((d) => d.handles.includes(`complaints:${c.code}`));
    if (!owner) problems.push(`departments.json: no department handles complaints:${c.code}`);
    return { ...c, department: owner?.code ?? '' };
  });
  const mapBoundary = profile.map?.boundary
    ? readCityBoundary(dir, profile.map.boundary, (message) => new CityDataError(message))
    : undefined;
  const bounds = profile.map?.bounds;
  if (mapBoundary && bounds) {
    const e = mapBoundary.extent;
    if (e.north < bounds.south || e.south > bounds.north || e.east < bounds.west || e.west > bounds.east)
      problems.push(`city.json: map.boundary ${profile.map!.boundary} lies wholly outside map.bounds`);
  }
  if (problems.length > 0)
    throw new CityDataError(`City data in ${dir} is inconsistent:\n  - ${problems.join('\n  - ')}`);
  return {
    ...profile,
    // The notice always names a controller: the city's office unless city.json names another.
    privacy: {
      ...profile.privacy,
      controller: profile.privacy.controller ?? {
        name: profile.office.name,
        address: profile.office.address,
        phone: profile.office.phone,
      },
    },
    departments: departments.map((d) => ({ ...d, name: d.name.id, names: d.name })),
    permitTypes,
    complaintCategories: categories,
    mapBoundary,
  };
}
