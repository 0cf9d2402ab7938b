import { PassThrough, Readable } from 'node:stream';
import { createConsoleSender } from '../../bots/console/createConsoleSender.js';
import { runConsoleChat } from '../../bots/console/runConsoleChat.js';
import { startApp } from '../support/startApp.js';
import { outbound, readFixtures, type ChannelUnderTest } from './ChannelUnderTest.js';

const fixtures = readFixtures('console');

/**
 * The console: replies drawn as plain text and written to the terminal; typed lines run through
 * runConsoleChat on the app's core. It has no native format to parse, so only its send side is
 * in the table.
 */
export const consoleChannel: ChannelUnderTest = {
  name: 'console',
  fixtures,
  async start() {
    const app = await startApp({});
    const smsMaxParts = app.core.config.sms.maxParts;
    return {
      app,
      secrets: [],
      adapterLogLines: [],
      async send(replies, address) {
        const written: string[] = [];
        const sender = createConsoleSender((text) => written.push(text), 'console', app.core.translator, smsMaxParts);
        await sender.send(outbound('console', address, replies));
        return written;
      },
      async deliver(line) {
        await runConsoleChat(app.core, {
          surface: 'console',
          from: fixtures.address,
          input: Readable.from([`${String(line)}\n`]),
          output: new PassThrough(),
          interactive: false,
          smsMaxParts,
        });
      },
      stop: () => app.stop(),
    };
  },
};
