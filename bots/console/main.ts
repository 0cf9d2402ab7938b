import { parseArgs } from 'node:util';
import { boot } from '../../core/boot.js';
import { ConfigError, loadConfig } from '../../core/config/loadConfig.js';
import { normalizePhone } from '../../core/domain/phone.js';
import { CONSOLE_SURFACES, type ConsoleSurface } from './drawReply.js';
import { runConsoleChat } from './runConsoleChat.js';

const USAGE = `Usage: npm run chat -- [--channel console|sms|telegram|whatsapp] [--from <phone>] [--sms-parts <n>]

A chat with LayanKota as a citizen. On a terminal it asks for input; with piped input it reads one
message per line, prints the replies and exits at the end of the input.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      channel: { type: 'string', default: 'console' },
      from: { type: 'string', default: '6281200000001' },
      'sms-parts': { type: 'string', default: '4' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const surface = values.channel as ConsoleSurface;
  const from = normalizePhone(values.from);
  const smsMaxParts = Number(values['sms-parts']);
  if (!CONSOLE_SURFACES.includes(surface) || !from || !Number.isInteger(smsMaxParts) || smsMaxParts < 1) {
    console.error(`${!from ? `--from: "${values.from}" is not a phone number` : 'Invalid option'}\n\n${USAGE}`);
    return 2;
  }

  const config = loadConfig();
  const core = await boot(config);
  try {
    await runConsoleChat(core, {
      surface,
      from,
      input: process.stdin,
      output: process.stdout,
      interactive: Boolean(process.stdin.isTTY),
      smsMaxParts,
    });
  } finally {
    await core.close();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `LayanKota chat failed: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
