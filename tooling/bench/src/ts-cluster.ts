/**
 * N TS nodes on loopback, in this process — except, when asked, node-001, which runs in a child process so
 * that its event loop can be blocked without blocking the others. Mirrors tooling/bench/go/cluster.go.
 */
import { RemoteBenchNode } from './remote-node.js';
import { type BenchNode, type BenchPreset, LocalBenchNode } from './ts-node.js';

/** Name of node `i`, as the Go harness names them. */
export function nodeName(i: number): string {
  return `node-${String(i).padStart(3, '0')}`;
}

/** A set of nodes that know nobody yet. */
export class TsCluster {
  private constructor(readonly nodes: BenchNode[]) {}

  /** Creates `n` nodes; with `remoteSlowNode`, node-001 runs in a child process. */
  static async create(n: number, preset: BenchPreset, remoteSlowNode = false): Promise<TsCluster> {
    const nodes: BenchNode[] = [];
    try {
      for (let i = 0; i < n; i++) {
        const name = nodeName(i);
        nodes.push(remoteSlowNode && i === 1 ? await RemoteBenchNode.spawn(name, preset) : await LocalBenchNode.create(name, preset));
      }
    } catch (err) {
      await Promise.allSettled(nodes.map((node) => node.shutdown()));
      throw err;
    }
    return new TsCluster(nodes);
  }

  /** Every node but the first joins the first one at the same moment (a join storm). */
  async joinStorm(): Promise<void> {
    const [seed, ...rest] = this.nodes;
    if (seed === undefined) return;
    const results = await Promise.allSettled(rest.map((node) => node.join(seed.address)));
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed >= 0) {
      const r = results[failed] as PromiseRejectedResult;
      throw new Error(`${rest[failed]?.name ?? '?'}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
    }
  }

  /** Nodes not crashed, left or shut down. */
  running(): BenchNode[] {
    return this.nodes.filter((node) => !node.stopped);
  }

  /** Nodes living in this process (every node but a child-process one). */
  inProcess(): LocalBenchNode[] {
    return this.running().filter((node): node is LocalBenchNode => node instanceof LocalBenchNode);
  }

  /** Stops every node still running. */
  async shutdown(): Promise<void> {
    // Idempotent for stopped nodes; a child-process node's process is ended too.
    await Promise.allSettled(this.nodes.map((node) => node.shutdown()));
  }
}

// The shared bounded wait, and a pause for holding measurement windows open.
export { waitUntil, delay as sleep } from '@gossip/test-support';
