import { createHash, randomBytes } from 'node:crypto';
import { checkNik } from '../domain/nik.js';
import { maskNik, maskPhone } from '../domain/mask.js';
import { parseTrackingNumber } from '../domain/trackingNumber.js';
import type { CaseSummary, MyDataSummary, StepEvent } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { PrivacyDeps } from './runPrivacyEffect.js';
import { recordPersonalData } from './trail.js';

type Tx = Prisma.TransactionClient;

/** What `about` names: a case, a NIK, a malformed case number, or nothing to check. */
type Named =
  { kind: 'case'; trackingNumber: string } | { kind: 'nik'; nik: string } | { kind: 'malformed' } | { kind: 'nothing' };

/**
 * DATA SAYA: the resident's summary and a one-time link to the full copy; refused when `about`
 * names a case or NIK not held under the identity asking.
 *
 * A case or NIK that exists under another person and one that does not exist at all get the same
 * refusal, `notYours` ("not held under this account"): telling them apart would let anyone probe
 * whether a NIK is on file. `unknown` is only for what names nothing whoever asks: a case number
 * whose check digit is wrong, 16 digits that cannot be a NIK.
 */
export async function answerMyData(deps: PrivacyDeps, about: string | null): Promise<StepEvent> {
  const named = readAbout(about);
  if (named.kind === 'malformed') return { type: 'privacy.myData', summary: null, refused: 'unknown' };
  if ((named.kind === 'case' || named.kind === 'nik') && !(await isHeldBy(deps.tx, deps.citizenId, named))) {
    deps.logger.warn(
      {
        channel: deps.event.channel,
        asked: named.kind === 'nik' ? maskNik(named.nik) : maskPhone(named.trackingNumber),
      },
      'DATA SAYA refused: not held under this account',
    );
    return { type: 'privacy.myData', summary: null, refused: 'notYours' };
  }
  const summary = await summarise(deps.tx, deps.citizenId);
  const link = await createCopyLink(deps);
  await recordPersonalData(deps.tx, [
    {
      at: deps.now,
      actor: { type: 'citizen', id: deps.citizenId },
      action: 'copy',
      via: 'chat',
      citizenId: deps.citizenId,
      fields: ['name', 'phone', 'email', 'identities'],
    },
  ]);
  return { type: 'privacy.myData', summary: { ...summary, link } };
}

/** Reads the words after DATA SAYA: a tracking number (letter optional) or a 16-digit NIK. */
function readAbout(about: string | null): Named {
  if (!about) return { kind: 'nothing' };
  const digits = about.replace(/[\s.-]/g, '');
  if (/^\d{16}$/.test(digits)) return checkNik(digits).ok ? { kind: 'nik', nik: digits } : { kind: 'malformed' };
  const parsed = parseTrackingNumber(about);
  if (parsed.ok) return { kind: 'case', trackingNumber: parsed.trackingNumber };
  return parsed.reason === 'check' ? { kind: 'malformed' } : { kind: 'nothing' };
}

/** Whether the case or NIK named is on a case filed under this citizen. */
async function isHeldBy(tx: Tx, citizenId: string, named: Extract<Named, { kind: 'case' | 'nik' }>): Promise<boolean> {
  if (named.kind === 'nik') return (await tx.permitApplication.count({ where: { citizenId, nik: named.nik } })) > 0;
  const m = /^([PA]?)(\d{8})$/.exec(named.trackingNumber)!;
  const [letter, body] = [m[1], m[2]!];
  const permits =
    letter === 'A' ? 0 : await tx.permitApplication.count({ where: { citizenId, trackingNumber: `P${body}` } });
  const complaints =
    letter === 'P' ? 0 : await tx.complaint.count({ where: { citizenId, trackingNumber: `A${body}` } });
  return permits + complaints > 0;
}

/** The resident's contact data (masked), accounts, open cases and how many are closed. */
async function summarise(tx: Tx, citizenId: string): Promise<Omit<MyDataSummary, 'link'>> {
  const citizen = await tx.citizen.findUniqueOrThrow({
    where: { id: citizenId },
    include: {
      identities: { orderBy: { createdAt: 'asc' } },
      permits: { include: { permitType: true }, orderBy: { submittedAt: 'desc' } },
      complaints: { include: { category: true }, orderBy: { createdAt: 'desc' } },
    },
  });
  const cases: Array<CaseSummary & { closed: boolean }> = [
    ...citizen.permits.map((p) => ({
      kind: 'permit' as const,
      trackingNumber: p.trackingNumber,
      title: { id: p.permitType.nameId, en: p.permitType.nameEn },
      status: p.status as string,
      closed: p.closedAt !== null,
    })),
    ...citizen.complaints.map((c) => ({
      kind: 'complaint' as const,
      trackingNumber: c.trackingNumber,
      title: { id: c.category.nameId, en: c.category.nameEn },
      status: c.status as string,
      closed: c.closedAt !== null,
    })),
  ];
  return {
    identities: citizen.identities.map((i) => ({ channel: i.channel, address: maskPhone(i.address) })),
    name: citizen.fullName ?? citizen.permits[0]?.applicantName ?? null,
    phone: citizen.phone ? maskPhone(citizen.phone) : null,
    email: citizen.email ? maskEmail(citizen.email) : null,
    emailNotices: !citizen.emailNoticesOff,
    openCases: cases.filter((c) => !c.closed).map(({ closed: _closed, ...summary }) => summary),
    closedCases: cases.filter((c) => c.closed).length,
  };
}

/** `siti.rahma@example.id` -> `si********@example.id`: enough to recognise, not to write to. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return maskPhone(email);
  const local = Array.from(email.slice(0, at));
  return local.slice(0, 2).join('') + '*'.repeat(Math.max(1, local.length - 2)) + email.slice(at);
}

/** The SHA-256 (hex) under which a copy link's token is stored; the token itself never is. */
export function copyTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A fresh one-time link to the full copy, valid for the city's copyLinkHours; none (null) when the
 * process does not know the web role's public address, as a link without a host would not open.
 */
async function createCopyLink(deps: PrivacyDeps): Promise<{ url: string; expiresAt: string } | null> {
  if (!deps.publicBaseUrl) return null;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(deps.now.getTime() + deps.city.privacy.copyLinkHours * 3_600_000);
  await deps.tx.dataCopyLink.create({
    data: { tokenHash: copyTokenHash(token), citizenId: deps.citizenId, createdAt: deps.now, expiresAt },
  });
  return { url: `${deps.publicBaseUrl}/data-saya/${token}`, expiresAt: expiresAt.toISOString() };
}
