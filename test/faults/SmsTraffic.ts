import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultRig } from './FaultRig.js';

/** One message a simulated citizen sent, and how the web process answered it. */
export interface SentMessage {
  sid: string;
  from: string;
  body: string;
  /** Requests made for it (re-sends after a failure or a deliberate duplicate included). */
  requests: number;
  /** Whether some request for it was answered 2xx. */
  answered: boolean;
  /** Time from its first request to its first 2xx answer. */
  answerMs: number | null;
  /** The slowest single request answered 2xx. */
  slowestRequestMs: number;
}

const BODIES = ['menu', 'bantuan', 'pbb', 'batal'];

/**
 * Citizens writing by SMS through signed Twilio webhooks at a steady rate, round robin. A request
 * answered with anything but 2xx, or cut off, is sent again with the same MessageSid after a
 * wait, as a provider retrying would; every `duplicateEvery`-th message is sent a second
 * time after its 2xx, to show that a duplicate has no second effect.
 */
export class SmsTraffic {
  readonly messages: SentMessage[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly rig: FaultRig,
    private readonly citizens: string[],
    private readonly options: { perSecond: number; duplicateEvery?: number; giveUpAfterMs?: number },
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      const gap = 1000 / this.options.perSecond;
      const started = Date.now();
      for (let i = 0; this.running; i++) {
        const from = this.citizens[i % this.citizens.length]!;
        const body = BODIES[Math.floor(i / this.citizens.length) % BODIES.length]!;
        const sending = this.send(
          from,
          body,
          this.options.duplicateEvery ? i % this.options.duplicateEvery === 0 : false,
        );
        this.inFlight.add(sending);
        void sending.finally(() => this.inFlight.delete(sending));
        const next = started + (i + 1) * gap;
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
  }

  /** Stops writing and waits for every message sent so far to be answered (or given up). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.inFlight]);
  }

  private async send(from: string, body: string, duplicate: boolean): Promise<void> {
    const message: SentMessage = {
      sid: this.rig.nextSid(),
      from,
      body,
      requests: 0,
      answered: false,
      answerMs: null,
      slowestRequestMs: 0,
    };
    this.messages.push(message);
    const started = Date.now();
    const giveUpAt = started + (this.options.giveUpAfterMs ?? 180_000);
    // Re-sends back off (0.5 s doubling to 5 s), as a provider retrying a webhook does.
    for (let wait = 500; !message.answered && Date.now() < giveUpAt; wait = Math.min(wait * 2, 5000)) {
      message.requests++;
      const requestStarted = Date.now();
      try {
        const res = await this.rig.sendSms(from, body, message.sid);
        await res.arrayBuffer();
        if (res.ok) {
          message.answered = true;
          message.answerMs = Date.now() - started;
          message.slowestRequestMs = Math.max(message.slowestRequestMs, Date.now() - requestStarted);
          break;
        }
      } catch {
        // Refused or cut off: the web process is down or restarting.
      }
      await sleep(wait);
    }
    if (message.answered && duplicate) {
      message.requests++;
      await this.rig
        .sendSms(from, body, message.sid)
        .then((res) => res.arrayBuffer())
        .catch(() => undefined);
    }
  }
}
