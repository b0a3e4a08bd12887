/**
 * The in-process cluster behind `gossip demo`: N agents on loopback, each with its own gossip port (UDP and TCP)
 * and HTTP port. Killing a node stops its sockets and HTTP server without a leave message, so to its peers it
 * is indistinguishable from a crashed process; reviving restarts it with the same name and address, as a
 * restarted process would, and it must win back its identity over its stale incarnation.
 */
import type { Logger, MemberlistTunables, Preset } from 'gossip';
import { Agent, type DemoControl, DemoError, type DemoNodeStatus, isDemoError } from '@gossip/agent';

/** Options of {@link DemoCluster}. */
export interface DemoClusterOptions {
  /** Number of nodes. */
  readonly size: number;
  /** Loopback IP to bind everything to. */
  readonly host: string;
  /** HTTP port of node-1; node-i gets base + i − 1 (a taken port falls back to a free one). 0: all free ports. */
  readonly httpBasePort: number;
  /** Timing preset. */
  readonly preset: Preset;
  /** Overrides of the preset's tunables. */
  readonly tunables?: Partial<MemberlistTunables>;
  /** Log sink of the nodes. */
  readonly logger: Logger;
}

/** What happened to a node, for observers (the demo narrates and measures these). */
export type DemoAction = { readonly type: 'kill' | 'revive'; readonly name: string; readonly at: number };

interface Slot {
  readonly name: string;
  gossipPort: number;
  httpPort: number;
  agent: Agent | undefined;
  busy: boolean;
}

function isHttpPortTaken(err: unknown): boolean {
  return isDemoError(err, 'ERR_HTTP_LISTEN') && (err.cause as { code?: unknown } | undefined)?.code === 'EADDRINUSE';
}

/** N agents in one process, with kill and revive. */
export class DemoCluster implements DemoControl {
  private readonly slots: Slot[];
  private readonly actionListeners = new Set<(action: DemoAction) => void>();
  private closed = false;

  constructor(private readonly options: DemoClusterOptions) {
    this.slots = Array.from({ length: options.size }, (_, i) => ({
      name: `node-${i + 1}`,
      gossipPort: 0,
      httpPort: options.httpBasePort === 0 ? 0 : options.httpBasePort + i,
      agent: undefined,
      busy: false,
    }));
  }

  /** Names of all nodes, running or not. */
  get names(): string[] {
    return this.slots.map((s) => s.name);
  }

  /** Running agents. */
  running(): Agent[] {
    return this.slots.flatMap((s) => (s.agent === undefined ? [] : [s.agent]));
  }

  /** The running agent named `name`, if any. */
  agent(name: string): Agent | undefined {
    return this.slots.find((s) => s.name === name)?.agent;
  }

  /** Starts every node, then joins nodes 2…N through node-1. */
  async start(): Promise<void> {
    for (const slot of this.slots) await this.startSlot(slot);
  }

  /** Joins every node but the first through node-1 (in parallel, as a fleet booting together would). */
  async joinAll(): Promise<void> {
    const [seed, ...rest] = this.running();
    if (seed === undefined) return;
    await Promise.all(rest.map((a) => a.join([seed.node.localNode().address])));
  }

  /** Subscribes to kills and revives (from the demo script or the dashboard). */
  onAction(listener: (action: DemoAction) => void): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  /** Publishes a line of narration to every running node's event feed (the dashboards' timelines). */
  narrate(message: string): void {
    for (const agent of this.running()) agent.feed.publish({ kind: 'demo', message });
  }

  /** {@inheritDoc DemoControl.status} */
  status(): DemoNodeStatus[] {
    return this.slots.map((s) => {
      const gossip = `${this.options.host}:${s.gossipPort}`;
      if (s.agent === undefined) return { name: s.name, running: false, gossip };
      const { agent } = s;
      return {
        name: s.name,
        running: true,
        gossip,
        http: agent.http?.address,
        digest: agent.store.digest(),
        keys: agent.store.size,
        healthScore: agent.node.healthScore(),
      };
    });
  }

  /** {@inheritDoc DemoControl.kill} */
  async kill(name: string): Promise<void> {
    const slot = this.slot(name);
    const agent = slot.agent;
    if (agent === undefined || slot.busy) throw new DemoError('ERR_DEMO_NODE', `${name} is not running`);
    if (this.running().length <= 1) throw new DemoError('ERR_DEMO_NODE', `${name} is the last node running`);
    slot.busy = true;
    try {
      slot.agent = undefined;
      await agent.stop({ leave: false });
      this.emit({ type: 'kill', name, at: performance.now() });
    } finally {
      slot.busy = false;
    }
  }

  /** {@inheritDoc DemoControl.revive} */
  async revive(name: string): Promise<void> {
    const slot = this.slot(name);
    if (slot.agent !== undefined || slot.busy || this.closed) throw new DemoError('ERR_DEMO_NODE', `${name} is already running`);
    slot.busy = true;
    try {
      const agent = await this.startSlot(slot);
      this.emit({ type: 'revive', name, at: performance.now() });
      const seeds = this.running()
        .filter((a) => a !== agent)
        .map((a) => a.node.localNode().address);
      if (seeds.length > 0) await agent.join(seeds);
    } finally {
      slot.busy = false;
    }
  }

  /** Stops every node (gracefully: each leaves, so peers see `left`, not `dead`). */
  async stop(): Promise<void> {
    this.closed = true;
    const agents = this.running();
    for (const slot of this.slots) slot.agent = undefined;
    await Promise.all(agents.map((a) => a.stop({ leave: true, leaveTimeoutMs: 1000 })));
  }

  private slot(name: string): Slot {
    const slot = this.slots.find((s) => s.name === name);
    if (slot === undefined) throw new DemoError('ERR_DEMO_NODE', `no node named ${JSON.stringify(name)}`);
    return slot;
  }

  private emit(action: DemoAction): void {
    for (const listener of [...this.actionListeners]) listener(action);
  }

  private async startSlot(slot: Slot): Promise<Agent> {
    const { host } = this.options;
    const start = (httpPort: number): Promise<Agent> =>
      Agent.start({
        name: slot.name,
        bind: `${host}:${slot.gossipPort}`,
        http: `${host}:${httpPort}`,
        preset: this.options.preset,
        tunables: this.options.tunables,
        logger: this.options.logger,
        // Tags as an operator would set them, so the dashboard's tag column and search have something to show.
        tags: { zone: Number(slot.name.slice(5)) % 2 === 1 ? 'east' : 'west' },
        demo: this,
      });
    let agent: Agent;
    try {
      agent = await start(slot.httpPort);
    } catch (err) {
      if (!isHttpPortTaken(err) || slot.httpPort === 0) throw err;
      agent = await start(0);
    }
    slot.gossipPort = agent.node.localNode().port;
    slot.httpPort = Number(agent.http?.address.split(':').pop() ?? 0);
    slot.agent = agent;
    return agent;
  }
}
