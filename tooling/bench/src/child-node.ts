/**
 * Entry point of a child process running one TS benchmark node (argv: name, preset). It forwards what the
 * node witnesses to the parent and obeys the parent's requests, including the two ways of slowing it down:
 * blocking its event loop (a Node.js process stalled by CPU work or a long GC) and delaying its inbound
 * traffic (the Go harness's model).
 */
import type { ChildMessage, ChildRequest } from './child-protocol.js';
import { Observer } from './observer.js';
import { type BenchPreset, LocalBenchNode } from './ts-node.js';

const [name = 'node-001', presetArg = 'lan'] = process.argv.slice(2);
const preset = presetArg as BenchPreset;

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** An observer that also reports every observation to the parent. */
class ForwardingObserver extends Observer {
  override recordJoin(member: string, at: number): void {
    super.recordJoin(member, at);
    send({ t: 'join', name: member, at });
  }

  override recordLeave(member: string, state: Parameters<Observer['recordLeave']>[1], at: number): void {
    super.recordLeave(member, state, at);
    send({ t: 'leave', name: member, state, at });
  }

  override recordKind(kind: Parameters<Observer['recordKind']>[0], target: string, at: number): void {
    super.recordKind(kind, target, at);
    send({ t: 'log', kind, target, at });
  }
}

const stall = new Int32Array(new SharedArrayBuffer(4));
let blocking: Extract<ChildRequest, { cmd: 'block' }> | undefined;

function uniform(min: number, max: number): number {
  return min + Math.random() * Math.max(0, max - min);
}

/** Blocks the event loop (without spinning a core: the machine is shared) for a while, again and again. */
function scheduleBlock(): void {
  const settings = blocking;
  if (settings === undefined) return;
  setTimeout(() => {
    if (blocking === undefined) return;
    Atomics.wait(stall, 0, 0, uniform(blocking.blockMinMs, blocking.blockMaxMs));
    scheduleBlock();
  }, uniform(settings.gapMinMs, settings.gapMaxMs));
}

async function main(): Promise<void> {
  const node = await LocalBenchNode.create(name, preset, new ForwardingObserver());
  send({ t: 'ready', address: node.address });
  process.on('message', (raw) => {
    const req = raw as ChildRequest;
    void handle(node, req).then(
      (value) => send({ t: 'reply', id: req.id, ok: true, value }),
      (err: unknown) => send({ t: 'reply', id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  // The parent going away ends us too: never leave a node behind.
  process.on('disconnect', () => void node.shutdown().finally(() => process.exit(0)));
}

async function handle(node: LocalBenchNode, req: ChildRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'join':
      return node.join(req.seed);
    case 'crash':
      return node.crash();
    case 'leave':
      return node.leave(req.timeoutMs);
    case 'counters':
      return node.counters();
    case 'health':
      return node.healthScore();
    case 'block': {
      const wasOn = blocking !== undefined;
      blocking = req.on ? req : undefined;
      if (req.on && !wasOn) scheduleBlock();
      return undefined;
    }
    case 'delay':
      node.setSlow(req.on ? { minMs: req.minMs, maxMs: req.maxMs } : undefined);
      return undefined;
    case 'shutdown':
      blocking = undefined;
      await node.shutdown();
      setTimeout(() => process.exit(0), 50);
      return undefined;
  }
}

main().catch((err: unknown) => {
  send({ t: 'fatal', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
