import { defineConfig } from 'vitest/config';

// Real namespaces and processes: one file at a time; the CI subset sets its own (long) timeout.
export default defineConfig({ test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 30_000, fileParallelism: false } });
