/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): timestamps that follow wall time
 * when clocks agree, never go backwards, and always order a write after every write its node has seen. With the
 * writer's node name as the final tie-break they give a total order, which is what last-writer-wins needs so
 * that every replica picks the same winner for concurrent writes.
 */

/** A hybrid timestamp: wall milliseconds, a logical counter within that millisecond, and the writer's name. */
export interface Stamp {
  /** Wall-clock milliseconds (the largest seen by the writer when it wrote). */
  readonly wall: number;
  /** Orders events within one `wall` value. */
  readonly logical: number;
  /** Name of the node that made the write: breaks ties between identical (wall, logical) pairs. */
  readonly node: string;
}

/** Total order of stamps: negative if `a` happened before `b`, positive if after, 0 only for identical stamps. */
export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  if (a.node === b.node) return 0;
  return a.node < b.node ? -1 : 1;
}

/** Remote stamps further ahead of our wall clock than this are clamped, so one bad clock cannot freeze ours. */
export const MAX_CLOCK_DRIFT_MS = 60_000;

/** Issues {@link Stamp}s for one node. */
export class HybridClock {
  private wall = 0;
  private logical = 0;

  /**
   * @param node the local node name, written into every stamp
   * @param now wall-clock source in milliseconds (injected so tests control time)
   */
  constructor(
    private readonly node: string,
    private readonly now: () => number,
  ) {}

  /**
   * A fresh stamp for a local write, later than every stamp issued or observed so far. The wall part is whole
   * milliseconds whatever the clock source gives (peers refuse fractional stamps, which would lose the write).
   */
  tick(): Stamp {
    const physical = Math.floor(this.now());
    if (physical > this.wall) {
      this.wall = physical;
      this.logical = 0;
    } else {
      this.logical++;
    }
    return { wall: this.wall, logical: this.logical, node: this.node };
  }

  /** Takes a remote stamp into account so our next {@link HybridClock.tick} orders after it. */
  observe(remote: Stamp): void {
    const physical = Math.floor(this.now());
    const remoteWall = Math.min(remote.wall, physical + MAX_CLOCK_DRIFT_MS);
    if (remoteWall > this.wall) {
      this.wall = remoteWall;
      this.logical = remoteWall === remote.wall ? remote.logical : 0;
    } else if (remoteWall === this.wall) {
      this.logical = Math.max(this.logical, remote.logical);
    }
  }
}
