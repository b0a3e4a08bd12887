/**
 * `pnpm flood logs`: `FLOOD_BAD_PACKETS` (500,000) bad datagrams of four kinds (garbage type, malformed body,
 * truncated compound, invalid LZW) are handed to a live node's packet handler as fast as it takes them. Target:
 * under 100 KB of log, while the drop counters count every packet.
 */
import { badPacket } from './craft.js';
import { startVictim } from './victim.js';

/** What the log flood measured. */
export interface LogFloodResult {
  readonly packets: number;
  readonly seconds: number;
  readonly logBytes: number;
  readonly logLines: number;
  /** Sum of `gossip.packet.dropped` over every code (target: equal to `packets`). */
  readonly droppedCounted: number;
}

/** Runs the flood and returns its figures. */
export async function logFlood(log: (line: string) => void): Promise<LogFloodResult> {
  const total = Number(process.env.FLOOD_BAD_PACKETS ?? 500_000);
  const victim = await startVictim('victim');
  const from = '127.0.0.1:9';
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    victim.timing.deliver({ data: badPacket(i), from, receivedAt: performance.now() });
    // Let timers (the summary lines among them) run now and then, as a real socket's event loop would.
    if (i % 10_000 === 9_999) await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - t0) / 1000;
  await victim.node.shutdown();
  let droppedCounted = 0;
  for (const code of ['ERR_UNKNOWN_TYPE', 'ERR_MALFORMED', 'ERR_TRUNCATED', 'ERR_LZW', 'ERR_TOO_LARGE', 'ERR_EMPTY']) {
    droppedCounted += victim.metrics.counter(['gossip', 'packet', 'dropped'], { code });
  }
  const result = { packets: total, seconds, logBytes: victim.log.bytes, logLines: victim.log.lines, droppedCounted };
  log(`logs: ${JSON.stringify(result)}`);
  return result;
}
