import express, { type Response, type Router } from 'express';
import type { Core } from '../core/boot.js';
import type { Lang } from '../core/conversation/types.js';
import { formatDateTime } from '../core/domain/calendarDate.js';
import { copyTokenHash } from '../core/privacy/answerMyData.js';
import { readableCopy, readFullCopy, type CopySection, type DataCopy } from '../core/privacy/fullCopy.js';
import { recordPersonalData } from '../core/privacy/trail.js';
import { noStore, securityHeaders } from './commandCenter/boardRoutes.js';

/** A DATA SAYA token as answerMyData makes it: 32 random bytes in base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The DATA SAYA copy page, `/data-saya/:token`. GET only shows a button, so a chat app fetching a
 * link preview does not spend the one-time link; the POST spends it and answers the copy at once.
 * The default answer is the readable copy as a page that also carries the JSON, both as a download
 * link (a `data:` URL, which needs no script) and shown below: the link is spent by then, so one
 * answer must give the resident both forms. `format=json` answers the JSON alone, as a file.
 * Every answer is no-store with no referrer (the token is in the URL); unknown, spent and expired
 * links say so in Indonesian and never whose they were.
 */
export function privacyRoutes(core: Core): Router {
  const router = express.Router();
  router.use('/data-saya', securityHeaders, noStore);
  router.get('/data-saya/:token', async (req, res, next) => {
    try {
      const state = await linkState(core, String(req.params.token));
      if (typeof state === 'string') return void sendGone(core, res, state);
      res.type('html').send(openPage(core, state.language));
    } catch (error) {
      next(error);
    }
  });
  router.post('/data-saya/:token', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res, next) => {
    try {
      const copy = await spendLink(core, String(req.params.token));
      if (typeof copy === 'string') return void sendGone(core, res, copy);
      if ((req.body as Record<string, unknown> | undefined)?.format === 'json') return void sendJson(res, copy);
      const sections = readableCopy(copy, core.translator, core.city);
      res.type('html').send(copyPage(core, copy, sections));
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** Why a link cannot be spent: spent or expired (`gone`), or never made. */
type Unusable = 'gone' | 'unknown';

/** Whether a token names a link that can still be spent, and its resident's language; reads only. */
async function linkState(core: Core, token: string): Promise<{ language: Lang } | Unusable> {
  if (!TOKEN.test(token)) return 'unknown';
  const link = await core.db.prisma.dataCopyLink.findUnique({
    where: { tokenHash: copyTokenHash(token) },
    include: { citizen: { select: { language: true } } },
  });
  if (!link) return 'unknown';
  return link.usedAt === null && link.expiresAt > core.clock() ? { language: link.citizen.language } : 'gone';
}

/**
 * Spends the link in one conditional UPDATE (two requests at once: one wins) and reads the copy in
 * the same transaction, with its trail event; or says why not.
 */
async function spendLink(core: Core, token: string): Promise<DataCopy | Unusable> {
  if (!TOKEN.test(token)) return 'unknown';
  const tokenHash = copyTokenHash(token);
  const now = core.clock();
  return core.db.prisma.$transaction(async (tx) => {
    const spent = await tx.dataCopyLink.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (spent.count === 0) return (await tx.dataCopyLink.findUnique({ where: { tokenHash } })) ? 'gone' : 'unknown';
    const { citizenId } = await tx.dataCopyLink.findUniqueOrThrow({ where: { tokenHash } });
    const copy = await readFullCopy(tx, core.city, citizenId, now);
    await recordPersonalData(tx, [
      {
        at: now,
        actor: { type: 'citizen', id: citizenId },
        action: 'copy',
        via: 'web',
        citizenId,
        fields: [
          'name',
          'nik',
          'phone',
          'email',
          'address',
          'location',
          'photos',
          'fields',
          'description',
          'identities',
        ],
      },
    ]);
    return copy;
  });
}

/** 410 for a spent or expired link, 404 for one never made: a page in Indonesian, nothing more. */
function sendGone(core: Core, res: Response, state: Unusable): void {
  const t = (key: string) => core.translator.t('id', { key });
  const which = state === 'gone' ? 'gone' : 'notFound';
  res
    .status(state === 'gone' ? 410 : 404)
    .type('html')
    .send(page('id', t(`privacyPage.${which}.title`), `<p>${escapeHtml(t(`privacyPage.${which}.body`))}</p>`));
}

/** The JSON copy as a file to save. */
function sendJson(res: Response, copy: DataCopy): void {
  res.setHeader('Content-Disposition', 'attachment; filename="data-saya.json"');
  res.type('application/json').send(JSON.stringify(copy, null, 2));
}

/** The page behind the link before it is spent: what happens, and the buttons. */
function openPage(core: Core, lang: Lang): string {
  const t = (key: string) => escapeHtml(core.translator.t(lang, { key }));
  return page(
    lang,
    core.translator.t(lang, { key: 'privacyPage.open.heading' }),
    `<p>${t('privacyPage.open.body')}</p>
<form method="post"><button type="submit" name="format" value="html">${t('privacyPage.open.button')}</button>
<button type="submit" name="format" value="json">${t('privacyPage.open.jsonButton')}</button></form>`,
  );
}

/** The spent link's answer: the readable copy, the JSON as a download and shown in full. */
function copyPage(core: Core, copy: DataCopy, sections: CopySection[]): string {
  const lang = copy.citizen.language;
  const t = (key: string, params?: Record<string, string>) => escapeHtml(core.translator.t(lang, { key, params }));
  const json = JSON.stringify(copy, null, 2);
  const at = `${formatDateTime(copy.generatedAt, lang, core.city.timezone)} ${core.city.timezoneLabel}`;
  const body = [
    `<p>${t('privacyPage.copy.intro', { controller: copy.controller.name, at })}</p>`,
    `<p><strong>${t('privacyPage.copy.spent')}</strong></p>`,
    `<p><a download="data-saya.json" href="data:application/json;charset=utf-8,${encodeURIComponent(json)}">${t('privacyPage.copy.download')}</a></p>`,
    ...sections.map(
      (s) =>
        `<section><h2>${escapeHtml(s.heading)}</h2><ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></section>`,
    ),
    `<details><summary>${t('privacyPage.copy.json')}</summary><pre>${escapeHtml(json)}</pre></details>`,
  ].join('\n');
  return page(lang, core.translator.t(lang, { key: 'privacyPage.title' }), body);
}

/** A whole page: no script, no style, no framing (see securityHeaders). */
function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
