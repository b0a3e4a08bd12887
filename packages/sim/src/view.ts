/**
 * Every node's view of the cluster, maintained from its membership events. Polling `members()` of a thousand
 * nodes after every simulated instant would cost a million snapshots each time; this view answers "has it
 * converged?" in O(1) per event and amortised O(1) per check, so `waitFor` can stop at the exact instant.
 * It is a byte matrix (observer × member → state code), because a 10,000-node cluster holds 10⁸ entries: one byte
 * each is 100 MB, where a map per observer cost about 50 bytes each.
 */

import type { MemberState } from '@gossip/core';

const CODES: readonly (MemberState | undefined)[] = [undefined, 'alive', 'suspect', 'dead', 'left'];
const CODE_OF: Readonly<Record<MemberState, number>> = { alive: 1, suspect: 2, dead: 3, left: 4 };

/** One observer's beliefs: state codes indexed by member number (0: never heard of it). */
interface ObserverView {
  states: Uint8Array;
  alive: number;
}

/** Per-observer membership state (member name → state), fed with membership events. */
export class ClusterView {
  /** Every member name ever seen gets a dense number, shared by all observers. */
  private readonly memberIndex = new Map<string, number>();
  private readonly views = new Map<string, ObserverView>();

  /** Records that `observer` now believes `member` is in `state`. */
  apply(observer: string, member: string, state: MemberState): void {
    let index = this.memberIndex.get(member);
    if (index === undefined) {
      index = this.memberIndex.size;
      this.memberIndex.set(member, index);
    }
    let view = this.views.get(observer);
    if (!view) {
      view = { states: new Uint8Array(Math.max(64, this.memberIndex.size)), alive: 0 };
      this.views.set(observer, view);
    }
    if (index >= view.states.length) {
      const grown = new Uint8Array(Math.max(index + 1, view.states.length * 2));
      grown.set(view.states);
      view.states = grown;
    }
    const before = view.states[index];
    const code = CODE_OF[state];
    view.states[index] = code;
    view.alive += (code === 1 ? 1 : 0) - (before === 1 ? 1 : 0);
  }

  /** Forgets an observer (its process was replaced: a restarted node starts from nothing). */
  reset(observer: string): void {
    this.views.delete(observer);
  }

  /** What `observer` believes about `member`, or `undefined` if it never heard of it. */
  get(observer: string, member: string): MemberState | undefined {
    const index = this.memberIndex.get(member);
    if (index === undefined) return undefined;
    return CODES[this.views.get(observer)?.states[index] ?? 0];
  }

  /** How many members `observer` believes alive (itself included). */
  aliveCount(observer: string): number {
    return this.views.get(observer)?.alive ?? 0;
  }

  /** Whether `observer` believes exactly the members of `expected` alive. */
  seesExactlyAlive(observer: string, expected: ReadonlySet<string>): boolean {
    if (this.aliveCount(observer) !== expected.size) return false;
    const view = this.views.get(observer);
    if (!view) return expected.size === 0;
    for (const name of expected) {
      const index = this.memberIndex.get(name);
      if (index === undefined || view.states[index] !== 1) return false;
    }
    return true;
  }
}
