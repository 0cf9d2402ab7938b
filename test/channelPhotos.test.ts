import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityCaseNames, listCases } from '../app/commandCenter/caseList.js';
import { casePhotoPath } from '../app/commandCenter/listBoardCases.js';
import { signSession } from '../app/commandCenter/sessionCookie.js';
import type { Reply } from '../core/conversation/types.js';
import { HARNESS_SESSION_SECRET, type ChannelRun, type ChannelUnderTest } from './channelHarness/ChannelUnderTest.js';
import { twilioChannel } from './channelHarness/twilioChannel.js';
import { whatsappCloudChannel } from './channelHarness/whatsappCloudChannel.js';
import { whatsappWebChannel } from './channelHarness/whatsappWebChannel.js';
import { NOT_A_PHOTO, PHOTO, sha256Of, tooLargePhoto } from './support/photoFiles.js';
import { eventually } from './support/startApp.js';
import type { WebMessageData } from './support/whatsappWebMessage.js';

/**
 * A citizen's message in a channel's own format, made from that channel's harness fixtures (real
 * payload shapes, sources in test/channelHarness/fixtures/photos.source) with a fresh message id
 * (and media id), so each is a new message.
 */
interface NativeOf {
  text(body: string, n: number): unknown;
  photo(caption: string, n: number): unknown;
}

const clone = <T>(value: T): T => structuredClone(value);
const fixture = (channel: ChannelUnderTest, label: string) => clone(channel.fixtures.cases[label]?.native);
const hex32 = (n: number) => n.toString(16).padStart(32, '0');

const webMessageOf = (data: WebMessageData, n: number, over: Partial<WebMessageData>): WebMessageData => {
  const id = `3EB0F070${String(n).padStart(12, '0')}`;
  return { ...data, ...over, id: { ...data.id, id, _serialized: `false_${data.id.remote}_${id}` } };
};

type CloudBody = {
  entry: Array<{
    changes: Array<{
      value: { messages: Array<{ id: string; text?: { body: string }; image?: Record<string, string> }> };
    }>;
  }>;
};
const cloudMessageOf = (body: CloudBody, n: number) => {
  const message = body.entry[0]!.changes[0]!.value.messages[0]!;
  message.id = `wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFPHOTO${String(n).padStart(6, '0')}AA==`;
  return { body, message };
};

const twilioFormOf = (form: Record<string, string>, n: number, kind: 'SM' | 'MM'): Record<string, string> => {
  const sid = `${kind}${hex32(0xf070_0000 + n)}`;
  return { ...form, MessageSid: sid, SmsSid: sid, SmsMessageSid: sid };
};

const NATIVE: Record<string, NativeOf> = {
  'whatsapp-web': {
    text: (body, n) => webMessageOf(fixture(whatsappWebChannel, 'plain text "pbb"') as WebMessageData, n, { body }),
    // whatsapp-web.js reads a media message's caption as its body.
    photo: (caption, n) => webMessageOf(fixture(whatsappWebChannel, 'a photo') as WebMessageData, n, { caption }),
  },
  'whatsapp-cloud': {
    text(body, n) {
      const { body: native, message } = cloudMessageOf(
        fixture(whatsappCloudChannel, 'plain text "pbb"') as CloudBody,
        n,
      );
      message.text = { body };
      return native;
    },
    photo(caption, n) {
      const { body: native, message } = cloudMessageOf(fixture(whatsappCloudChannel, 'a photo') as CloudBody, n);
      message.image = { ...message.image, caption, id: String(1187402261730000 + n) };
      return native;
    },
  },
  twilio: {
    text: (body, n) => ({
      ...twilioFormOf(fixture(twilioChannel, 'plain text "pbb"') as Record<string, string>, n, 'SM'),
      Body: body,
    }),
    photo(caption, n) {
      const form = twilioFormOf(fixture(twilioChannel, 'a photo') as Record<string, string>, n, 'MM');
      const media = `ME${hex32(0xf070_0000 + n)}`;
      const url = `https://api.twilio.com/2010-04-01/Accounts/${form.AccountSid ?? ''}/Messages/${form.MessageSid ?? ''}/Media/${media}`;
      return { ...form, Body: caption, MediaUrl0: url };
    },
  },
};

// Filed in one message: the problem, its category and its place, so the summary comes at once.
const COMPLAINT = 'ADUAN lampu jalan mati depan masjid Al Ikhlas Jl. Kenanga';

/** Photos that cannot be kept, each with the answer the citizen gets. */
const REFUSED = [
  { label: 'a photo over 10 MB', file: tooLargePhoto, key: 'media.notKept.tooLarge', said: 'lebih dari 10 MB' },
  { label: 'a PDF sent as a photo', file: () => NOT_A_PHOTO, key: 'media.notKept.notAPhoto', said: 'hanya foto' },
  { label: 'a photo the provider no longer serves', file: null, key: 'media.notKept.unavailable', said: 'kirim ulang' },
];

