// Prisma 7 CLI configuration. Only `prisma generate` runs through the CLI here:
// migrations are SQL files applied by api/src/db/migrate.ts (see README).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: './schema.prisma',
  migrations: { path: './migrations' },
});
