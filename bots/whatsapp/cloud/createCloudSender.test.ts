import { beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../core/channels/ChannelSender.js';
import { createTranslator, type Translator } from '../../../core/i18n/createTranslator.js';
import type { CloudErrorAction } from './cloudErrorMapping.js';
import { createCloudSender } from './createCloudSender.js';
import { WhatsAppCloudError } from './WhatsAppCloudError.js';

const API_ROOT = 'https://graph.example.test/v21.0';
const PHONE_NUMBER_ID = '106540352242922';
const TOKEN = 'EAAG-cloud-token-0123456789';

/** What Graph answers one post: an HTTP status and a JSON body (or a non-JSON text). */
interface GraphReply {
  status: number;
  body: unknown;
}
const ok = (id: string): GraphReply => ({ status: 200, body: { messaging_product: 'whatsapp', messages: [{ id }] } });
const refused = (code: number, status = 400): GraphReply => ({
  status,
  body: { error: { message: `(#${code}) refused`, type: 'OAuthException', code, fbtrace_id: 'AbCdEf' } },
});

/** Graph at the network edge: answers posts in order and records them. */
function fakeGraph(replies: GraphReply[]) {
  const posts: Array<{ url: string; authorization: string | null; body: Record<string, unknown> }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    posts.push({
      url: String(input),
      authorization: new Headers(init?.headers).get('authorization'),
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
    });
    const reply = replies.shift() ?? ok('wamid.default');
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(text, { status: reply.status, headers: { 'content-type': 'application/json' } });
  };
  return { posts, fetch };
}

const message: OutboundMessage = {
  id: 'b7c1e0de-0000-4000-8000-000000000001',
  channel: 'whatsapp',
  address: '6281234567890',
  lang: 'id',
  urgent: false,
  replies: [
    { text: 'Status P48271633: Selesai', options: [] },
    {
      text: 'Ada lagi?',
      options: [
        { id: 'menu.track', label: 'Cek status' },
        { id: 'nav.menu', label: 'Menu utama' },
      ],
    },
  ],
};

describe('createCloudSender', () => {
  let translator: Translator;
  beforeAll(async () => {
    translator = await createTranslator();
  });

  const sender = (replies: GraphReply[], notificationTemplate: string | undefined) => {
    const graph = fakeGraph(replies);
    const send = createCloudSender({
      apiRoot: API_ROOT,
      phoneNumberId: PHONE_NUMBER_ID,
      token: TOKEN,
      notificationTemplate,
      translator,
      fetch: graph.fetch,
    });
    return { graph, send: (to = message.address) => send.send({ ...message, address: to }) };
  };

  it('posts each reply to /{phone number id}/messages with the bearer token, choices as buttons', async () => {
    const { graph, send } = sender([ok('wamid.1'), ok('wamid.2')], 'layankota_kabar');
    expect(await send()).toEqual({ providerMessageId: 'wamid.1,wamid.2' });
    expect(graph.posts.map((p) => [p.url, p.authorization])).toEqual([
      [`${API_ROOT}/${PHONE_NUMBER_ID}/messages`, `Bearer ${TOKEN}`],
      [`${API_ROOT}/${PHONE_NUMBER_ID}/messages`, `Bearer ${TOKEN}`],
    ]);
    expect(graph.posts[0]?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '6281234567890',
      type: 'text',
      text: { body: 'Status P48271633: Selesai', preview_url: false },
    });
    expect(graph.posts[1]?.body).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
  });

  // Meta's Messages API takes a business-scoped user id as `recipient` (and `to` wins when both are
  // given): https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
  it.each([
    { label: 'a business-scoped user id goes as recipient, without to', address: 'ID.13491208655302741918' },
    { label: 'a parent business-scoped user id likewise', address: 'US.ENT.11815799212886844830' },
  ])('$label, for replies and for the template', async ({ address }) => {
    const { graph, send } = sender([ok('wamid.1'), refused(131047), ok('wamid.tpl')], 'layankota_kabar');
    expect(await send(address)).toEqual({ providerMessageId: 'wamid.1,wamid.tpl' });
    expect(graph.posts.map((p) => [p.body.recipient, p.body.to, p.body.type])).toEqual([
      [address, undefined, 'text'],
      [address, undefined, 'interactive'],
      [address, undefined, 'template'],
    ]);
  });

  it('outside the 24-hour window (131047) sends what is left as the configured template, on one line', async () => {
    const { graph, send } = sender([refused(131047), ok('wamid.tpl')], 'layankota_kabar');
    expect(await send()).toEqual({ providerMessageId: 'wamid.tpl' });
    expect(graph.posts).toHaveLength(2);
    expect(graph.posts[1]?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '6281234567890',
      type: 'template',
      template: {
        name: 'layankota_kabar',
        language: { code: 'id' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Status P48271633: Selesai · Ada lagi? · 1. Cek status · 2. Menu utama' },
            ],
          },
        ],
      },
    });
  });

  it.each<{ label: string; reply: GraphReply; action: CloudErrorAction; template?: null }>([
    { label: 'throughput reached (130429)', reply: refused(130429, 400), action: 'retryLater' },
    { label: 'business account rate limit (80007)', reply: refused(80007, 400), action: 'retryLater' },
    { label: 'too many to one number (131056)', reply: refused(131056, 400), action: 'retryLater' },
    { label: 'undeliverable (131026)', reply: refused(131026, 400), action: 'failed' },
    { label: 'token expired (190)', reply: refused(190, 401), action: 'failed' },
    { label: 'an unknown code on a bad request', reply: refused(100, 400), action: 'failed' },
    {
      label: 'a server error without JSON',
      reply: { status: 502, body: '<html>Bad Gateway</html>' },
      action: 'retryLater',
    },
    { label: '131047 with no template configured', reply: refused(131047), action: 'useTemplate', template: null },
  ])('$label: throws, to be $action', async ({ reply, action, template }) => {
    const { send } = sender([reply], template === null ? undefined : 'layankota_kabar');
    const error = await send().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WhatsAppCloudError);
    expect((error as WhatsAppCloudError).action).toBe(action);
    expect((error as WhatsAppCloudError).retryable).toBe(action === 'retryLater');
    expect((error as Error).message).not.toContain(TOKEN);
    expect((error as Error).message).not.toContain('6281234567890');
  });
});
