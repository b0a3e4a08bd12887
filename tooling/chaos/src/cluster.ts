/** A cluster of hosts on the testbed: start, observe, wait for convergence, stop. */
import type { AgentKind, AgentPrograms, MemberView } from './agents.js';
import type { EventLog } from './events.js';
import { mapLimit, pollUntil } from './exec.js';
import { applyAll, CLEAN } from './faults.js';
import { Host } from './host.js';
import { createHosts, type HostGroup, hostNet } from './netns.js';

/** How many agents start at once: a TS agent's start-up is CPU-heavy and the machine is small. */
const START_CONCURRENCY = 4;
/** Seeds per host: the first hosts of the cluster other than itself. */
const SEEDS = 3;

/** A set of hosts that gossip with each other. */
export class Cluster {
  /** Every host ever part of the cluster (Go peers of a mixed run are appended). */
  readonly hosts: Host[] = [];

  constructor(
    /** `ts` or `go`, as the report's columns are named. */
    readonly label: string,
    readonly log: EventLog,
    private readonly programs: AgentPrograms,
  ) {}

  /** Creates the namespaces of `size` new hosts of `kind` named `<namePrefix>-NN` (not started). */
  async addHosts(group: HostGroup, kind: AgentKind, size: number, namePrefix: string): Promise<Host[]> {
    const nets = Array.from({ length: size }, (_, i) => hostNet(group, i));
    await createHosts(nets);
    const added = nets.map((net, i) => new Host(`${namePrefix}-${String(i + 1).padStart(2, '0')}`, kind, net, [], this.programs, this.log));
    this.hosts.push(...added);
    const anchors = this.hosts.slice(0, SEEDS + 1);
    for (const h of this.hosts) h.seeds = anchors.filter((a) => a !== h).slice(0, SEEDS).map((a) => a.address);
    return added;
  }

  /** Hosts whose agent runs. */
  get running(): Host[] {
    return this.hosts.filter((h) => h.running);
  }

  /** Finds a host by name. */
  host(name: string): Host {
    const h = this.hosts.find((x) => x.name === name);
    if (h === undefined) throw new RangeError(`no host ${name}`);
    return h;
  }

  /** Starts the given hosts (default: all not running), a few at a time. */
  async start(hosts: readonly Host[] = this.hosts.filter((h) => !h.running)): Promise<void> {
    // One retry: on a machine this loaded an agent now and then misses the start-up bound.
    await mapLimit(hosts, START_CONCURRENCY, (h) => h.start().catch(() => h.start()));
  }

  /** Each running host's member list (`undefined` when it did not answer). */
  async views(observers: readonly Host[] = this.running): Promise<Map<Host, MemberView[] | undefined>> {
    const lists = await mapLimit(observers, 16, (h) => h.members().catch(() => undefined));
    return new Map(observers.map((h, i) => [h, lists[i]]));
  }

  /**
   * Polls the member lists of `observers` until `accept` holds for every one of them (a host that does not
   * answer does not count as accepting). Resolves the ms it took, or `undefined` after `timeoutMs`.
   */
  async waitViews(observers: readonly Host[], accept: (list: readonly MemberView[]) => boolean, timeoutMs: number, signal?: AbortSignal, everyMs = 500): Promise<number | undefined> {
    const t0 = Date.now();
    const ok = await pollUntil(
      async () => {
        const views = await this.views(observers);
        return [...views.values()].every((list) => list !== undefined && accept(list)) ? true : undefined;
      },
      timeoutMs,
      everyMs,
      signal,
    );
    return ok === true ? Date.now() - t0 : undefined;
  }

  /** Waits until every host in `hosts` lists exactly `hosts` as alive (others may be dead or left). */
  waitConverged(timeoutMs: number, signal?: AbortSignal, hosts: readonly Host[] = this.running): Promise<number | undefined> {
    const want = new Set(hosts.map((h) => h.name));
    return this.waitViews(hosts, (list) => sameAlive(list, want), timeoutMs, signal);
  }

  /** Waits until every host in `observers` lists `subject` in one of `states`. */
  waitState(subject: string, states: readonly MemberView['state'][], observers: readonly Host[], timeoutMs: number, signal?: AbortSignal): Promise<number | undefined> {
    const accept = (list: readonly MemberView[]): boolean => {
      const m = list.find((x) => x.name === subject);
      return m !== undefined && states.includes(m.state);
    };
    return this.waitViews(observers, accept, timeoutMs, signal, 250);
  }

  /** Removes every fault rule of the cluster's hosts. */
  async clearFaults(): Promise<void> {
    await applyAll(this.hosts.map((h) => [h.net.ns, CLEAN] as const));
  }

  /** Stops every agent (graceful when `leave`, else SIGKILL). */
  async stopAll(leave: boolean): Promise<void> {
    await mapLimit(this.running, 8, (h) => (leave ? h.stop() : h.kill()));
  }
}

/** Whether `list` holds exactly `want` as alive members (suspect counts as not converged). */
export function sameAlive(list: readonly MemberView[], want: ReadonlySet<string>): boolean {
  const alive = list.filter((m) => m.state === 'alive' || m.state === 'suspect');
  if (alive.some((m) => m.state === 'suspect')) return false;
  if (alive.length !== want.size) return false;
  return alive.every((m) => want.has(m.name));
}
