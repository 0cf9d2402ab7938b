import type { CityData } from '../city/loadCityData.js';
import type { Lang, Line } from '../conversation/types.js';
import { formatDateTime } from '../domain/calendarDate.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Translator } from '../i18n/createTranslator.js';

type Tx = Prisma.TransactionClient;

/**
 * The full copy of one resident's data (UU PDP Art. 32: access and a copy), as JSON. The shape is
 * stable: `format` names its version, a field is only ever added. Times are ISO 8601 (UTC).
 *
 * Who acted on a case is told as the city's staff acting officially: their role and department
 * always, their name only where the city shows officers' names to residents (privacy.showOfficerName),
 * as the tracking reply does. Officers' contact data and ids are never given.
 */
export interface DataCopy {
  format: 'layankota.data-copy/1';
  generatedAt: string;
  controller: { name: string; email: string | null; phone: string | null };
  citizen: {
    language: Lang;
    fullName: string | null;
    phone: string | null;
    email: string | null;
    /** False once the resident withdrew consent to email notices (BERHENTI EMAIL). */
    emailNotices: boolean;
    privacyNoticeAt: string | null;
    createdAt: string;
  };
  identities: Array<{
    channel: string;
    address: string;
    createdAt: string;
    lastSeenAt: string;
    optedOutAt: string | null;
  }>;
  permits: Array<{
    trackingNumber: string;
    type: { code: string; name: { id: string; en: string } };
    department: { code: string; name: string };
    status: string;
    applicantName: string;
    nik: string;
    phone: string;
    email: string | null;
    /** The form's further fields, each with its label as the form asked it. */
    fields: Array<{ key: string; label: { id: string; en: string } | null; value: unknown }>;
    submittedAt: string;
    deadlineAt: string;
    closedAt: string | null;
    trail: CaseTrailEntry[];
  }>;
  complaints: Array<{
    trackingNumber: string;
    category: { code: string; name: { id: string; en: string } };
    department: { code: string; name: string };
    status: string;
    description: string;
    place: string | null;
    latitude: number | null;
    longitude: number | null;
    anonymous: boolean;
    /** SHA-256 of each photo as stored. */
    photos: string[];
    rating: number | null;
    ratingComment: string | null;
    createdAt: string;
    deadlineAt: string;
    closedAt: string | null;
    trail: CaseTrailEntry[];
  }>;
  /** The trail of the resident's data not tied to one case: notices, copies, corrections, consent. */
  trail: PersonalDataEntry[];
}

/** Who acted: the resident, the system, or an officer by role and department (name when shown). */
export interface CopyActor {
  type: 'citizen' | 'officer' | 'system';
  role?: string | undefined;
  department?: string | null | undefined;
  name?: string | undefined;
}

export type CaseTrailEntry =
  | { at: string; kind: 'status'; actor: CopyActor; from: string | null; to: string; note: string | null }
  | ({ kind: 'personalData' } & PersonalDataEntry);

export interface PersonalDataEntry {
  at: string;
  actor: CopyActor;
  action: string;
  via: string;
  fields: string[];
}

type OfficerRow = { id: string; name: string; role: string; department: { name: string } | null };

