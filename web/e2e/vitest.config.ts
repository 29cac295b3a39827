/**
 * Browser end-to-end tests against the real demo server (`api/src/demo/run.ts`).
 * Run with `pnpm --filter @hub/web run e2e` after `pnpm run build` (the server
 * serves web/dist). See e2e/globalSetup.ts for what is started.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/globalSetup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
  },
});