describe.each([whatsappWebChannel, whatsappCloudChannel, twilioChannel])('photos on $name', (channel) => {
  const native = NATIVE[channel.name]!;
  let run: ChannelRun;
  let serial = 0;
  const prisma = () => run.app.core.db.prisma;

  /** Every reply written to the citizen after the first `seen`, oldest first. */
  const repliesAfter = async (seen: number): Promise<Reply[]> =>
    (
      await prisma().outboxMessage.findMany({
        where: { address: channel.fixtures.address },
        orderBy: { createdAt: 'asc' },
      })
    )
      .slice(seen)
      .flatMap((row) => row.replies as unknown as Reply[]);
  const repliesSoFar = () => prisma().outboxMessage.count({ where: { address: channel.fixtures.address } });
  /** Delivers a message and waits for the reply that says `key`; returns every line key of the replies. */
  const send = async (message: unknown, key: string) => {
    const seen = await repliesSoFar();
    await run.deliver(message);
    const replies = await eventually(async () => {
      const found = await repliesAfter(seen);
      return found.some((r) => r.lines.some((l) => l.key === key)) ? found : null;
    });
    return replies;
  };
  const keysOf = (replies: Reply[]) => replies.flatMap((r) => r.lines.map((l) => l.key));

  beforeAll(async () => {
    run = await channel.start();
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('a photo sent while filing a complaint is stored by its content hash and shown on the case', async () => {
    const sms = channel.name === 'twilio';
    // SMS draws the compact summary; the chat apps the full one.
    await send(native.text(COMPLAINT, ++serial), sms ? 'complaint.summary.confirmShort' : 'complaint.summary.confirm');
    const photo = native.photo('foto lampunya', ++serial);
    run.servePhoto!(photo, PHOTO.bytes);
    await run.deliver(photo);
    await eventually(() => prisma().mediaFile.findUnique({ where: { sha256: PHOTO.sha256 } }));
    await send(native.text('1', ++serial), sms ? 'complaint.submittedShort' : 'complaint.submitted');

    // The bytes, kept once under their SHA-256, as the stored file and its row say.
    const file = await prisma().mediaFile.findUniqueOrThrow({ where: { sha256: PHOTO.sha256 } });
    expect(file).toMatchObject({ mimeType: 'image/png', sizeBytes: PHOTO.bytes.length });
    expect(sha256Of(readFileSync(file.path))).toBe(PHOTO.sha256);
    const complaint = await prisma().complaint.findFirstOrThrow({
      where: { citizen: { identities: { some: { address: channel.fixtures.address } } } },
      include: { attachments: true },
      orderBy: { createdAt: 'desc' },
    });
    expect(complaint.attachments.map((a) => a.sha256)).toEqual([PHOTO.sha256]);

    // Shown on the case: the Command Center's case list names the photo, and serves it to an
    // officer of the department, signed in.
    const officer = await prisma().officer.create({
      data: { name: 'Petugas Foto', role: 'officer', departmentCode: complaint.departmentCode, phone: '6281377770001' },
    });
    const cookie = `lk_session=${signSession({ sub: officer.id, ver: officer.sessionVersion, exp: Date.now() + 3_600_000 }, HARNESS_SESSION_SECRET)}`;
    const list = await fetch(`${run.app.baseUrl}/api/cases?kind=complaint`, { headers: { cookie } });
    const { cases } = (await list.json()) as { cases: Array<{ trackingNumber: string; photos: string[] }> };
    const shown = cases.find((c) => c.trackingNumber === complaint.trackingNumber);
    const path = casePhotoPath(complaint.trackingNumber, PHOTO.sha256);
    expect(shown?.photos).toEqual([path]);
    const served = await fetch(`${run.app.baseUrl}${path}`, { headers: { cookie } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(sha256Of(Buffer.from(await served.arrayBuffer()))).toBe(PHOTO.sha256);
    // Not to someone signed out, nor to an officer of another department.
    expect((await fetch(`${run.app.baseUrl}${path}`)).status).toBe(401);
    const other = await prisma().officer.create({
      data: {
        name: 'Petugas Lain',
        role: 'officer',
        departmentCode: complaint.departmentCode === 'DINKES' ? 'DISDIK' : 'DINKES',
        phone: '6281377770002',
      },
    });
    const otherCookie = `lk_session=${signSession({ sub: other.id, ver: other.sessionVersion, exp: Date.now() + 3_600_000 }, HARNESS_SESSION_SECRET)}`;
    expect((await fetch(`${run.app.baseUrl}${path}`, { headers: { cookie: otherCookie } })).status).toBe(404);
    const { cases: board } = await listCases(prisma(), {
      departments: [complaint.departmentCode],
      kind: 'complaint',
      now: run.app.clock.now,
      q: complaint.trackingNumber,
      lang: 'id',
      translator: run.app.core.translator,
      names: cityCaseNames(run.app.core.city),
      zone: { timeZone: 'Asia/Jakarta', label: 'WIB' },
    });
    expect(board.find((c) => c.trackingNumber === complaint.trackingNumber)?.photos).toEqual([path]);
  });

  it.each(REFUSED)(
    '$label gets a clear answer, and the words sent with it are still read',
    async ({ file, key, said }) => {
      const stored = await prisma().mediaFile.count();
      // The caption asks for PBB: that part of the message is answered as usual.
      const photo = native.photo('pbb', ++serial);
      if (file) run.servePhoto!(photo, file());
      const replies = await send(photo, key);
      expect(keysOf(replies).some((k) => k.startsWith('pbb.askNop'))).toBe(true);
      const reply = replies.find((r) => r.lines.some((l) => l.key === key))!;
      const text = run.app.core.translator.t(
        'id',
        reply.lines.find((l) => l.key === key)!,
      );
      expect(text).toContain(said);
      expect(await prisma().mediaFile.count()).toBe(stored);
      expect(run.app.logLines.some((l) => l.includes('photo not kept'))).toBe(true);
    },
  );
});
