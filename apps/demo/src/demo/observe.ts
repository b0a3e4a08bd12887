/**
 * How long the cluster takes to notice things: polls every node's own view (10 ms resolution) until a condition
 * holds on all of them. Reading each node's view — rather than trusting one — is the point: "dead everywhere"
 * means every survivor independently reached that conclusion.
 */
import type { MemberState } from 'gossip';
import type { Agent } from '@gossip/agent';

/** Polling period (the resolution of every measurement). */
export const POLL_MS = 10;

/**
 * Resolves with the ms elapsed since `since` once `condition()` holds, or `undefined` after `timeoutMs` or when
 * `signal` aborts.
 */
export async function waitFor(condition: () => boolean, timeoutMs: number, signal: AbortSignal, since = performance.now()): Promise<number | undefined> {
  const deadline = since + timeoutMs;
  for (;;) {
    if (signal.aborted) return undefined;
    if (condition()) return performance.now() - since;
    if (performance.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The state `viewer` believes `name` is in (undefined if unknown to it). */
export function stateOf(viewer: Agent, name: string): MemberState | undefined {
  return viewer.node.member(name)?.state;
}

/** Whether every agent in `viewers` sees every name in `names` alive. */
export function allSeeAlive(viewers: readonly Agent[], names: readonly string[]): boolean {
  return viewers.every((v) => names.every((n) => stateOf(v, n) === 'alive'));
}

/** Formats a duration for the narration: `850 ms`, `4.62 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
