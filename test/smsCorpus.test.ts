import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCorpus, SmsCorpusRunner, type CorpusResult } from './support/smsCorpus.js';

/**
 * Informal messages as residents type them (test/corpus/informal.cases.json), each through the
 * real SMS path: a signed Twilio webhook into the whole app, the replies read back from a local
 * fake of Twilio's API. Every case must come out as its resident expects; a straight SIUP
 * application and a straight complaint must stay within their SMS budgets.
 */
describe('the informal corpus through the real SMS path', () => {
  const runner = new SmsCorpusRunner();
  const corpus = readCorpus();
  const results: CorpusResult[] = [];

  beforeAll(async () => {
    await runner.start();
    for (const c of corpus.cases) results.push(await runner.run(c));
  }, 600_000);
  afterAll(() => runner.stop());

  it('has at least 100 cases over every class it names', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(100);
    expect(results).toHaveLength(corpus.cases.length);
  });

  const classes = [...new Set(corpus.cases.map((c) => c.class))];
  it.each(classes)('every "%s" message is understood', (cls) => {
    const wrong = results
      .filter((r) => r.case.class === cls && !r.ok)
      .map(
        (r) => `${JSON.stringify(r.case.text)} after ${JSON.stringify(r.case.after ?? [])}: ${r.problems.join('; ')}`,
      );
    expect(wrong).toEqual([]);
  });

  it('told every new number once of its privacy notice, in one SMS of its own', () => {
    expect(runner.notices.size).toBeGreaterThanOrEqual(corpus.cases.length);
    expect([...runner.notices.values()].filter((n) => n !== 1)).toEqual([]);
  });

  it('no answer takes more than 2 SMS', () => {
    const long = results.filter((r) => r.sms.length > 2).map((r) => `${r.case.text}: ${r.sms.length}`);
    expect(long).toEqual([]);
  });

  it('a straight SIUP application costs at most 10 SMS, a straight complaint at most 6', async () => {
    const siup = await runner.straightTask('siup');
    const complaint = await runner.straightTask('complaint');
    expect(siup.out, `SIUP: ${siup.parts.join(' ')}`).toBeLessThanOrEqual(10);
    expect(complaint.out, `complaint: ${complaint.parts.join(' ')}`).toBeLessThanOrEqual(6);
  });
});
