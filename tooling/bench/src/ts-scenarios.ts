/**
 * The measurements on a TS cluster, one for one with tooling/bench/go/scenarios.go: same start and end
 * points, same victims, same windows. Every wait is bounded; an expired bound is reported, never hangs.
 */
import type { FpWindow, IdleReport } from './report-types.js';
import { RemoteBenchNode } from './remote-node.js';
import { round1 } from './stats.js';
import { TsCluster, sleep, waitUntil } from './ts-cluster.js';
import type { BenchNode, BenchPreset } from './ts-node.js';

/** Outcome of one timed measurement. */
export interface Measured {
  ms: number;
  ok: boolean;
}

/** From the start of a join storm until every node has had its N-th join event (self included). */
export async function measureJoin(c: TsCluster, timeoutMs: number): Promise<Measured> {
  const n = c.nodes.length;
  const start = Date.now();
  await c.joinStorm();
  const ok = await waitUntil(timeoutMs, () => c.nodes.every((node) => node.observer.joinCount().count >= n));
  if (!ok) return { ms: Date.now() - start, ok: false };
  const last = Math.max(...c.nodes.map((node) => node.observer.joinCount().at));
  return { ms: last - start, ok: true };
}

/** Crashes the last node: time to the first accusation anywhere, and until every survivor declared it dead. */
export async function measureCrash(
  c: TsCluster,
  timeoutMs: number,
): Promise<{ firstSuspect: Measured; allDead: Measured }> {
  const victim = c.nodes[c.nodes.length - 1] as BenchNode;
  const start = Date.now();
  await victim.crash();
  const observers = c.running();
  const okDead = await waitUntil(timeoutMs, () =>
    observers.every((o) => {
      const rec = o.observer.leaveOf(victim.name);
      return rec !== undefined && rec.at >= start;
    }),
  );
  let first = Infinity;
  let last = 0;
  for (const o of observers) {
    for (const a of o.observer.since(start, Date.now() + 1000).accusations) {
      if (a.target === victim.name) first = Math.min(first, a.at);
    }
    const rec = o.observer.leaveOf(victim.name);
    if (rec !== undefined) last = Math.max(last, rec.at);
  }
  return {
    firstSuspect: { ms: first - start, ok: Number.isFinite(first) },
    allDead: { ms: last - start, ok: okDead },
  };
}

/** The last running node leaves: time until every other running node marks it left. */
export async function measureLeave(c: TsCluster, timeoutMs: number): Promise<Measured> {
  const running = c.running();
  const leaver = running[running.length - 1] as BenchNode;
  const observers = running.slice(0, -1);
  const start = Date.now();
  await leaver.leave(timeoutMs);
  const ok = await waitUntil(timeoutMs, () =>
    observers.every((o) => {
      const rec = o.observer.leaveOf(leaver.name);
      return rec !== undefined && rec.at >= start && rec.state === 'left';
    }),
  );
  let last = 0;
  for (const o of observers) last = Math.max(last, o.observer.leaveOf(leaver.name)?.at ?? 0);
  return { ms: last - start, ok };
}

/**
 * The incremental heap per node: a second cluster of `n` formed beside the running one; heap after GC with both
 * minus the heap with the first alone, ÷ n. 0 when the second cluster did not converge within `timeoutMs`.
 */
export async function measureSecondCluster(n: number, preset: BenchPreset, timeoutMs: number): Promise<number> {
  const before = heapAfterGc().heap;
  const c = await TsCluster.create(n, preset);
  try {
    const j = await measureJoin(c, timeoutMs);
    if (!j.ok) return 0;
    return round1((heapAfterGc().heap - before) / n);
  } finally {
    await c.shutdown();
  }
}

