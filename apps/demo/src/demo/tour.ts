/**
 * The guided tour `gossip demo` runs: every step does one thing to the cluster and reports how long the cluster
 * took to notice, measured on every node's own view. Kills and revives made from the dashboard are measured
 * the same way (see {@link watchActions}).
 */
import { type Agent, compareStamps } from '@gossip/agent';
import type { DemoAction, DemoCluster } from './cluster.js';
import { allSeeAlive, formatMs, stateOf, waitFor } from './observe.js';

/** Where the tour reports (one line per call). */
export type Narrator = (line: string) => void;

/** Upper bound for any one wait: the Local preset's longest suspicion timeout for small clusters is 18 s. */
const STEP_TIMEOUT_MS = 30_000;

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

function valueEverywhere(agents: readonly Agent[], key: string, value: string | undefined): boolean {
  return agents.every((a) => a.store.get(key)?.value === value);
}

/** Measures how a crash spreads: first suspicion anywhere, then dead on every survivor. */
export async function measureCrash(cluster: DemoCluster, name: string, at: number, say: Narrator, signal: AbortSignal): Promise<boolean> {
  const survivors = (): Agent[] => cluster.running();
  const suspected = await waitFor(() => survivors().some((a) => stateOf(a, name) !== 'alive'), STEP_TIMEOUT_MS, signal, at);
  if (suspected === undefined) return false;
  const first = survivors().find((a) => stateOf(a, name) !== 'alive');
  say(`  ${first?.name ?? 'a peer'} suspects ${name} after ${formatMs(suspected)} (a probe got no ack, direct or indirect)`);
  const dead = await waitFor(() => survivors().every((a) => stateOf(a, name) === 'dead'), STEP_TIMEOUT_MS, signal, at);
  if (dead === undefined) return false;
  say(`  dead on all ${survivors().length} survivors after ${formatMs(dead)} (suspicion timed out, nobody refuted)`);
  return true;
}

/** Measures a revived node becoming alive on every node, with the incarnation it won back. */
export async function measureRevive(cluster: DemoCluster, name: string, at: number, say: Narrator, signal: AbortSignal): Promise<boolean> {
  const alive = await waitFor(() => allSeeAlive(cluster.running(), [name]), STEP_TIMEOUT_MS, signal, at);
  if (alive === undefined) return false;
  const incarnation = cluster.agent(name)?.node.localNode().incarnation;
  say(`  alive on all ${cluster.running().length} nodes after ${formatMs(alive)} (it refuted its death: incarnation ${incarnation ?? '?'})`);
  return true;
}

/** Reports every kill and revive as it happens (dashboard buttons included), with its measurements. */
export function watchActions(cluster: DemoCluster, say: Narrator, signal: AbortSignal): () => void {
  return cluster.onAction((action: DemoAction) => {
    if (action.type === 'kill') {
      say(`✗ crash: ${action.name} killed: sockets closed, no leave message`);
      void measureCrash(cluster, action.name, action.at, say, signal);
    } else {
      say(`↻ revive: ${action.name} restarts on the same address and rejoins`);
      void measureRevive(cluster, action.name, action.at, say, signal);
    }
  });
}

/** Sets `key` on `writer` and reports when every running node has it. */
async function writeAndSpread(cluster: DemoCluster, writer: Agent, key: string, value: string, say: Narrator, signal: AbortSignal): Promise<boolean> {
  const t0 = performance.now();
  writer.store.set(key, value);
  const took = await waitFor(() => valueEverywhere(cluster.running(), key, value), STEP_TIMEOUT_MS, signal, t0);
  if (took === undefined) return false;
  say(`✓ write: ${writer.name} set ${key}=${JSON.stringify(value)}; on all ${cluster.running().length} nodes after ${formatMs(took)}`);
  return true;
}

/**
 * Runs the tour on a started cluster: join, writes, concurrent writes, crash, write while down, revive, delete.
 * Returns false if it was cut short (duration reached, Ctrl-C, or a step timed out).
 */
