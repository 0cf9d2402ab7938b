import { codeSentTo, postJsonFrom, seedOfficer, setCookieOf } from '../test/support/commandCenter.js';
import { FakeTwilioApi } from '../test/support/fakeTwilio.js';
import { eventually, startApp } from '../test/support/startApp.js';
import { median } from './stats.js';

// `npx tsx bench/loginTiming.ts [rounds]`: does POST /api/login/verify take longer for an
// officer's handle than for any other? The whole app on PostgreSQL; each round asks for a code
// for an officer and for a handle nobody has, then makes four wrong tries with each challenge,
// interleaved, and times every answer. Prints the medians and the 5xx count. Medians are compared
// here, by a person, never in a test: the test checks the structure (same queries, same hashing).
// CONTROL=1 makes the "officer" handle nobody's too: the gap it shows is the noise to compare with.

const rounds = Number(process.argv[2] ?? 60);
const OFFICER = '6281100000901';
const NOBODY = '6289900000901';
const HOUR = 3_600_000;

const api = new FakeTwilioApi();
await api.start();
const app = await startApp(
  {
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'bench-auth-token-0123456789abcdef',
    TWILIO_FROM: '+15005550006',
    SMS_RATE_PER_SECOND: '50',
    SESSION_SECRET: 'bench-login-timing-secret-0123456789abcd',
    LOG_LEVEL: 'warn',
  },
  { twilioHttpClient: api.httpClient() },
);
try {
  await seedOfficer(app, {
    name: 'Petugas Bench',
    role: 'officer',
    departmentCode: 'DLH',
    phone: process.env.CONTROL ? '6281100000999' : OFFICER,
  });
  const times = { officer: [] as number[], nobody: [] as number[] };
  let serverErrors = 0;
  let tried = 0;
  for (let round = 0; round < rounds; round++) {
    // An hour later each round, so the officer's hourly caps never turn their request into a dead row.
    app.clock.now = new Date(app.clock.now.getTime() + HOUR);
    const seen = api.calls.length;
    const officer = setCookieOf(
      (await postJsonFrom(app, '127.0.0.1', '/api/login/request', { handle: `+${OFFICER}` })).headers,
      'lk_login',
    );
    const nobody = setCookieOf(
      (await postJsonFrom(app, '127.0.0.1', '/api/login/request', { handle: `+${NOBODY}` })).headers,
      'lk_login',
    );
    if (!process.env.CONTROL) await codeSentTo(api, OFFICER, seen);
    await eventually(
      async () => (await app.core.db.prisma.officerLoginCode.count({ where: { createdAt: app.clock.now } })) === 2,
    );
    for (let i = 0; i < 4; i++) {
      const pair = [
        ['officer', `+${OFFICER}`, officer],
        ['nobody', `+${NOBODY}`, nobody],
      ] as const;
      // Each goes first half the time: background work after a request must not favour either.
      for (const [who, handle, challenge] of i % 2 === 0 ? pair : [...pair].reverse()) {
        const started = process.hrtime.bigint();
        const res = await postJsonFrom(app, '127.0.0.1', '/api/login/verify', { handle, code: '000000' }, challenge);
        times[who].push(Number(process.hrtime.bigint() - started) / 1e6);
        tried++;
        if (res.status >= 500) serverErrors++;
      }
    }
  }
  console.log(
    JSON.stringify(
      {
        tried,
        serverErrors,
        medianMs: { officer: median(times.officer), nobody: median(times.nobody) },
      },
      null,
      2,
    ),
  );
} finally {
  await app.stop();
  await api.stop();
}