/** Reads everything held about one resident, as the JSON copy. */
export async function readFullCopy(tx: Tx, city: CityData, citizenId: string, now: Date): Promise<DataCopy> {
  const citizen = await tx.citizen.findUniqueOrThrow({
    where: { id: citizenId },
    include: {
      identities: { orderBy: { createdAt: 'asc' } },
      permits: {
        orderBy: { submittedAt: 'asc' },
        include: { permitType: true, department: true, events: { orderBy: { id: 'asc' } } },
      },
      complaints: {
        orderBy: { createdAt: 'asc' },
        include: { category: true, department: true, events: { orderBy: { id: 'asc' } }, attachments: true },
      },
    },
  });
  const events = await tx.personalDataEvent.findMany({ where: { citizenId }, orderBy: { id: 'asc' } });
  const officerIds = new Set<string>();
  for (const e of [
    ...citizen.permits.flatMap((p) => p.events),
    ...citizen.complaints.flatMap((c) => c.events),
    ...events,
  ]) {
    if (e.actorType === 'officer' && e.actorId) officerIds.add(e.actorId);
  }
  const officers = new Map<string, OfficerRow>(
    (
      await tx.officer.findMany({
        where: { id: { in: [...officerIds] } },
        select: { id: true, name: true, role: true, department: { select: { name: true } } },
      })
    ).map((o) => [o.id, o]),
  );
  const actorOf = (type: string, id: string | null): CopyActor => {
    if (type !== 'officer') return { type: type as CopyActor['type'] };
    const officer = id ? officers.get(id) : undefined;
    if (!officer) return { type: 'officer' };
    return {
      type: 'officer',
      role: officer.role,
      department: officer.department?.name ?? null,
      ...(city.privacy.showOfficerName ? { name: officer.name } : {}),
    };
  };
  const dataEntry = (e: (typeof events)[number]): PersonalDataEntry => ({
    at: e.at.toISOString(),
    actor: actorOf(e.actorType, e.actorId),
    action: e.action,
    via: e.via,
    fields: e.fields,
  });
  const caseTrail = (
    trackingNumber: string,
    status: Array<{
      createdAt: Date;
      actorType: string;
      actorId: string | null;
      fromStatus: string | null;
      toStatus: string;
      note: string | null;
    }>,
  ): CaseTrailEntry[] =>
    [
      ...status.map((e) => ({
        at: e.createdAt.toISOString(),
        kind: 'status' as const,
        actor: actorOf(e.actorType, e.actorId),
        from: e.fromStatus,
        to: e.toStatus,
        note: e.note,
      })),
      ...events
        .filter((e) => e.trackingNumber === trackingNumber)
        .map((e) => ({ kind: 'personalData' as const, ...dataEntry(e) })),
    ].sort((a, b) => a.at.localeCompare(b.at));
  const controller = city.privacy.controller;
  return {
    format: 'layankota.data-copy/1',
    generatedAt: now.toISOString(),
    controller: {
      name: controller?.name ?? city.office.name,
      email: controller?.email ?? null,
      phone: controller?.phone ?? null,
    },
    citizen: {
      language: citizen.language,
      fullName: citizen.fullName,
      phone: citizen.phone,
      email: citizen.email,
      emailNotices: !citizen.emailNoticesOff,
      privacyNoticeAt: citizen.privacyNoticeAt?.toISOString() ?? null,
      createdAt: citizen.createdAt.toISOString(),
    },
    identities: citizen.identities.map((i) => ({
      channel: i.channel,
      address: i.address,
      createdAt: i.createdAt.toISOString(),
      lastSeenAt: i.lastSeenAt.toISOString(),
      optedOutAt: i.optedOutAt?.toISOString() ?? null,
    })),
    permits: citizen.permits.map((p) => ({
      trackingNumber: p.trackingNumber,
      type: { code: p.permitTypeCode, name: { id: p.permitType.nameId, en: p.permitType.nameEn } },
      department: { code: p.departmentCode, name: p.department.name },
      status: p.status,
      applicantName: p.applicantName,
      nik: p.nik,
      phone: p.phone,
      email: p.email,
      fields: formFields(p.fields, p.permitType.fields),
      submittedAt: p.submittedAt.toISOString(),
      deadlineAt: p.deadlineAt.toISOString(),
      closedAt: p.closedAt?.toISOString() ?? null,
      trail: caseTrail(p.trackingNumber, p.events),
    })),
    complaints: citizen.complaints.map((c) => ({
      trackingNumber: c.trackingNumber,
      category: { code: c.categoryCode, name: { id: c.category.nameId, en: c.category.nameEn } },
      department: { code: c.departmentCode, name: c.department.name },
      status: c.status,
      description: c.description,
      place: c.locationText,
      latitude: c.latitude,
      longitude: c.longitude,
      anonymous: c.anonymous,
      photos: c.attachments.map((a) => a.sha256),
      rating: c.rating,
      ratingComment: c.ratingComment,
      createdAt: c.createdAt.toISOString(),
      deadlineAt: c.deadlineAt.toISOString(),
      closedAt: c.closedAt?.toISOString() ?? null,
      trail: caseTrail(c.trackingNumber, c.events),
    })),
    trail: events.filter((e) => e.trackingNumber === null).map(dataEntry),
  };
}

/** A permit's stored field values beside the labels its type's form gives them. */
function formFields(values: unknown, form: unknown): DataCopy['permits'][number]['fields'] {
  const labels = new Map(
    (Array.isArray(form) ? (form as Array<{ key?: unknown; label?: unknown }>) : []).map((f) => [
      String(f.key),
      (f.label ?? null) as { id: string; en: string } | null,
    ]),
  );
  const entries = values && typeof values === 'object' ? Object.entries(values as Record<string, unknown>) : [];
  return entries.map(([key, value]) => ({ key, label: labels.get(key) ?? null, value }));
}

