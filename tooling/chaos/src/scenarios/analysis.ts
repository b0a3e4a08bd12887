/** Shared measurements of the scenarios: what counts as a false accusation or death, and time bounds. */
import type { AgentEvent, MemberView } from '../agents.js';
import type { Cluster } from '../cluster.js';
import type { Host } from '../host.js';
import type { ScenarioContext } from './types.js';

/** Counts events of `type` about `subjects` seen by anyone since `since`, and how many subjects they named. */
export function countEvents(cluster: Cluster, type: AgentEvent['type'], subjects: readonly Host[], since: number, until?: number): { events: number; subjects: number } {
  const names = new Set(subjects.map((h) => h.name));
  const hits = cluster.log.query({ types: [type], subjects: names, since, until });
  return { events: hits.length, subjects: new Set(hits.map((e) => e.subject)).size };
}

/** Time from `since` to the first event of one of `types` about `subject` (anyone's), or null. */
export function firstEventMs(cluster: Cluster, types: readonly AgentEvent['type'][], subject: Host, since: number): number | null {
  const hit = cluster.log.query({ types, subjects: new Set([subject.name]), since })[0];
  return hit === undefined ? null : hit.time - since;
}

/**
 * memberlist LAN timing: how long a crash may take to be declared dead without any confirmation — the first
 * probe (≤ 1 probe interval plus the indirect round), then the maximum suspicion timeout
 * 6 × 4 × max(1, log10 n) s — plus slack for a loaded machine.
 */
export function deadBoundMs(n: number): number {
  const suspicion = 6 * 4 * Math.max(1, Math.log10(n)) * 1000;
  return Math.round(3000 + suspicion + 10_000);
}

/**
 * Waits until every observer no longer lists any of `subjects` as alive or suspect (dead, left or reaped all
 * count). Resolves ms taken, or null after `timeoutMs`.
 */
export async function waitGone(cluster: Cluster, subjects: readonly Host[], observers: readonly Host[], timeoutMs: number, signal: AbortSignal): Promise<number | null> {
  const names = new Set(subjects.map((h) => h.name));
  const gone = (list: readonly MemberView[]): boolean => !list.some((m) => names.has(m.name) && (m.state === 'alive' || m.state === 'suspect'));
  return (await cluster.waitViews(observers, gone, timeoutMs, signal)) ?? null;
}

/** Picks the faulted host (seeded) among the running hosts; the rest are the healthy ones the targets are about. */
export function victimAndHealthy(ctx: ScenarioContext): { victim: Host; healthy: Host[] } {
  const running = ctx.cluster.running;
  const victim = pickVictim(running, ctx.rng.int(0, 1000));
  return { victim, healthy: running.filter((h) => h !== victim) };
}

/** Picks a host other than the first (the first is everyone's seed), seeded. */
export function pickVictim(hosts: readonly Host[], index: number): Host {
  const h = hosts[1 + (index % Math.max(1, hosts.length - 1))];
  if (h === undefined) throw new RangeError('a scenario needs at least 2 hosts');
  return h;
}

/** Formats ms as seconds with one decimal, or `—`. */
export function secs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;
}
