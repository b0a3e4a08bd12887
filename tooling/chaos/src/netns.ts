/**
 * The virtual network: one Linux bridge, one network namespace per host, a veth pair linking each host to the
 * bridge. Addresses come from 198.18.0.0/15 (RFC 2544, reserved for benchmarking); the bridge has no uplink and
 * the namespaces no default route, so nothing leaves the machine. The runner itself holds 198.18.0.1 on the
 * bridge to reach every agent's HTTP API; fault rules never match that address.
 *
 * Every name carries the prefix `gch` so a later run can find and remove whatever a killed runner left behind.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ChaosError } from './errors.js';
import { mapLimit, run } from './exec.js';

/** Prefix of every namespace and link the testbed creates. */
export const PREFIX = 'gch';
/** The bridge all hosts hang off. */
export const BRIDGE = `${PREFIX}-br`;
/** The runner's address on the bridge (observation traffic; never filtered). */
export const RUNNER_IP = '198.18.0.1';
const PREFIX_LEN = 15;

/** Host groups: TS agents, the all-Go twin cluster, and Go peers mixed into the TS cluster. */
export type HostGroup = 't' | 'g' | 'm';
const GROUP_OCTET: Record<HostGroup, number> = { t: 1, g: 2, m: 3 };

/** Where one host lives on the virtual network. */
export interface HostNet {
  /** Namespace name, also the name of the veth end on the bridge (≤ 15 bytes, an interface-name limit). */
  readonly ns: string;
  /** The host's IPv4 address. */
  readonly ip: string;
}

/** The namespace and address of host `index` (0-based) of `group`. */
export function hostNet(group: HostGroup, index: number): HostNet {
  if (!Number.isInteger(index) || index < 0 || index > 249) throw new RangeError(`host index ${index} out of 0..249`);
  return { ns: `${PREFIX}-${group}${String(index + 1).padStart(2, '0')}`, ip: `198.18.${GROUP_OCTET[group]}.${index + 1}` };
}

function ours(name: string): boolean {
  return name.startsWith(`${PREFIX}-`);
}

/** Namespaces named with our prefix. */
export function listNamespaces(): string[] {
  try {
    return readdirSync('/run/netns').filter(ours).sort();
  } catch {
    return [];
  }
}

/** Links in the root namespace named with our prefix. */
export async function listLinks(): Promise<string[]> {
  const out = await run('ip', ['-o', 'link', 'show']);
  const names = out
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((n): n is string => n !== undefined && ours(n));
  return names.sort();
}

/** Process ids running inside namespace `ns`. */
export async function namespacePids(ns: string): Promise<number[]> {
  try {
    const out = await run('ip', ['netns', 'pids', ns]);
    return out
      .split(/\s+/)
      .filter((s) => s.length > 0)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}

/** What {@link removeEverything} found, or {@link findLeftovers} still finds. */
export interface Leftovers {
  readonly namespaces: string[];
  readonly links: string[];
  readonly pids: number[];
  /** nftables tables of ours outside the namespaces (rules inside a namespace go with it). */
  readonly rules: string[];
}

/** Our nftables tables in the root namespace (faults are only ever set inside host namespaces: expected none). */
async function rootRules(): Promise<string[]> {
  const out = await run('nft', ['list', 'tables']).catch(() => '');
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^table \S+ gch$/.test(l));
}

/**
 * Kills every process inside our namespaces, deletes the links (deleting one end of a veth deletes both) and the
 * namespaces. Used at start (stale state of a killed runner), at exit, and on Ctrl-C.
 */
export async function removeEverything(): Promise<Leftovers> {
  const namespaces = listNamespaces();
  const pids = (await mapLimit(namespaces, 8, namespacePids)).flat();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const links = await listLinks();
  // The bridge last: deleting it first would only detach the veths.
  const ordered = [...links.filter((l) => l !== BRIDGE), ...links.filter((l) => l === BRIDGE)];
  if (ordered.length > 0) await run('ip', ['-force', '-batch', '-'], ordered.map((l) => `link del ${l}`).join('\n') + '\n').catch(() => '');
  if (namespaces.length > 0) await run('ip', ['-force', '-batch', '-'], namespaces.map((n) => `netns del ${n}`).join('\n') + '\n').catch(() => '');
  const rules = await rootRules();
  for (const table of rules) await run('nft', ['delete', ...table.split(' ')]).catch(() => '');
  return { namespaces, links, pids, rules };
}

