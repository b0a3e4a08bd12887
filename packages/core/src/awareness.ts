/**
 * Awareness: Lifeguard's local health score (LHA-Probe). A node that misses acks it should have received, or has
 * to refute suspicions about itself, is probably the slow one; it raises its score and stretches its own probe
 * interval and timeouts, so a struggling node stops accusing healthy peers. See PROTOCOL.md §8.5 and memberlist's
 * awareness.go.
 */

import type { MetricsSink } from './metrics.js';
import { MetricNames } from './metrics.js';

/** The local health score in `[0, max - 1]`; 0 is healthy. */
export class Awareness {
  /** The upper bound of the timeout multiplier (`AwarenessMaxMultiplier`); the score stays below it. */
  readonly max: number;
  private score = 0;
  private readonly metrics: MetricsSink | undefined;

  /**
   * @param max - `AwarenessMaxMultiplier` (LAN default 8). `1` pins the score at 0, i.e. Lifeguard's local
   *   health awareness is off. Values below 1 are treated as 1 (a score must exist).
   * @param metrics - optional sink; the gauge `memberlist.health.score` is set whenever the score changes.
   */
  constructor(max: number, metrics?: MetricsSink) {
    this.max = Number.isFinite(max) ? Math.max(1, Math.floor(max)) : 1;
    this.metrics = metrics;
  }

  /** Adds `delta` to the score, clamped to `[0, max - 1]`. */
  applyDelta(delta: number): void {
    const initial = this.score;
    this.score = Math.min(this.max - 1, Math.max(0, this.score + Math.trunc(delta)));
    if (this.score !== initial) this.metrics?.setGauge(MetricNames.healthScore, this.score);
  }

  /** The current score: 0 is healthy, `max - 1` is the worst. */
  getHealthScore(): number {
    return this.score;
  }

  /** Scales a timeout or interval by the score: `ms × (score + 1)`. */
  scaleTimeout(ms: number): number {
    return ms * (this.score + 1);
  }
}
