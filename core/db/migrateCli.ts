import { ConfigError, loadConfig } from '../config/loadConfig.js';
import { migrate } from './migrate.js';
import { databaseOptionsOf, openDatabase } from './openDatabase.js';

/** `npm run migrate`: applies pending migrations to DATABASE_DIRECT_URL or DATABASE_URL (or the embedded database). */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(databaseOptionsOf(config));
  try {
    const { applied, alreadyApplied } = await migrate(db.sql);
    console.log(
      `${db.kind}: applied ${applied.length} migration(s)${applied.length ? `: ${applied.join(', ')}` : ''}; ${alreadyApplied.length} already applied`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