/** V8 heap in use after a full collection (run node with --expose-gc). */
export function heapAfterGc(): { heap: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the TS harness with node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

/** Idle cost over `windowMs` on a converged cluster, per in-process node (a child-process node is excluded). */
export async function measureIdle(
  c: TsCluster,
  windowMs: number,
  baseline: { heap: number; external: number },
): Promise<IdleReport & { externalBytesPerNode: number; nodesMeasured: number }> {
  const nodes = c.inProcess();
  const n = nodes.length;
  const sum = (): { udpPackets: number; udpBytes: number; tcpBytes: number; tcpDials: number } => {
    const s = { udpPackets: 0, udpBytes: 0, tcpBytes: 0, tcpDials: 0 };
    for (const node of nodes) {
      const t = node.transport.snapshot();
      s.udpPackets += t.udpPackets;
      s.udpBytes += t.udpBytes;
      s.tcpBytes += t.tcpBytes;
      s.tcpDials += t.tcpDials;
    }
    return s;
  };
  const cpu0 = process.cpuUsage();
  const traffic0 = sum();
  const t0 = performance.now();
  await sleep(windowMs);
  const cpu = process.cpuUsage(cpu0);
  const traffic1 = sum();
  const elapsed = (performance.now() - t0) / 1000;
  const mem = heapAfterGc();
  const perNodeSecond = (v: number): number => round1(v / n / elapsed);
  const udpBytes = traffic1.udpBytes - traffic0.udpBytes;
  const tcpBytes = traffic1.tcpBytes - traffic0.tcpBytes;
  return {
    windowSeconds: round1(elapsed),
    // Two decimals (Go rounds to one): at N = 8 a node costs well under 1 ms/s.
    cpuMsPerNodePerSecond: Math.round(((cpu.user + cpu.system) / 1000 / n / elapsed) * 100) / 100,
    udpPacketsPerNodePerSecond: perNodeSecond(traffic1.udpPackets - traffic0.udpPackets),
    udpBytesPerNodePerSecond: perNodeSecond(udpBytes),
    tcpBytesPerNodePerSecond: perNodeSecond(tcpBytes),
    bytesPerNodePerSecond: perNodeSecond(udpBytes + tcpBytes),
    heapBytesPerNode: round1((mem.heap - baseline.heap) / n),
    heapBaselineBytes: baseline.heap,
    externalBytesPerNode: round1((mem.external - baseline.external) / n),
    nodesMeasured: n,
    totals: {
      udpPackets: traffic1.udpPackets - traffic0.udpPackets,
      udpBytes,
      tcpBytes,
      tcpDials: traffic1.tcpDials - traffic0.tcpDials,
    },
  };
}

/** Classifies what the running nodes witnessed in `[from, to)`, `slow` being the one unhealthy node. */
export function countWindow(c: TsCluster, slow: string, from: number, to: number): FpWindow {
  const w: FpWindow = {
    accusations: 0,
    falseAccusations: 0,
    accusationsBySlow: 0,
    accusationsOfSlow: 0,
    refutations: 0,
    healthyDeclaredDead: [],
    healthyDeaths: 0,
    slowDeclaredDeadBy: 0,
  };
  const deadHealthy = new Set<string>();
  for (const node of c.running()) {
    const counts = node.observer.since(from, to);
    w.refutations += counts.refutations;
    for (const a of counts.accusations) {
      w.accusations++;
      if (a.target === slow) w.accusationsOfSlow++;
      else if (node.name === slow) {
        w.accusationsBySlow++;
        w.falseAccusations++;
      } else w.falseAccusations++;
    }
    for (const d of counts.deaths) {
      if (d.target === slow) {
        w.slowDeclaredDeadBy++;
        continue;
      }
      w.healthyDeaths++;
      deadHealthy.add(d.target);
    }
  }
  w.healthyDeclaredDead = [...deadHealthy].sort();
  return w;
}

/** Fault models for the slowed window. */
export type SlowMode = 'block-event-loop' | 'delay-inbound';

/** Describes a slow mode for the report. */
export function describeSlowMode(mode: SlowMode): string {
  return mode === 'block-event-loop'
    ? 'event loop of the slow node (own process) blocked for a random 1-2 s, then free for a random 0.2-1 s, repeatedly'
    : 'inbound packets and streams delayed by a random 1-2 s (as the Go harness)';
}

/** A window of `windowMs` with node-001 slowed by `mode`, counted like the Go harness's slowed window. */
export async function measureSlowedWindow(c: TsCluster, windowMs: number, mode: SlowMode): Promise<FpWindow> {
  const slow = c.nodes[1];
  if (!(slow instanceof RemoteBenchNode)) throw new Error('the slowed node must run in a child process');
  const from = Date.now();
  if (mode === 'block-event-loop') await slow.setBlocking(true);
  else await slow.setDelay(true);
  await sleep(windowMs);
  // Asked while still slowed: answered when the child's event loop next runs.
  const score = await slow.healthScore();
  if (mode === 'block-event-loop') await slow.setBlocking(false);
  else await slow.setDelay(false);
  const w = countWindow(c, slow.name, from, Date.now());
  w.slowHealthScore = score;
  return w;
}

/** Waits (bounded) until every running node counts every running node as a member again. */
export async function waitHealed(c: TsCluster, timeoutMs: number): Promise<boolean> {
  const names = c.running().map((n) => n.name);
  return waitUntil(timeoutMs, () =>
    c.running().every((o) => names.every((name) => {
      const rec = o.observer.leaveOf(name);
      return rec === undefined;
    })),
  );
}
