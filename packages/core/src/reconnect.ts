/**
 * Reconnect: healing partitions from inside the library (not in memberlist; Serf and Consul do it above it).
 * After a partition each side declares the other dead, and SWIM only gossips and pushes/pulls with live members,
 * so two halves that both still have members never look for each other again (`rejoin` only helps a node left
 * entirely alone). Every `intervalMs` a node therefore attempts one push/pull, as a join, with one random member
 * that failed (dead, not left) within `timeoutMs`. Failed members are remembered in a bounded list that outlives
 * their reaping from the member list. A Go peer sees an ordinary join; when it answers, both sides merge each
 * other's lists and the refutations that follow bring both halves back. A healthy cluster has no failed members,
 * so it sends nothing.
 */
import type { TimerHandle } from '@gossip/transport';
import type { ReconnectConfig } from './config.js';
import type { EngineContext } from './context.js';
import type { MemberEvent } from './events.js';
import type { StreamLayer } from './stream-layer.js';

/** Most failed members remembered; beyond it the longest-failed is forgotten first. */
export const RECONNECT_MAX_REMEMBERED = 1024;

/** A member remembered after it failed. */
interface FailedMember {
  readonly name: string;
  readonly address: string;
  readonly failedAt: number;
}

/** Remembers failed members and periodically tries one of them; one attempt at a time, failures only logged. */
export class Reconnector {
  /** Insertion-ordered: the first entry failed longest ago. */
  private readonly failed = new Map<string, FailedMember>();
  private timer: TimerHandle;
  private running = false;
  private stopped = true;
  private readonly listener = (event: MemberEvent): void => this.observe(event);
  private unobserve: (() => void) | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly streams: StreamLayer,
    private readonly settings: ReconnectConfig,
  ) {}

  /** Whether reconnect is configured on. */
  get enabled(): boolean {
    return this.settings.intervalMs > 0 && this.settings.timeoutMs > 0;
  }

  /** Starts watching membership events and the timer, when enabled. */
  start(): void {
    if (!this.enabled) return;
    this.stopped = false;
    this.unobserve?.();
    this.unobserve = this.ctx.events.observe(this.listener);
    // Nodes that started together must not dial in step; the phase comes from the name rather than the random
    // source, so that turning reconnect on draws nothing from it while no member has failed.
    this.arm(phaseOf(this.ctx.name, this.settings.intervalMs));
  }

  /** Stops the timer; an attempt in flight ends with the node's streams. */
  stop(): void {
    this.stopped = true;
    this.unobserve?.();
    this.unobserve = undefined;
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Names of the failed members currently remembered, longest-failed first. */
  remembered(): string[] {
    return [...this.failed.keys()];
  }

  private observe(event: MemberEvent): void {
    if (event.type !== 'join' && event.type !== 'leave' && event.type !== 'alive') return;
    const m = event.member;
    if (m.name === this.ctx.name) return;
    this.failed.delete(m.name);
    if (event.type !== 'leave' || m.state !== 'dead') return; // back alive, or left on purpose: not ours to chase
    this.failed.set(m.name, { name: m.name, address: m.address, failedAt: event.at });
    if (this.failed.size > RECONNECT_MAX_REMEMBERED) {
      const oldest = this.failed.keys().next().value;
      if (oldest !== undefined) this.failed.delete(oldest);
    }
  }

  private arm(delay: number): void {
    if (this.stopped) return;
    this.timer = this.ctx.clock.setTimeout(() => {
      this.timer = undefined;
      void this.tick().finally(() => this.arm(this.settings.intervalMs));
    }, delay);
  }

  /** Forgets expired entries and those the member list shows alive again; returns one random remaining entry. */
  private pick(): FailedMember | undefined {
    const ctx = this.ctx;
    const now = ctx.clock.now();
    const candidates: FailedMember[] = [];
    for (const f of [...this.failed.values()]) {
      const current = ctx.table.get(f.name);
      if (now - f.failedAt > this.settings.timeoutMs || (current !== undefined && current.state !== 'dead')) {
        this.failed.delete(f.name);
      } else {
        candidates.push(f);
      }
    }
    return candidates.length === 0 ? undefined : candidates[ctx.random.int(candidates.length)];
  }

  private async tick(): Promise<void> {
    const ctx = this.ctx;
    if (this.stopped || this.running || ctx.leaving || ctx.shuttingDown || this.failed.size === 0) return;
    const target = this.pick();
    if (target === undefined) return;
    this.running = true;
    try {
      await this.streams.pushPull(target.address, true);
      ctx.logger.info({ peer: target.name, address: target.address }, 'reconnected to a failed member');
    } catch (err) {
      if (!ctx.shuttingDown) ctx.logger.debug({ err, peer: target.name }, 'reconnect to a failed member failed');
    } finally {
      this.running = false;
    }
  }
}

/** A stable offset in [0, intervalMs) derived from `name` (FNV-1a). */
function phaseOf(name: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h % Math.max(1, Math.floor(intervalMs));
}
