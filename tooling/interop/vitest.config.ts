import { goSuites } from '@gossip/test-support/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real processes and sockets: one file at a time keeps the shared machine calm and timings honest.
    fileParallelism: false,
    ...goSuites(),
  },
});