/** Lists what is still there: empty when the machine is clean. */
export async function findLeftovers(): Promise<Leftovers> {
  const namespaces = listNamespaces();
  const pids = (await mapLimit(namespaces, 8, namespacePids)).flat();
  return { namespaces, links: await listLinks(), pids, rules: await rootRules() };
}

const NEIGH = '/proc/sys/net/ipv4/neigh/default';

/**
 * Makes room in the kernel's ARP table, which is shared by every namespace: 32 TS hosts and 32 Go hosts, each
 * knowing its cluster and the runner, hold over 2,000 entries, past the default hard limit of 1,024 (the kernel
 * then logs "neighbor table overflow" and drops traffic). Raises gc_thresh2/3 to fit `entries` and returns a
 * function that restores the previous values.
 */
export function raiseNeighbourLimits(entries: number): () => void {
  const saved: Array<[string, string]> = [];
  const want: Record<string, number> = { gc_thresh2: entries, gc_thresh3: entries * 2 };
  for (const [key, value] of Object.entries(want)) {
    const file = `${NEIGH}/${key}`;
    try {
      const current = readFileSync(file, 'utf8').trim();
      if (Number(current) < value) {
        writeFileSync(file, String(value));
        saved.push([file, current]);
      }
    } catch {
      // Not writable (a container): the run goes on, and an overflow shows as hosts that do not converge.
    }
  }
  return () => {
    for (const [file, value] of saved.reverse()) {
      try {
        writeFileSync(file, value);
      } catch {
        // best effort
      }
    }
  };
}

/** Creates the bridge with the runner's address. */
export async function createBridge(): Promise<void> {
  await run('ip', ['-batch', '-'], [`link add ${BRIDGE} type bridge`, `link set ${BRIDGE} up`, `addr add ${RUNNER_IP}/${PREFIX_LEN} dev ${BRIDGE}`].join('\n') + '\n');
}

/** Creates hosts: a namespace each, a veth to the bridge (`eth0` inside), the address, loopback up. */
export async function createHosts(hosts: readonly HostNet[]): Promise<void> {
  const root = hosts.flatMap((h) => [`netns add ${h.ns}`, `link add ${h.ns} type veth peer name eth0 netns ${h.ns}`, `link set ${h.ns} master ${BRIDGE} up`]);
  await run('ip', ['-batch', '-'], root.join('\n') + '\n');
  await mapLimit(hosts, 8, (h) =>
    run('ip', ['-n', h.ns, '-batch', '-'], [`addr add ${h.ip}/${PREFIX_LEN} dev eth0`, 'link set eth0 up', 'link set lo up'].join('\n') + '\n'),
  );
}

/** Throws `ERR_CHAOS_UNAVAILABLE` with the reason when this machine cannot host the testbed. */
export async function checkAvailable(): Promise<void> {
  if (process.platform !== 'linux') throw new ChaosError('ERR_CHAOS_UNAVAILABLE', 'network namespaces need Linux');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new ChaosError('ERR_CHAOS_UNAVAILABLE', 'network namespaces need root');
  }
  for (const [cmd, args, pkg] of [
    ['ip', ['netns', 'list'], 'iproute2'],
    ['nft', ['--version'], 'nftables'],
  ] as const) {
    try {
      await run(cmd, args);
    } catch (err) {
      throw new ChaosError('ERR_CHAOS_UNAVAILABLE', `\`${cmd} ${args.join(' ')}\` failed (apt-get install ${pkg}): ${(err as Error).message}`, { cause: err });
    }
  }
  // A namespace that cannot be created (a container without CAP_SYS_ADMIN) fails here rather than mid-run.
  const probe = `${PREFIX}-probe`;
  try {
    await run('ip', ['netns', 'add', probe]);
    await run('ip', ['netns', 'exec', probe, 'nft', 'list', 'ruleset']);
  } catch (err) {
    throw new ChaosError('ERR_CHAOS_UNAVAILABLE', `cannot create a network namespace with nftables: ${(err as Error).message}`, { cause: err });
  } finally {
    await run('ip', ['netns', 'del', probe]).catch(() => '');
  }
}
