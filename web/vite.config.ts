/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const API = process.env.HUB_API_URL ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: true },
      '/webhooks': { target: API, changeOrigin: true },
      '/media': { target: API, changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: true },
      '/webhooks': { target: API, changeOrigin: true },
      '/media': { target: API, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    // No public source maps: the hub serves web/dist as is (and refuses *.map anyway, api/src/http/hygiene.ts).
    // `vite build --sourcemap hidden` makes maps for an error tracker without linking or serving them.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // userEvent-heavy component tests exceed the 5 s default on a busy machine.
    testTimeout: 20_000,
  },
});
