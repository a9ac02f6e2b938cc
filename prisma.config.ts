// Prisma CLI configuration (Prisma 7 reads the datasource URL here, not from schema.prisma).
// `prisma generate` needs no database; `prisma migrate deploy` on a connected machine uses DATABASE_URL.
// The application itself never reads this file: lib/db/client.ts builds its own driver adapter.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
