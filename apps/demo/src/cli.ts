/** Entry point of the demo app's `gossip` command (what `pnpm demo` and `pnpm gossip` run). */
import { processIo } from '@gossip/agent';
import { demoMain } from './main.js';

demoMain(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gossip: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
