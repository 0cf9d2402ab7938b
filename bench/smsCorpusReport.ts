import { readCorpus, SmsCorpusRunner, type CorpusResult } from '../test/support/smsCorpus.js';

/**
 * `npm run bench:sms`: the informal corpus through the real SMS path, and what a straight SIUP
 * application and a straight complaint cost in SMS. Prints the share understood by class, the
 * histogram of SMS per answer and the two costs, as Markdown for the README. Needs PostgreSQL
 * and Redis, as the tests do. `--misses` also lists every case that went wrong.
 */
async function main(): Promise<void> {
  const corpusFile = process.argv.find((a) => a.endsWith('.json'));
  const corpus = readCorpus(corpusFile);
  const runner = new SmsCorpusRunner();
  await runner.start();
  try {
    const results: CorpusResult[] = [];
    for (const c of corpus.cases) results.push(await runner.run(c));
    const siup = await runner.straightTask('siup');
    const complaint = await runner.straightTask('complaint');

    const classes = [...new Set(results.map((r) => r.case.class))];
    console.log(`| Class | Right | Share |\n| --- | ---: | ---: |`);
    for (const cls of classes) {
      const of = results.filter((r) => r.case.class === cls);
      const right = of.filter((r) => r.ok).length;
      console.log(`| ${cls} | ${right}/${of.length} | ${Math.round((100 * right) / of.length)}% |`);
    }
    const right = results.filter((r) => r.ok).length;
    console.log(`| all | ${right}/${results.length} | ${Math.round((100 * right) / results.length)}% |\n`);

    const histogram = new Map<number, number>();
    for (const r of results) histogram.set(r.sms.length, (histogram.get(r.sms.length) ?? 0) + 1);
    console.log(`| SMS per answer | Answers |\n| ---: | ---: |`);
    for (const [count, n] of [...histogram].sort((a, b) => a[0] - b[0])) console.log(`| ${count} | ${n} |`);
    const total = results.reduce((sum, r) => sum + r.sms.length, 0);
    console.log(`| mean | ${(total / results.length).toFixed(2)} |\n`);

    console.log(`| Straight task by SMS | Messages in | SMS out | SMS per answer |\n| --- | ---: | ---: | --- |`);
    console.log(`| SIUP application | ${siup.in} | ${siup.out} | ${siup.parts.join(' ')} |`);
    console.log(`| Complaint | ${complaint.in} | ${complaint.out} | ${complaint.parts.join(' ')} |`);

    const long = results.filter((r) => r.sms.length > 2);
    if (long.length > 0) {
      console.log(`\nAnswers over 2 SMS:`);
      for (const r of long) console.log(`- ${r.sms.length} SMS: [${r.case.class}] ${JSON.stringify(r.case.text)}`);
    }
    if (process.argv.includes('--misses')) {
      for (const r of results.filter((x) => !x.ok)) {
        console.log(`\n[${r.case.class}] ${JSON.stringify(r.case.text)} after ${JSON.stringify(r.case.after ?? [])}`);
        for (const p of r.problems) console.log(`  - ${p}`);
      }
    }
  } finally {
    await runner.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