/** One part of the readable copy: a heading and its lines. */
export interface CopySection {
  heading: string;
  lines: string[];
}

/** The readable copy in the resident's language, section by section (the web page draws them). */
export function readableCopy(
  copy: DataCopy,
  tr: Translator,
  city: Pick<CityData, 'timezone' | 'timezoneLabel'>,
): CopySection[] {
  const lang = copy.citizen.language;
  const t = (key: string, params?: Line['params']) => tr.t(lang, { key, params });
  const time = (at: string | null) => (at ? `${formatDateTime(at, lang, city.timezone)} ${city.timezoneLabel}` : '-');
  const actor = (a: CopyActor) =>
    a.type === 'officer'
      ? [a.role ? t(`commandCenter.role.${a.role}`) : t('privacyPage.actor.officer'), a.department, a.name]
          .filter(Boolean)
          .join(', ')
      : t(a.type === 'citizen' ? 'privacyPage.actor.citizen' : 'privacyPage.actor.system');
  const dataLine = (e: PersonalDataEntry) =>
    t('privacyPage.dataEvent', {
      at: time(e.at),
      actor: actor(e.actor),
      action: t(`privacyPage.action.${e.action}`),
      via: t(`privacyPage.via.${e.via}`),
      fields: e.fields.map((f) => t(`privacyPage.fieldName.${f}`)).join(', ') || '-',
    });
  const trailLines = (trail: CaseTrailEntry[], kind: 'permit' | 'complaint') =>
    trail.map((e) =>
      e.kind === 'status'
        ? t('privacyPage.statusEvent', {
            at: time(e.at),
            actor: actor(e.actor),
            status: t(`status.${kind}.${e.to}`),
            note: e.note ?? '',
          }).trimEnd()
        : dataLine(e),
    );
  const c = copy.citizen;
  const sections: CopySection[] = [
    {
      heading: t('privacyPage.section.you'),
      lines: [
        t('privacyPage.field.name', { value: c.fullName ?? '-' }),
        t('privacyPage.field.phone', { value: c.phone ?? '-' }),
        t('privacyPage.field.email', { value: c.email ?? '-' }),
        t(c.emailNotices ? 'privacyPage.field.emailNoticesOn' : 'privacyPage.field.emailNoticesOff'),
        t('privacyPage.field.noticeAt', { value: time(c.privacyNoticeAt) }),
        ...copy.identities.map((i) =>
          t('privacyPage.field.identity', { channel: i.channel, address: i.address, since: time(i.createdAt) }),
        ),
      ],
    },
    ...copy.permits.map((p) => ({
      heading: t('privacyPage.section.permit', { trackingNumber: p.trackingNumber, title: p.type.name[lang] }),
      lines: [
        t('privacyPage.field.status', { value: t(`status.permit.${p.status}`), department: p.department.name }),
        t('privacyPage.field.name', { value: p.applicantName }),
        t('privacyPage.field.nik', { value: p.nik }),
        t('privacyPage.field.phone', { value: p.phone }),
        t('privacyPage.field.email', { value: p.email ?? '-' }),
        ...p.fields.map(
          (f) => `${f.label?.[lang] ?? f.key}: ${typeof f.value === 'string' ? f.value : JSON.stringify(f.value)}`,
        ),
        t('privacyPage.field.submittedAt', { value: time(p.submittedAt) }),
        ...trailLines(p.trail, 'permit'),
      ],
    })),
    ...copy.complaints.map((k) => ({
      heading: t('privacyPage.section.complaint', { trackingNumber: k.trackingNumber, title: k.category.name[lang] }),
      lines: [
        t('privacyPage.field.status', { value: t(`status.complaint.${k.status}`), department: k.department.name }),
        t('privacyPage.field.description', { value: k.description }),
        t('privacyPage.field.place', { value: k.place ?? '-' }),
        t('privacyPage.field.coordinates', {
          value: k.latitude !== null && k.longitude !== null ? `${k.latitude}, ${k.longitude}` : '-',
        }),
        t('privacyPage.field.photos', { count: k.photos.length }),
        t('privacyPage.field.submittedAt', { value: time(k.createdAt) }),
        ...trailLines(k.trail, 'complaint'),
      ],
    })),
    { heading: t('privacyPage.section.trail'), lines: copy.trail.map(dataLine) },
  ];
  return sections;
}
