import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './createLogger.js';
import { maskLogText } from './redactLogFields.js';

/** A logger at debug whose lines are parsed back, to read what would have been written. */
function logged(write: (logger: ReturnType<typeof createLogger>) => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  write(createLogger('debug', sink));
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('createLogger: fields by an allow-list', () => {
  it.each([
    {
      label: 'a safe field as it is',
      fields: { channel: 'sms', trackingNumber: 'ADU-2026-0001' },
      expected: { channel: 'sms', trackingNumber: 'ADU-2026-0001' },
    },
    {
      label: 'counts and lists of names',
      fields: { rows: 3, roles: ['web', 'worker'] },
      expected: { rows: 3, roles: ['web', 'worker'] },
    },
    { label: 'an address masked', fields: { address: '6281234567890' }, expected: { address: '*********7890' } },
    {
      label: 'an unknown field replaced',
      fields: { body: { phone: '6281234567890' }, handle: 'budi' },
      expected: { body: '[redacted]', handle: '[redacted]' },
    },
    {
      label: 'secrets by name replaced',
      fields: { token: 'x', nik: '1275014501900007', code: '123456' },
      expected: { token: '[redacted]', nik: '[redacted]', code: '[redacted]' },
    },
    {
      label: 'a safe field holding an object replaced',
      fields: { status: { phone: '6281234567890' } },
      expected: { status: '[redacted]' },
    },
    {
      label: 'a reason with a phone number masked',
      fields: { reason: 'no citizen +62 812-3456-7890' },
      expected: { reason: 'no citizen *********7890' },
    },
  ])('$label', ({ fields, expected }) => {
    const [line] = logged((logger) => logger.info(fields, 'something happened'));
    const { msg, ...rest } = line ?? {};
    delete rest.level;
    delete rest.time;
    expect(msg).toBe('something happened');
    expect(rest).toEqual(expected);
  });

  it('reduces an error to type, code, message and stack, personal data masked', () => {
    const error = Object.assign(new Error('duplicate key for 1275014501900007 and budi@example.id'), {
      code: 'P2002',
      meta: { target: ['nik'], phone: '6281234567890' },
      body: '{"api_key":"k","phone":"6281234567890"}',
    });
    const [line] = logged((logger) => logger.error({ err: error, path: '/api/x' }, 'request failed'));
    const err = line?.err as Record<string, unknown>;
    expect(Object.keys(err).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect(err).toMatchObject({
      type: 'Error',
      code: 'P2002',
      message: 'duplicate key for ************0007 and [email]',
    });
    const text = JSON.stringify(line);
    for (const planted of ['1275014501900007', 'budi@example.id', '6281234567890', 'api_key']) {
      expect(text).not.toContain(planted);
    }
  });

  it('masks an error given alone, and its message that pino would write as msg', () => {
    const [line] = logged((logger) => logger.error(new Error('code for 081234567890')));
    expect(JSON.stringify(line)).not.toContain('081234567890');
    expect(line?.msg).toBe('code for ********7890');
  });

  it('masks a message and drops values for %s', () => {
    const [line] = logged((logger) => logger.warn('no officer 6281234567890 %s', 'secret@kota.id'));
    expect(line?.msg).toBe('no officer *********7890 %s');
  });

  it.each([
    ['a NIK', 'NIK 1275014501900007', 'NIK ************0007'],
    ['an NOP with dots', 'NOP 12.75.040.003.009-1555.0', 'NOP **************5550'],
    ['a bot token', 'token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', 'token *****6789:[secret]'],
    ['short numbers kept', 'attempt 3 of 5, 1200 ms, code 131047', 'attempt 3 of 5, 1200 ms, code 131047'],
    ['words kept', 'Invalid prisma.citizen.create() invocation', 'Invalid prisma.citizen.create() invocation'],
  ])('maskLogText: %s', (_label, text, expected) => {
    expect(maskLogText(text)).toBe(expected);
  });
});
