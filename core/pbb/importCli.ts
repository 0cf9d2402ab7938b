import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { SingleBar, Presets } from 'cli-progress';
import { boot } from '../boot.js';
import { ConfigError, loadConfig } from '../config/loadConfig.js';
import { importLedger } from './importLedger.js';

const USAGE = 'Usage: npm run import:pbb -- <ledger.csv>   (columns as in city/default/pbb-sppt-demo.csv)';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file || file === '--help' || file === '-h') {
    console.error(USAGE);
    return file ? 0 : 2;
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    console.error(`Cannot read ${file}.\n${USAGE}`);
    return 2;
  }

  const core = await boot(loadConfig());
  // The bar counts bytes, so it needs no first pass over the file; it is drawn on a terminal only.
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'PBB import [{bar}] {percentage}% | {rows} rows' }, Presets.shades_classic)
    : null;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  bar?.start(size, 0, { rows: 0 });
  try {
    const started = performance.now();
    const summary = await importLedger(core.db.prisma, createReadStream(file).pipe(counter), {
      onProgress: (rows) => bar?.update(bytes, { rows }),
      nopRegions: core.city.pbb.nopRegions,
    });
    bar?.update(size);
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    console.log(`PBB import of ${file}`);
    console.log(`  rows read:  ${summary.read}`);
    console.log(`  inserted:   ${summary.inserted}`);
    console.log(`  updated:    ${summary.updated}`);
    console.log(`  unchanged:  ${summary.unchanged}`);
    console.log(`  rejected:   ${summary.rejected.length}`);
    for (const r of summary.rejected.slice(0, 50)) console.log(`    line ${r.line}: ${r.reason}`);
    if (summary.rejected.length > 50) console.log(`    ... and ${summary.rejected.length - 50} more`);
    console.log(`  time:       ${seconds.toFixed(1)} s (${Math.round(summary.read / seconds)} rows/s)`);
    return 0;
  } finally {
    bar?.stop();
    await core.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `PBB import failed: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
