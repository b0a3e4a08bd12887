import type { MemberlistTunables } from '@gossip/core';
import type { DetectionBounds, Simulation, TraceEvent } from '../src/index.js';
import { detectionBounds } from '../src/index.js';

/** Starts `n` nodes, joins them all to the first, and waits until everyone sees everyone alive. */
export async function startCluster(sim: Simulation, n: number, maxMs = 60_000): Promise<string[]> {
  const names = await sim.addNodes(n);
  await sim.joinAll();
  await sim.waitFor(() => sim.converged(), { maxMs, what: `${n}-node convergence` });
  return names;
}

/** Detection timeline of one crash, measured from the trace. */
export interface CrashTimeline {
  readonly crashAt: number;
  /** First suspicion of the victim anywhere. */
  readonly firstSuspectAt: number;
  /** Per surviving observer: when it first saw the victim suspect and dead. */
  readonly perObserver: Map<string, { suspectAt: number | undefined; deadAt: number }>;
  readonly lastDeadAt: number;
  readonly bounds: DetectionBounds;
}

/** Reads the crash of `victim` at `crashAt` back from the trace; throws if some survivor never saw it dead. */
export function crashTimeline(
  sim: Simulation,
  victim: string,
  crashAt: number,
  survivors: readonly string[],
  tunables: MemberlistTunables,
  n: number,
): CrashTimeline {
  const since = crashAt;
  const suspectBy = sim.trace.firstTimeByObserver({ member: victim, type: 'suspect', since });
  const deadBy = sim.trace.firstTimeByObserver({ member: victim, type: 'leave', state: 'dead', since });
  const perObserver = new Map<string, { suspectAt: number | undefined; deadAt: number }>();
  for (const o of survivors) {
    const deadAt = deadBy.get(o);
    if (deadAt === undefined) throw new Error(`${o} never declared ${victim} dead`);
    perObserver.set(o, { suspectAt: suspectBy.get(o), deadAt });
  }
  const firstSuspectAt = Math.min(...suspectBy.values());
  return {
    crashAt,
    firstSuspectAt,
    perObserver,
    lastDeadAt: Math.max(...[...perObserver.values()].map((v) => v.deadAt)),
    bounds: detectionBounds(tunables, n),
  };
}

/** Events of one kind about healthy members (not in `unhealthy`). */
export function about(events: readonly TraceEvent[], unhealthy: ReadonlySet<string>): TraceEvent[] {
  return events.filter((e) => !unhealthy.has(e.member));
}
