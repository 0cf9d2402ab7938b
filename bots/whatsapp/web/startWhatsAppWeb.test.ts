import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from 'whatsapp-web.js';
import { captureLogger } from '../../../test/support/silentLogger.js';
import { eventually } from '../../../test/support/startApp.js';
import { createWhatsAppWebClient } from './createWhatsAppWebClient.js';
import { startWhatsAppWeb, type WhatsAppWebSession } from './startWhatsAppWeb.js';

// What WhatsApp Web hands the page to draw as a QR code (the session's keys: never to be logged).
const QR =
  '2@Xq3bXk9yZ1pQ7rT5uV2wY4aB6cD8eF0gH1iJ3kL5mN7oP9qR1sT3uV5wX7yZ9aB==,f1/vGcW4Z3vBa1eDNl3tOjWqLL5Dp=,ZL7YnK2qdPN8vKo2ESxhOQ==';

describe('startWhatsAppWeb: the session kept up around a real, never-launched client', () => {
  let dir: string;
  let client: Client;
  let starts: number;
  let failStarts: number;
  let session: WhatsAppWebSession | null;
  let terminal: string;
  let log: ReturnType<typeof captureLogger>;

  const start = () => {
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => (terminal += chunk.toString('utf8')));
    session = startWhatsAppWeb(client, {
      logger: log.logger,
      qrOutput: output,
      qrFile: path.join(dir, 'login-qr.txt'),
      retryDelayMs: () => 20,
    });
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lk-wa-session-'));
    client = createWhatsAppWebClient({ sessionDir: dir, chromiumPath: '/usr/bin/chromium' });
    starts = 0;
    failStarts = 0;
    terminal = '';
    session = null;
    log = captureLogger();
    // initialize() launches Chromium and opens WhatsApp Web: the network edge, recorded here.
    client.initialize = async () => {
      starts++;
      if (starts <= failStarts) throw new Error('Failed to launch the browser process');
    };
  });
  afterEach(async () => {
    await session?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the login QR code in the terminal and keeps it in a file until logged in, never in the logs', () => {
    start();
    expect(starts).toBe(1);
    client.emit('qr', QR);
    expect(terminal).toContain('scan this code');
    expect(terminal).toMatch(/[▄▀█]/);
    const file = path.join(dir, 'login-qr.txt');
    expect(readFileSync(file, 'utf8')).toMatch(/[▄▀█]/);
    client.emit('authenticated');
    expect(existsSync(file)).toBe(false);
    expect(log.lines.some((l) => l.includes('login needed'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(QR.slice(0, 20));
  });

  it('tries again with backoff when the browser cannot start', async () => {
    failStarts = 2;
    start();
    await eventually(() => starts === 3, 2_000);
    expect(log.lines.filter((l) => l.includes('WhatsApp Web reconnecting'))).toHaveLength(2);
  });

  it('reconnects after a disconnect, and not after stop', async () => {
    start();
    client.emit('ready');
    client.emit('disconnected', 'CONFLICT');
    await eventually(() => starts === 2, 2_000);
    await session?.stop();
    client.emit('disconnected', 'UNPAIRED');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(starts).toBe(2);
  });
});
