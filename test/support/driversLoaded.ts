// Run in a child process with `node --import tsx --import ./test/support/traceImports.mjs`:
// opens the database as a process would (DATABASE_URL, or embedded PGlite in memory), runs one
// query, and prints which database drivers were loaded, as JSON.
import { openDatabase } from '../../core/db/openDatabase.js';

const DRIVERS = ['@electric-sql/pglite', 'pglite-prisma-adapter', '@prisma/adapter-pg', 'pg'];

const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, pgliteDir: 'memory://' });
await db.prisma.$queryRaw`SELECT 1`;
const urls = await (globalThis as unknown as { loadedModules(): Promise<string[]> }).loadedModules();
await db.close();
console.log(JSON.stringify(DRIVERS.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`)))));
