import { defineConfig } from 'tsup';

// The harness processes run from plain JS: `node --import tsx` alone costs an idle process about 5 ms of CPU
// per second (measured), which would be charged to the TS nodes' idle cost.
export default defineConfig({
  entry: ['src/ts-harness.ts', 'src/child-node.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
});
