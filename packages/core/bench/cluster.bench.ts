/**
 * Core engine cost in steady state: N real nodes (LAN preset) on a MemoryNetwork driven by a VirtualClock.
 * Reports how much wall time one simulated node-second costs, the traffic per node (compare with SWIM's constant
 * ≈ 2 messages per protocol period and scalecube's 0.6-1.1 KB/s per node), and heap per node.
 * Run: pnpm --filter @gossip/core bench [-- 50 200]
 */
import { TestCluster } from '../test/harness.js';

async function measure(n: number, virtualMs: number): Promise<void> {
  const cluster = new TestCluster(`bench-${n}`);
  const heapBefore = process.memoryUsage().heapUsed;
  const nodes = [];
  for (let i = 0; i < n; i++) nodes.push(await cluster.add(`n${i}`, { metrics: undefined }));
  for (let i = 1; i < n; i++) await cluster.run(nodes[i]!.node.join([nodes[Math.floor(i / 2)]!.address]));
  // Let join traffic drain and push/pull converge before measuring.
  await cluster.advance(200_000);
  const converged = nodes.every((t) => t.node.numMembers() === n);
  global.gc?.();
  const heapPerNode = (process.memoryUsage().heapUsed - heapBefore) / n;
  cluster.network.resetStats();
  const start = performance.now();
  await cluster.advance(virtualMs);
  const wallMs = performance.now() - start;
  const stats = cluster.network.stats();
  const nodeSeconds = (n * virtualMs) / 1000;
  console.log(
    JSON.stringify({
      nodes: n,
      converged,
      virtualSeconds: virtualMs / 1000,
      wallMs: Math.round(wallMs),
      usPerNodeSecond: Math.round((wallMs * 1000) / nodeSeconds),
      packetsPerNodeSecond: +(stats.packetsSent / nodeSeconds).toFixed(2),
      bytesPerNodeSecond: Math.round(stats.bytesSent / nodeSeconds),
      streamBytesPerNodeSecond: Math.round(stats.streamBytes / nodeSeconds),
      heapKiBPerNode: Math.round(heapPerNode / 1024),
    }),
  );
  await cluster.shutdown();
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 1);
for (const n of sizes.length > 0 ? sizes : [50, 200]) await measure(n, 60_000);
