/**
 * `gossip agent`: one gossip node plus a replicated key/value store, its live feed and (optionally) its HTTP API.
 * The node comes from the `gossip` package's `createNode`, exactly as an application would build it; the store
 * rides on the node's delegate (broadcasts and push/pull state).
 */
import {
  type Logger,
  type Memberlist,
  type MemberlistTunables,
  MemoryMetrics,
  type Preset,
  createNode,
} from 'gossip';
import { KvReplicator } from '../kv/replicator.js';
import { type KvLimits, KvStore } from '../kv/store.js';
import type { DemoControl } from '../http/demo-control.js';
import { HttpApi } from '../http/server.js';
import { Feed, type MemberFeedEvent } from './feed.js';
import { encodeAgentMeta, memberToJson } from './member-json.js';

/** Options of {@link Agent.start}. */
export interface AgentOptions {
  /** Unique node name. */
  readonly name: string;
  /** `ip:port` to bind gossip (UDP and TCP) to; port 0 picks a free one. */
  readonly bind: string;
  /** `ip:port` peers should use, when it differs from `bind`. */
  readonly advertise?: string;
  /** `ip:port` for the HTTP API and dashboard; none serves no HTTP. Port 0 picks a free one. */
  readonly http?: string;
  /** Base64 AES keys, primary first; none means plaintext. */
  readonly keys?: readonly string[];
  /** Cluster label. */
  readonly label?: string;
  /** Timing preset; default `lan`. */
  readonly preset?: Preset;
  /** Overrides of the preset's tunables. */
  readonly tunables?: Partial<MemberlistTunables>;
  /** Where the agent and the node log. */
  readonly logger: Logger;
  /** Token that state-changing HTTP routes require (`Authorization: Bearer …`); none requires none. */
  readonly httpToken?: string;
  /** Key/value store limits; default `DEFAULT_KV_LIMITS`. */
  readonly kvLimits?: Partial<KvLimits>;
  /** Demo mode: lets the dashboard kill and revive nodes of an in-process demo cluster. */
  readonly demo?: DemoControl;
}

/** A running agent. */
export class Agent {
  /** The gossip node. */
  readonly node: Memberlist;
  /** The local replica. */
  readonly store: KvStore;
  /** Membership events, key/value changes and demo narration. */
  readonly feed: Feed;
  /** memberlist's metrics plus `gossip_kv_*`. */
  readonly metrics: MemoryMetrics;
  /** The HTTP API, when one was requested. */
  readonly http: HttpApi | undefined;
  /** Wall-clock start time (ms). */
  readonly startedAt: number;
  private readonly replicator: KvReplicator;
  private readonly logger: Logger;
  private readonly pruneTimer: NodeJS.Timeout;
  private stopping: Promise<void> | undefined;

  private constructor(parts: {
    node: Memberlist;
    store: KvStore;
    feed: Feed;
    metrics: MemoryMetrics;
    http: HttpApi | undefined;
    replicator: KvReplicator;
    logger: Logger;
  }) {
    this.node = parts.node;
    this.store = parts.store;
    this.feed = parts.feed;
    this.metrics = parts.metrics;
    this.http = parts.http;
    this.replicator = parts.replicator;
    this.logger = parts.logger;
    this.startedAt = Date.now();
    this.pruneTimer = setInterval(() => this.store.pruneTombstones(), 60_000);
    this.pruneTimer.unref();
  }

  /** Starts the HTTP API (if asked), then the node; the node is alone until {@link Agent.join}. */
  static async start(options: AgentOptions): Promise<Agent> {
    const { logger } = options;
    const metrics = new MemoryMetrics();
    const feed = new Feed();
    const store = new KvStore({ node: options.name, limits: options.kvLimits });
    const preset = options.preset ?? 'lan';
    let node: Memberlist | undefined;
    const replicator = new KvReplicator({
      store,
      numNodes: () => node?.numMembers() ?? 1,
      logger,
      metrics,
    });
    const started: { agent?: Agent } = {};
    const http = options.http === undefined ? undefined : await HttpApi.listen(options.http, () => started.agent, { demo: options.demo, token: options.httpToken });
    try {
      node = await createNode({
        ...options.tunables,
        name: options.name,
        bind: options.bind,
        advertise: options.advertise,
        preset,
        keys: options.keys === undefined || options.keys.length === 0 ? undefined : options.keys,
        label: options.label,
        logger,
        metrics,
        delegate: {
          nodeMeta: () => encodeAgentMeta(http === undefined ? {} : { http: http.address }),
          getBroadcasts: (overhead, limit) => replicator.getBroadcasts(overhead, limit),
          notifyMsg: (msg) => replicator.notifyMsg(msg),
          localState: (join) => replicator.localState(join),
          mergeRemoteState: (state, join) => replicator.mergeRemoteState(state, join),
        },
      });
    } catch (err) {
      replicator.close();
      await http?.close();
      throw err;
    }
    const agent = new Agent({ node, store, feed, metrics, http, replicator, logger });
    agent.wireEvents();
    started.agent = agent;
    return agent;
  }

  /** The node's name. */
  get name(): string {
    return this.node.localNode().name;
  }

  /** Replicated records of new keys refused because the replica was at its hard bound (see `KvLimits`). */
  get kvRefusedFull(): number {
    return this.replicator.refusedFull;
  }

  /** Whether {@link Agent.stop} was called. */
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  private wireEvents(): void {
    const node = this.node;
    const publish = (type: MemberFeedEvent['type'], member: Parameters<typeof memberToJson>[0]): void => {
      this.feed.publish({ kind: 'member', type, member: memberToJson(member) });
      if (member.name !== node.localNode().name || type !== 'join') {
        this.logger.info({ member: member.name, addr: member.address, incarnation: member.incarnation }, `member ${type}`);
      }
    };
    node.on('join', (e) => publish('join', e.member));
    node.on('suspect', (e) => publish('suspect', e.member));
    node.on('alive', (e) => publish('alive', e.member));
    node.on('update', (e) => publish('update', e.member));
    node.on('leave', (e) => publish(e.member.state === 'left' ? 'left' : 'dead', e.member));
    this.store.onChange(({ record, origin }) => {
      this.feed.publish({ kind: 'kv', key: record.key, value: record.value, stamp: record.stamp, origin });
    });
  }

  /**
   * Joins through `seeds` (`host:port`). With `retry`, keeps trying with a capped backoff (1 s doubling to 30 s)
   * until one answers or the agent stops; otherwise one attempt, which rejects if no seed answered.
   */
  async join(seeds: readonly string[], retry = false): Promise<number> {
    let delay = 1000;
    for (;;) {
      try {
        const n = await this.node.join(seeds);
        this.logger.info({ seeds: seeds.join(','), answered: n }, 'joined cluster');
        return n;
      } catch (err) {
        if (!retry || this.stopped) throw err;
        this.logger.warn({ seeds: seeds.join(','), err, retryInMs: delay }, 'join failed, will retry');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        if (this.stopped) throw err;
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  /**
   * Stops the agent. With `leave` the node first announces its departure (peers mark it `left`, waiting at most
   * `leaveTimeoutMs`); without, it just goes silent, which peers cannot tell from a crash.
   */
  stop(options: { leave: boolean; leaveTimeoutMs?: number }): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.pruneTimer);
      if (options.leave) {
        try {
          await this.node.leave(options.leaveTimeoutMs ?? 2000);
        } catch (err) {
          this.logger.warn({ err }, 'leave did not complete');
        }
      }
      await this.node.shutdown();
      this.replicator.close();
      await this.http?.close();
    })();
    return this.stopping;
  }
}
