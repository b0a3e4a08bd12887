/**
 * Every node's view of the cluster, maintained from its membership events. Polling `members()` of a thousand
 * nodes after every simulated instant would cost a million snapshots each time; this view answers "has it
 * converged?" in O(1) per event and amortised O(1) per check, so `waitFor` can stop at the exact instant.
 * It keeps only states (interned strings, no per-entry objects): a 1,000-node cluster holds a million entries.
 */

import type { MemberState } from '@gossip/core';

/** Per-observer membership maps (member name → state), fed with membership events. */
export class ClusterView {
  private readonly views = new Map<string, Map<string, MemberState>>();
  private readonly aliveCounts = new Map<string, number>();

  /** Records that `observer` now believes `member` is in `state`. */
  apply(observer: string, member: string, state: MemberState): void {
    let view = this.views.get(observer);
    if (!view) {
      view = new Map();
      this.views.set(observer, view);
    }
    const before = view.get(member);
    view.set(member, state);
    const delta = (state === 'alive' ? 1 : 0) - (before === 'alive' ? 1 : 0);
    if (delta !== 0) this.aliveCounts.set(observer, (this.aliveCounts.get(observer) ?? 0) + delta);
  }

  /** Forgets an observer (its process was replaced: a restarted node starts from nothing). */
  reset(observer: string): void {
    this.views.delete(observer);
    this.aliveCounts.delete(observer);
  }

  /** What `observer` believes about `member`, or `undefined` if it never heard of it. */
  get(observer: string, member: string): MemberState | undefined {
    return this.views.get(observer)?.get(member);
  }

  /** How many members `observer` believes alive (itself included). */
  aliveCount(observer: string): number {
    return this.aliveCounts.get(observer) ?? 0;
  }

  /** Whether `observer` believes exactly the members of `expected` alive. */
  seesExactlyAlive(observer: string, expected: ReadonlySet<string>): boolean {
    if (this.aliveCount(observer) !== expected.size) return false;
    const view = this.views.get(observer);
    if (!view) return expected.size === 0;
    for (const name of expected) if (view.get(name) !== 'alive') return false;
    return true;
  }
}
