import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One graphql-js for the whole process, as under Node: vite would hand
    // source files graphql's `module` build (index.mjs) while packages such
    // as Pothos, Apollo and graphql-armor load its `main` (index.js), and
    // graphql-js refuses types "from another module or realm".
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
