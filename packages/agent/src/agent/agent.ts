/**
 * `gossip agent`: one gossip node plus a replicated key/value store, its live feed and (optionally) its HTTP API.
 * The node comes from the `gossip` package's `createNode`, exactly as an application would build it; the store
 * rides on the node's delegate (broadcasts and push/pull state).
 */
import {
  Keyring,
  type Logger,
  type Memberlist,
  type MemberlistTunables,
  MemoryMetrics,
  type Preset,
  createNode,
  decodeKeyBase64,
} from 'gossip';
import type { DemoControl } from '../http/demo-control.js';
import { HttpApi } from '../http/server.js';
import { KvReplicator } from '../kv/replicator.js';
import { type KvLimits, KvStore } from '../kv/store.js';
import { CONTROL_MESSAGE, keyFingerprint } from './control.js';
import { Feed, type MemberFeedEvent } from './feed.js';
import { LogHub } from './logger.js';
import { encodeAgentMeta, memberToJson } from './member-json.js';
import { handleControlMessages } from './operations.js';

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
  /** Token that state-changing HTTP routes require (`Authorization: Bearer …`); none requires none. */
  readonly httpToken?: string;
  /** Host names the HTTP API accepts for state changes besides loopback names and its own IPs. */
  readonly httpAllowedHosts?: readonly string[];
  /** Base64 AES keys, primary first; none means plaintext. */
  readonly keys?: readonly string[];
  /** Cluster label. */
  readonly label?: string;
  /** Operator tags, carried in the node metadata. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Timing preset; default `lan`. */
  readonly preset?: Preset;
  /** Overrides of the preset's tunables. */
  readonly tunables?: Partial<MemberlistTunables>;
  /** Where the agent and the node log. */
  readonly logger: Logger;
  /** Key/value store limits; default `DEFAULT_KV_LIMITS`. */
  readonly kvLimits?: Partial<KvLimits>;
  /** Demo mode: lets the dashboard kill and revive nodes of an in-process demo cluster. */
  readonly demo?: DemoControl;
  /** The effective configuration, reported by `GET /v1/info` (secrets left out by the caller). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** A running agent. */
export class Agent {
  /** The gossip node. */
  readonly node: Memberlist;
  /** The local replica. */
  readonly store: KvStore;
  /** Membership events, key/value changes and demo narration. */
  readonly feed: Feed;
  /** Live log lines for `gossip monitor`. */
  readonly logs: LogHub;
  /** memberlist's metrics plus `gossip_kv_*`. */
  readonly metrics: MemoryMetrics;
  /** The HTTP API, when one was requested. */
  readonly http: HttpApi | undefined;
  /** The encryption keyring (live: changing it rotates the running node), when encrypted. */
  readonly keyring: Keyring | undefined;
  /** The last successful probe of each member by this node: round-trip time and when (`performance.now()`). */
  readonly rtts = new Map<string, { rttMs: number; at: number }>();
  /** Failed members an operator forced out (`force-leave`), by name, with the incarnation they failed at. */
  readonly forcedLeft = new Map<string, number>();
  /** The options it was started with. */
  readonly options: AgentOptions;
  /** Wall-clock start time (ms). */
  readonly startedAt: number;
  /** The agent's logger (also feeding {@link Agent.logs}). */
  readonly logger: Logger;
  /** Handles {@link CONTROL_MESSAGE}s from peers (set by `handleControlMessages`). */
  onControl: ((message: Uint8Array) => void) | undefined;
  private readonly replicator: KvReplicator;
  private readonly pruneTimer: NodeJS.Timeout;
  private stopping: Promise<void> | undefined;
  private stopRequest: ((why: string) => void) | undefined;
  /** Resolves (with the reason) when something asks the agent to stop: `POST /v1/leave`. */
  readonly stopRequested: Promise<string>;

  private constructor(parts: {
    node: Memberlist;
    store: KvStore;
    feed: Feed;
    logs: LogHub;
    metrics: MemoryMetrics;
    http: HttpApi | undefined;
    keyring: Keyring | undefined;
    replicator: KvReplicator;
    logger: Logger;
    options: AgentOptions;
  }) {
    this.node = parts.node;
    this.store = parts.store;
    this.feed = parts.feed;
    this.logs = parts.logs;
    this.metrics = parts.metrics;
    this.http = parts.http;
    this.keyring = parts.keyring;
    this.replicator = parts.replicator;
    this.logger = parts.logger;
    this.options = parts.options;
    this.startedAt = Date.now();
    this.stopRequested = new Promise((resolve) => (this.stopRequest = resolve));
    this.pruneTimer = setInterval(() => this.store.pruneTombstones(), 60_000);
    this.pruneTimer.unref();
  }