export async function runTour(cluster: DemoCluster, say: Narrator, signal: AbortSignal): Promise<boolean> {
  const names = cluster.names;
  const n = names.length;
  const agent = (i: number): Agent => {
    const a = cluster.agent(names[i] ?? '');
    if (a === undefined) throw new Error(`${names[i]} is not running`);
    return a;
  };

  // 1. Join: every node must see every other alive, each by its own view.
  let t0 = performance.now();
  await cluster.joinAll();
  const joined = await waitFor(() => allSeeAlive(cluster.running(), names), STEP_TIMEOUT_MS, signal, t0);
  if (joined === undefined) return false;
  say(`✓ join: ${names.slice(1).join(', ')} joined through ${names[0]}; every node sees ${n} alive after ${formatMs(joined)}`);
  await pause(800, signal);

  // 2. A write spreads by gossip (user broadcasts piggybacked on the protocol's own packets).
  if (!(await writeAndSpread(cluster, agent(1 % n), 'greeting', `hello from ${names[1 % n]}`, say, signal))) return false;
  await pause(800, signal);

  // 3. Concurrent writes of one key: last-writer-wins on hybrid timestamps makes every replica pick one winner.
  const a = agent(0);
  const b = agent(n - 1);
  t0 = performance.now();
  const ra = a.store.set('color', 'blue');
  const rb = b.store.set('color', 'orange');
  const winner = compareStamps(ra.stamp, rb.stamp) > 0 ? ra : rb;
  const agreed = await waitFor(() => valueEverywhere(cluster.running(), 'color', winner.value ?? undefined), STEP_TIMEOUT_MS, signal, t0);
  if (agreed === undefined) return false;
  say(
    `✓ conflict: ${a.name} set color=blue and ${b.name} set color=orange at the same moment; all ${n} nodes agree on ` +
      `${JSON.stringify(winner.value)} (later hybrid timestamp, ties broken by node name) after ${formatMs(agreed)}`,
  );
  await pause(1000, signal);

  // 4. A crash: no goodbye, the others must notice by probing.
  const victim = names[n - 1] ?? '';
  await cluster.kill(victim);
  if (!(await untilQuiet(cluster, victim, signal))) return false;
  await pause(500, signal);

  // 5. A write while it is down: the revived node must catch up through push/pull state.
  if (!(await writeAndSpread(cluster, agent(0), 'written-while-down', `${victim} missed this`, say, signal))) return false;
  await pause(800, signal);

  // 6. Revive: same name, same address, stale incarnation in everyone's table.
  await cluster.revive(victim);
  if (!(await untilQuiet(cluster, victim, signal, true))) return false;
  const caughtUp = await waitFor(() => cluster.agent(victim)?.store.get('written-while-down') !== undefined, STEP_TIMEOUT_MS, signal);
  if (caughtUp === undefined) return false;
  say(`  ${victim} has the key written while it was down (push/pull state on join); replicas: ${digests(cluster)}`);
  await pause(800, signal);

  // 7. Delete: a tombstone, so an older copy of the value cannot bring it back.
  t0 = performance.now();
  agent(0).store.delete('greeting');
  const gone = await waitFor(() => valueEverywhere(cluster.running(), 'greeting', undefined), STEP_TIMEOUT_MS, signal, t0);
  if (gone === undefined) return false;
  say(`✓ delete: ${names[0]} deleted greeting; gone from all ${n} nodes after ${formatMs(gone)} (a tombstone stays behind)`);
  return true;
}

/** Waits until the measurement started by the kill/revive observer has finished (its node settled). */
async function untilQuiet(cluster: DemoCluster, name: string, signal: AbortSignal, alive = false): Promise<boolean> {
  const settled = (): boolean =>
    alive ? allSeeAlive(cluster.running(), [name]) : cluster.running().every((a) => stateOf(a, name) === 'dead');
  const took = await waitFor(settled, STEP_TIMEOUT_MS + 5000, signal);
  if (took === undefined) return false;
  await pause(50, signal);
  return true;
}

function digests(cluster: DemoCluster): string {
  const all = new Set(cluster.running().map((a) => a.store.digest()));
  return all.size === 1 ? `all ${cluster.running().length} identical (digest ${[...all][0]})` : `${all.size} different digests`;
}
