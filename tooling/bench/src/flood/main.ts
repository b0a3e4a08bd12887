/**
 * `pnpm flood [block|bombs|streams|logs|all]`: hostile-traffic checks too large for unit tests (issue #12), each
 * against live nodes on loopback. Prints its figures and the machine load; writes bench-results/flood.json.
 *
 *   block    worst event-loop block per inbound datagram / stream, per message type and bomb shape
 *   bombs    200 KB/s of bomb datagrams for FLOOD_SECONDS (60) at a victim in a 3-node cluster: never suspected
 *   streams  200 trickling push/pull headers + 1,000 idle connections + 24 × 20 MiB user messages: a join and
 *            push/pulls through the victim still succeed, memory stays bounded
 *   logs     500,000 bad datagrams: bytes of log written
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, RESULTS_DIR } from '../micro.js';
import { measureBlocks } from './block.js';
import { bombFlood } from './bomb-flood.js';
import { logFlood } from './log-flood.js';
import { streamFlood } from './stream-flood.js';

const which = process.argv.slice(2).filter((a) => a !== '--')[0] ?? 'all';
const t0 = Date.now();
const log = (line: string): void => {
  process.stderr.write(`[flood +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
};

async function main(): Promise<void> {
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  log(`load at start ${load()}`);
  const results: Record<string, unknown> = {};
  if (which === 'block' || which === 'all') results.block = await measureBlocks(log);
  if (which === 'logs' || which === 'all') results.logs = await logFlood(log);
  if (which === 'bombs' || which === 'all') results.bombs = await bombFlood(log);
  if (which === 'streams' || which === 'all') results.streams = await streamFlood(log);
  results.loadAtEnd = load();
  log(`load at end ${results.loadAtEnd as string}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, 'flood.json');
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run
  }
  writeFileSync(file, `${JSON.stringify({ ...previous, ...results, at: new Date().toISOString() }, null, 2)}\n`);
  log(`wrote ${file.slice(REPO_ROOT.length)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
