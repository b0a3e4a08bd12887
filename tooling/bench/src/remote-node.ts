/**
 * The parent's handle on a benchmark node running in a child process (src/child-node.ts): requests go over
 * IPC, and what the node witnesses is replayed into a local {@link Observer} with the child's timestamps.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildRequest } from './child-protocol.js';
import type { TrafficCounters } from './counting-transport.js';
import { Observer } from './observer.js';
import type { BenchNode, BenchPreset } from './ts-node.js';

// Built (dist/ts-harness.js) the child is dist/child-node.js, run by plain node; from source (tests, profiling
// with tsx) it is src/child-node.ts under the tsx loader.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD_ENTRY = fileURLToPath(new URL(FROM_SOURCE ? './child-node.ts' : './child-node.js', import.meta.url));
const CHILD_EXEC_ARGV = FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : [];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A node in its own process. */
export class RemoteBenchNode implements BenchNode {
  stopped = false;
  readonly observer = new Observer();
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly address: string,
  ) {}

  /** Forks the child and waits until its node listens (bounded by `timeoutMs`). */
  static spawn(name: string, preset: BenchPreset, timeoutMs = 30_000): Promise<RemoteBenchNode> {
    const child = fork(CHILD_ENTRY, [name, preset], {
      execArgv: CHILD_EXEC_ARGV,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`child node ${name} did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      let node: RemoteBenchNode | undefined;
      // The node's own join event comes before `ready` (it is emitted while the node starts).
      const early: ChildMessage[] = [];
      child.on('message', (raw) => {
        const msg = raw as ChildMessage;
        if (msg.t === 'ready') {
          clearTimeout(timer);
          node = new RemoteBenchNode(name, child, msg.address);
          for (const m of early) node.onMessage(m);
          resolve(node);
        } else if (msg.t === 'fatal') {
          clearTimeout(timer);
          reject(new Error(`child node ${name}: ${msg.error}`));
        } else if (node === undefined) {
          early.push(msg);
        } else {
          node.onMessage(msg);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (node === undefined) reject(new Error(`child node ${name} exited with ${code}`));
        node?.failAll(new Error(`child node ${name} exited with ${code}`));
      });
    });
  }

  private onMessage(msg: ChildMessage): void {
    switch (msg.t) {
      case 'join':
        this.observer.recordJoin(msg.name, msg.at);
        break;
      case 'leave':
        this.observer.recordLeave(msg.name, msg.state, msg.at);
        break;
      case 'log':
        this.observer.recordKind(msg.kind, msg.target, msg.at);
        break;
      case 'reply': {
        const w = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if (msg.ok) w?.resolve(msg.value);
        else w?.reject(new Error(`${this.name}: ${msg.error}`));
        break;
      }
      default:
        break;
    }
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  private request(req: DistributiveOmit<ChildRequest, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...req, id });
    });
  }

  async join(seed: string): Promise<number> {
    return (await this.request({ cmd: 'join', seed })) as number;
  }

  async crash(): Promise<void> {
    this.stopped = true;
    await this.request({ cmd: 'crash' });
  }

  async leave(timeoutMs: number): Promise<void> {
    this.stopped = true;
    await this.request({ cmd: 'leave', timeoutMs });
  }

  async counters(): Promise<TrafficCounters> {
    return (await this.request({ cmd: 'counters' })) as TrafficCounters;
  }

  async healthScore(): Promise<number> {
    return (await this.request({ cmd: 'health' })) as number;
  }

  /** Starts or stops the event-loop stalls (random block, random gap, repeatedly). */
  async setBlocking(
    on: boolean,
    bounds = { blockMinMs: 1000, blockMaxMs: 2000, gapMinMs: 200, gapMaxMs: 1000 },
  ): Promise<void> {
    await this.request({ cmd: 'block', on, ...bounds });
  }

  /** Starts or stops delaying inbound traffic like the Go harness's slow switch. */
  async setDelay(on: boolean, minMs = 1000, maxMs = 2000): Promise<void> {
    await this.request({ cmd: 'delay', on, minMs, maxMs });
  }

  /** Shuts the node down and waits for the child to exit (killed if it does not within 10 s). */
  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    this.request({ cmd: 'shutdown' }).catch(() => {});
    await exited;
    clearTimeout(killer);
  }
}
