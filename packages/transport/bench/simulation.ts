/**
 * Simulation-side costs (no Go counterpart): how fast VirtualClock fires timers for 10 000 nodes, and how
 * fast MemoryNetwork routes packets among 1 000 endpoints with faults on.
 */
import { MemoryNetwork, VirtualClock, createSeededRandom } from '../dist/index.js';

/** Results of {@link simulationBench}. */
export interface SimulationResult {
  nodes: number;
  timersFired: number;
  microsPerTimer: number;
  endpoints: number;
  packetsDelivered: number;
  microsPerPacket: number;
}

/** Runs both measurements on a fresh virtual clock (about 2 s of wall time). */
export async function simulationBench(): Promise<SimulationResult> {
  const clock = new VirtualClock();
  const random = createSeededRandom('bench');
  const nodes = 10_000;
  let fired = 0;
  for (let i = 0; i < nodes; i++) {
    // A probe-like tick every ~200 ms with sub-millisecond jitter: almost every timer is its own instant.
    const tick = () => {
      fired++;
      clock.setTimeout(tick, 200 + random.next());
    };
    clock.setTimeout(tick, random.next() * 200);
  }
  let start = performance.now();
  await clock.advance(20_000);
  const timerMs = performance.now() - start;

  const network = new MemoryNetwork({ clock, random, defaults: { latencyMs: 1, jitterMs: 2, lossRate: 0.01 } });
  const endpoints = [];
  for (let i = 0; i < 1000; i++) {
    const e = network.endpoint(`10.${i >> 8}.${i & 255}.1:7946`);
    await e.start({ onPacket: () => undefined, onStream: (s) => s.destroy() });
    endpoints.push(e);
  }
  const payload = new Uint8Array(200);
  start = performance.now();
  for (let round = 0; round < 200; round++) {
    for (const e of endpoints) void e.sendPacket(endpoints[random.int(endpoints.length)]!.address, payload);
    await clock.advance(5);
  }
  const packetMs = performance.now() - start;
  const delivered = network.stats().packetsDelivered;
  return {
    nodes,
    timersFired: fired,
    microsPerTimer: (timerMs * 1000) / fired,
    endpoints: endpoints.length,
    packetsDelivered: delivered,
    microsPerPacket: (packetMs * 1000) / delivered,
  };
}
