import { parseArgs } from 'node:util';
import { boot } from '../../core/boot.js';
import { CHANNEL_CAPABILITIES } from '../channels.js';
import { ConfigError, loadConfig } from '../../core/config/loadConfig.js';
import { normalizePhone } from '../../core/domain/phone.js';
import { CONSOLE_SURFACES, type ConsoleSurface } from './drawReply.js';
import { runConsoleChat } from './runConsoleChat.js';

const USAGE = `Usage: npm run chat -- [--channel console|sms|telegram|whatsapp] [--from <phone>] [--sms-parts <n>] [--log]

A chat with LayanKota as a citizen. On a terminal it asks for input; with piped input it reads one
message per line, prints the replies and exits at the end of the input.

--channel sms writes as an SMS from --from through the SMS adapter's path (STOP and MULAI work)
and shows each SMS as the provider would send it, cut at --sms-parts (default SMS_MAX_PARTS);
telegram and whatsapp ask for photos, sent as a line ":foto <file>". The messages are stored as
that channel's, in the database the settings name. --log shows the log lines (LOG_LEVEL, or info).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      channel: { type: 'string', default: 'console' },
      from: { type: 'string', default: '6281200000001' },
      'sms-parts': { type: 'string' },
      log: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const surface = values.channel as ConsoleSurface;
  const from = normalizePhone(values.from);
  // The chat is for reading replies: log lines only when asked for.
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: values.log ? (process.env.LOG_LEVEL ?? 'info') : 'silent',
  });
  const smsMaxParts = values['sms-parts'] === undefined ? config.sms.maxParts : Number(values['sms-parts']);
  if (!CONSOLE_SURFACES.includes(surface) || !from || !Number.isInteger(smsMaxParts) || smsMaxParts < 1) {
    console.error(`${!from ? `--from: "${values.from}" is not a phone number` : 'Invalid option'}\n\n${USAGE}`);
    return 2;
  }

  const core = await boot(config, { channels: CHANNEL_CAPABILITIES });
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
