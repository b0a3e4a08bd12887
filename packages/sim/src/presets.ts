/**
 * Timing presets for simulated nodes and the Lifeguard on/off switch, plus the detection bounds the spec (§8.4.1)
 * derives from them, so scenario tests assert against computed numbers instead of magic ones.
 */

import type { MemberlistTunables } from '@gossip/core';
import { lanConfig, localConfig, suspicionTimeouts, wanConfig } from '@gossip/core';

/** A named memberlist preset: `DefaultLANConfig`, `DefaultWANConfig` or `DefaultLocalConfig`. */
export type PresetName = 'lan' | 'wan' | 'local';

/** Tunables of a preset with `overrides` applied. */
export function presetTunables(preset: PresetName, overrides: Partial<MemberlistTunables> = {}): MemberlistTunables {
  const base = preset === 'wan' ? wanConfig() : preset === 'local' ? localConfig() : lanConfig();
  return { ...base, ...withoutUndefined(overrides) };
}

/**
 * Overrides that turn Lifeguard's three components off, as the Lifeguard paper's baseline does (arXiv 1707.00788:
 * memberlist with Lifeguard disabled):
 * - Local Health Aware Probe off: `awarenessMaxMultiplier: 1` pins the health score at 0, so a node that misses
 *   acks (or nacks, or must refute) never stretches its probe interval and timeouts.
 * - Local Health Aware Suspicion off: `suspicionMaxTimeoutMult: 1` makes `max = min`, so every suspicion timer
 *   runs for the fixed SWIM timeout `min = SuspicionMult × max(1, log10 n) × ProbeInterval` and independent
 *   confirmations (k) cannot change it.
 * - Buddy system off (`buddySystem: false`): a probe of a suspect is a plain ping, so the suspect learns of its
 *   suspicion only through gossip.
 * Nacks are still sent (memberlist has no knob for them); with the health score pinned they change nothing.
 * gossip's own additions stay as configured: see {@link GOSSIP_ADDITIONS_OFF} and {@link PLAIN_SWIM}.
 */
export const LIFEGUARD_OFF: Readonly<
  Pick<MemberlistTunables, 'awarenessMaxMultiplier' | 'suspicionMaxTimeoutMult' | 'buddySystem'>
> = Object.freeze({ awarenessMaxMultiplier: 1, suspicionMaxTimeoutMult: 1, buddySystem: false });

/**
 * Overrides that turn off what gossip adds to memberlist's failure detection, none of which is Lifeguard:
 * isolation awareness (a node that seems cut off holds its own suspicions), verification of second-hand
 * suspicions with the suspect, and reconnect. Not switchable, and so still on: timeouts acted upon one I/O turn
 * late and probes whose timers ran late counted as inconclusive (both only matter to a stalled node), and
 * push/pull-derived suspicions that confirm nothing.
 */
export const GOSSIP_ADDITIONS_OFF: Readonly<
  Pick<MemberlistTunables, 'isolationAwareness' | 'suspicionVerification' | 'reconnect'>
> = Object.freeze({ isolationAwareness: false, suspicionVerification: false, reconnect: Object.freeze({ intervalMs: 0, timeoutMs: 0 }) });

/** Plain SWIM, the Lifeguard paper's baseline: {@link LIFEGUARD_OFF} and {@link GOSSIP_ADDITIONS_OFF} together. */
export const PLAIN_SWIM: Readonly<Partial<MemberlistTunables>> = Object.freeze({ ...LIFEGUARD_OFF, ...GOSSIP_ADDITIONS_OFF });

/** Bounds on failure detection for a cluster of `n` nodes under the given tunables (PROTOCOL.md §8.4.1). */
export interface DetectionBounds {
  /** The shortest suspicion timeout: with k confirmations a node is declared dead this long after suspicion. */
  readonly minSuspicionMs: number;
  /** The longest suspicion timeout: with no confirmations (or Lifeguard off, = min). */
  readonly maxSuspicionMs: number;
  /** Confirmations wanted to reach the minimum (`SuspicionMult − 2`, or 0 when `n − 2 < k`). */
  readonly k: number;
  /**
   * Latest time from a crash to the first suspicion, for a healthy cluster: every prober visits every node once
   * per round-robin pass of `n − 1` probes, a pass can put the node last after it was first in the previous one,
   * and a probe fails one probe interval after it starts.
   */
  readonly firstSuspicionMs: number;
}

/** Computes {@link DetectionBounds} for `n` nodes (node-list length as each node counts it, self included). */
export function detectionBounds(tunables: MemberlistTunables, n: number): DetectionBounds {
  const { minMs, maxMs } = suspicionTimeouts({
    suspicionMult: tunables.suspicionMult,
    suspicionMaxTimeoutMult: tunables.suspicionMaxTimeoutMult,
    probeIntervalMs: tunables.probeIntervalMs,
    n,
  });
  let k = tunables.suspicionMult - 2;
  if (n - 2 < k) k = 0;
  return {
    minSuspicionMs: minMs,
    maxSuspicionMs: maxMs,
    k: Math.max(0, k),
    firstSuspicionMs: (2 * Math.max(1, n - 1) + 1) * tunables.probeIntervalMs,
  };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(o)) if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  return out;
}
