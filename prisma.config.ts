import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (generate; migrate deploy on machines with the schema engine).
// The application itself connects through core/db/createPrisma.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/layankota' },
});