  /** Starts the HTTP API (if asked), then the node; the node is alone until {@link Agent.join}. */
  static async start(options: AgentOptions): Promise<Agent> {
    const logs = new LogHub();
    const logger = logs.tee(options.logger);
    const metrics = new MemoryMetrics();
    const feed = new Feed();
    const store = new KvStore({ node: options.name, limits: options.kvLimits });
    const preset = options.preset ?? 'lan';
    const keyring = options.keys === undefined || options.keys.length === 0 ? undefined : new Keyring(options.keys.map((k) => decodeKeyBase64(k)));
    let node: Memberlist | undefined;
    const replicator = new KvReplicator({
      store,
      numNodes: () => node?.numMembers() ?? 1,
      logger,
      metrics,
    });
    const started: { agent?: Agent } = {};
    const http =
      options.http === undefined
        ? undefined
        : await HttpApi.listen(options.http, () => started.agent, { demo: options.demo, token: options.httpToken, allowedHosts: options.httpAllowedHosts });
    const base = {
      ...(http === undefined ? {} : { http: http.address }),
      ...(options.tags === undefined || Object.keys(options.tags).length === 0 ? {} : { tags: { ...options.tags } }),
    };
    const withKeys = (): Uint8Array => encodeAgentMeta({ ...base, ...(keyring === undefined ? {} : { keys: keyring.keys().map(keyFingerprint) }) });
    // While a rotation has several keys installed the fingerprints may no longer fit beside large tags: they are
    // then left out (keys list shows fewer holders) rather than failing the node's metadata.
    const meta = (): Uint8Array => {
      try {
        return withKeys();
      } catch {
        return encodeAgentMeta(base);
      }
    };
    try {
      withKeys(); // Refuse tags over the metadata limit before binding anything.
      node = await createNode({
        ...options.tunables,
        name: options.name,
        bind: options.bind,
        advertise: options.advertise,
        preset,
        keyring,
        label: options.label,
        logger,
        metrics,
        ping: { notifyPingComplete: (other, rttMs) => started.agent?.rtts.set(other.name, { rttMs, at: performance.now() }) },
        delegate: {
          nodeMeta: meta,
          getBroadcasts: (overhead, limit) => replicator.getBroadcasts(overhead, limit),
          notifyMsg: (msg) => (msg[0] === CONTROL_MESSAGE ? started.agent?.onControl?.(msg) : replicator.notifyMsg(msg)),
          localState: (join) => replicator.localState(join),
          mergeRemoteState: (state, join) => replicator.mergeRemoteState(state, join),
        },
      });
    } catch (err) {
      replicator.close();
      await http?.close();
      throw err;
    }
    const agent = new Agent({ node, store, feed, logs, metrics, http, keyring, replicator, logger, options });
    agent.wireEvents();
    handleControlMessages(agent);
    started.agent = agent;
    return agent;
  }

  /** Asks whoever runs the agent to stop it (the `gossip agent` command leaves and exits). */
  requestStop(why: string): void {
    this.stopRequest?.(why);
  }

  /** Replicated records of new keys refused because the replica was at its hard bound (see `KvLimits`). */
  get kvRefusedFull(): number {
    return this.replicator.refusedFull;
  }

  /** The node's name. */
  get name(): string {
    return this.node.localNode().name;
  }

  /** Whether {@link Agent.stop} was called. */
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  private wireEvents(): void {
    const node = this.node;
    const publish = (type: MemberFeedEvent['type'], member: Parameters<typeof memberToJson>[0]): void => {
      this.feed.publish({ kind: 'member', type, member: this.memberJson(member) });
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

  /** A member's JSON form, `left` when an operator forced it out after it failed. */
  memberJson(member: Parameters<typeof memberToJson>[0]): ReturnType<typeof memberToJson> {
    const forced = this.forcedLeft.get(member.name);
    const now = performance.now();
    const json = memberToJson(member, now, forced !== undefined && forced >= member.incarnation);
    const probe = this.rtts.get(member.name);
    return probe === undefined ? json : { ...json, rttMs: Math.round(probe.rttMs * 10) / 10, probedAgoMs: Math.round(now - probe.at) };
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
