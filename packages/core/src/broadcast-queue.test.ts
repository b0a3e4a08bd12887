import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Broadcast, NamedBroadcast, UniqueBroadcast } from './broadcast-queue.js';
import { TransmitLimitedQueue, isNamedBroadcast, isUniqueBroadcast, retransmitLimit } from './broadcast-queue.js';

const text = new TextEncoder();
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

class Plain implements Broadcast {
  finishedCount = 0;
  constructor(
    readonly body: string,
    private readonly kills: (other: Broadcast) => boolean = () => false,
  ) {}
  message(): Uint8Array {
    return text.encode(this.body);
  }
  invalidates(other: Broadcast): boolean {
    return this.kills(other);
  }
  finished(): void {
    this.finishedCount += 1;
  }
}

class Named extends Plain implements NamedBroadcast {
  constructor(
    private readonly id: string,
    body: string,
  ) {
    super(body);
  }
  name(): string {
    return this.id;
  }
  override invalidates(other: Broadcast): boolean {
    return isNamedBroadcast(other) && other.name() === this.id;
  }
}

class Unique extends Plain implements UniqueBroadcast {
  readonly unique = true as const;
}

const queue = (numNodes = 10, retransmitMult = 1): TransmitLimitedQueue =>
  new TransmitLimitedQueue({ numNodes: () => numNodes, retransmitMult });

describe('retransmitLimit', () => {
  it('given LAN mult 4, when the cluster grows, then the limit is 4 × ceil(log10(n+1))', () => {
    expect([0, 1, 9, 10, 99, 100, 999, 1000].map((n) => retransmitLimit(4, n))).toEqual([0, 4, 4, 8, 8, 12, 12, 16]);
  });
});

describe('broadcast kinds', () => {
  it('given a named or unique broadcast, then the type guards recognise it', () => {
    expect(isNamedBroadcast(new Named('a', 'x'))).toBe(true);
    expect(isUniqueBroadcast(new Unique('x'))).toBe(true);
    expect(isNamedBroadcast(new Plain('x'))).toBe(false);
    expect(isUniqueBroadcast(new Plain('x'))).toBe(false);
  });
});

describe('TransmitLimitedQueue', () => {
  it('given an empty queue, when broadcasts are taken, then none are returned', () => {
    expect(queue().getBroadcasts(2, 1400)).toEqual([]);
    expect(queue().numQueued()).toBe(0);
  });

  it('given messages of one tier, when taken, then the largest come first and equal sizes newest first', () => {
    const q = queue(10, 3);
    for (const body of ['aa', 'bbbb', 'cc', 'ddd', 'ee']) q.queueBroadcast(new Unique(body));
    expect(q.getBroadcasts(0, 1000).map(str)).toEqual(['bbbb', 'ddd', 'ee', 'cc', 'aa']);
  });

  it('given sent and fresh messages, when taken, then fewer transmits come first', () => {
    const q = queue(10, 3);
    q.queueBroadcast(new Unique('old-and-long'));
    expect(q.getBroadcasts(0, 1000).map(str)).toEqual(['old-and-long']);
    q.queueBroadcast(new Unique('new'));
    expect(q.getBroadcasts(0, 1000).map(str)).toEqual(['new', 'old-and-long']);
  });

  it('given a byte budget, when a message does not fit, then it is skipped for a smaller one that does', () => {
    const q = queue(10, 3);
    q.queueBroadcast(new Unique('12345678')); // 8 + 2 = 10
    q.queueBroadcast(new Unique('1234')); // 4 + 2 = 6
    q.queueBroadcast(new Unique('123')); // 3 + 2 = 5
    // 12 bytes: the 8-byte message fits (10), then nothing else does.
    expect(q.getBroadcasts(2, 12).map(str)).toEqual(['12345678']);
    // 11 bytes at tier 0: only '1234' and '123' remain there; '1234' (6) fits, then '123' (5) fits exactly.
    expect(q.getBroadcasts(2, 11).map(str)).toEqual(['1234', '123']);
  });

  it('given the overhead alone fills the budget, when taken, then nothing is returned and nothing is charged', () => {
    const q = queue();
    const b = new Unique('x');
    q.queueBroadcast(b);
    expect(q.getBroadcasts(5, 5)).toEqual([]);
    expect(q.numQueued()).toBe(1);
  });

  it('given a retransmit limit, when a message is sent that many times, then it is dropped and finished once', () => {
    const q = queue(9, 2); // limit 2 × ceil(log10(10)) = 2
    const b = new Unique('m');
    q.queueBroadcast(b);
    expect(q.getBroadcasts(0, 100)).toHaveLength(1);
    expect(b.finishedCount).toBe(0);
    expect(q.getBroadcasts(0, 100)).toHaveLength(1);
    expect(b.finishedCount).toBe(1);
    expect(q.numQueued()).toBe(0);
    expect(q.getBroadcasts(0, 100)).toEqual([]);
  });

  it('given one call, when a message is taken, then it is not taken twice in that call', () => {
    const q = queue(1000, 4);
    q.queueBroadcast(new Unique('only'));
    expect(q.getBroadcasts(0, 10_000).map(str)).toEqual(['only']);
  });

  it('given a named broadcast, when another with the same name is queued, then the old one is finished and replaced', () => {
    const q = queue();
    const a1 = new Named('node-a', 'alive-1');
    const b = new Named('node-b', 'alive-b');
    const a2 = new Named('node-a', 'alive-2');
    q.queueBroadcast(a1);
    q.queueBroadcast(b);
    q.queueBroadcast(a2);
    expect(a1.finishedCount).toBe(1);
    expect(q.numQueued()).toBe(2);
    expect(q.getBroadcasts(0, 1000).map(str).sort()).toEqual(['alive-2', 'alive-b']);
  });

  it('given plain broadcasts, when one invalidates another, then only plain ones are asked and dropped', () => {
    const q = queue();
    const victim = new Plain('key=1');
    const named = new Named('key', 'named');
    const unique = new Unique('key=u');
    q.queueBroadcast(victim);
    q.queueBroadcast(named);
    q.queueBroadcast(unique);
    const asked: string[] = [];
    const killer = new Plain('key=2', (other) => {
      asked.push((other as Plain).body);
      return (other as Plain).body.startsWith('key=');
    });
    q.queueBroadcast(killer);
    expect(asked).toEqual(['key=1']);
    expect(victim.finishedCount).toBe(1);
    expect(unique.finishedCount).toBe(0);
    expect(q.numQueued()).toBe(3);
  });

  it('given queued broadcasts, when reset, then all are finished and the queue is empty', () => {
    const q = queue();
    const all = [new Plain('a'), new Named('n', 'b'), new Unique('c')];
    for (const b of all) q.queueBroadcast(b);
    q.reset();
    expect(all.map((b) => b.finishedCount)).toEqual([1, 1, 1]);
    expect(q.numQueued()).toBe(0);
    // The name index was cleared too: re-queueing the name finishes nothing.
    q.queueBroadcast(new Named('n', 'b2'));
    expect(all[1]!.finishedCount).toBe(1);
  });

  it('given more broadcasts than retained, when pruned, then the most-sent, smallest, oldest go first', () => {
    const q = queue(10, 5);
    const sent = new Unique('sent-once');
    q.queueBroadcast(sent);
    q.getBroadcasts(0, 1000);
    const small = new Unique('s');
    const big = new Unique('bigger');
    q.queueBroadcast(small);
    q.queueBroadcast(big);
    q.prune(2);
    expect(sent.finishedCount).toBe(1);
    q.prune(1);
    expect(small.finishedCount).toBe(1);
    expect(q.getBroadcasts(0, 1000).map(str)).toEqual(['bigger']);
    q.prune(0);
    expect(q.numQueued()).toBe(0);
  });

  it('given thousands of named broadcasts, when drained in 1400-byte packets, then each is sent exactly limit times', () => {
    const n = 5000;
    const q = queue(n, 1); // limit ceil(log10(5001)) = 4
    const sends = new Map<string, number>();
    for (let i = 0; i < n; i++) q.queueBroadcast(new Named(`node-${i}`, `alive:node-${i}`));
    let rounds = 0;
    while (q.numQueued() > 0) {
      for (const m of q.getBroadcasts(2, 1400)) sends.set(str(m), (sends.get(str(m)) ?? 0) + 1);
      rounds += 1;
    }
    expect(sends.size).toBe(n);
    expect([...sends.values()].every((c) => c === 4)).toBe(true);
    // Packets are filled: total bytes / 1400 rounds, give or take one per tier.
    const bytes = [...sends.keys()].reduce((s, k) => s + (k.length + 2) * 4, 0);
    expect(rounds).toBeLessThanOrEqual(Math.ceil(bytes / 1400) + 8);
  });

  it.each([
    { names: 16, ops: 80, runs: 100 },
    { names: 3000, ops: 2500, runs: 10 },
  ])('given any sequence of operations over $names names, then selection matches a reference model of memberlist order', ({ names, ops: maxOps, runs }) => {
    type Op = { kind: 'queue'; name: number; len: number } | { kind: 'take'; overhead: number; limit: number };
    const op = fc.oneof(
      fc.record({ kind: fc.constant('queue' as const), name: fc.integer({ min: 0, max: names - 1 }), len: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant('take' as const), overhead: fc.integer({ min: 0, max: 3 }), limit: fc.integer({ min: 0, max: 120 }) }),
    );
    const opWeighted = names > 100 ? fc.oneof({ arbitrary: op, weight: 1 }, { arbitrary: op.filter((o) => o.kind === 'queue'), weight: 6 }) : op;
    fc.assert(
      fc.property(fc.array(opWeighted, { minLength: Math.floor(maxOps / 2), maxLength: maxOps }), (ops: Op[]) => {
        const q = queue(20, 1); // limit 2
        let model: { name: string; body: string; transmits: number; id: number }[] = [];
        let id = 0;
        for (const o of ops) {
          if (o.kind === 'queue') {
            const name = `n${o.name}`;
            const body = `${name}:${'x'.repeat(o.len)}`;
            q.queueBroadcast(new Named(name, body));
            model = model.filter((m) => m.name !== name);
            model.push({ name, body, transmits: 0, id: ++id });
          } else {
            const expected: string[] = [];
            const order = [...model].sort(
              (a, b) => a.transmits - b.transmits || b.body.length - a.body.length || b.id - a.id,
            );
            let used = 0;
            const sent = new Set<string>();
            for (const m of order) {
              const free = o.limit - used - o.overhead;
              if (free <= 0) break;
              if (m.body.length <= free) {
                used += o.overhead + m.body.length;
                expected.push(m.body);
                sent.add(m.name);
              }
            }
            model = model
              .map((m) => (sent.has(m.name) ? { ...m, transmits: m.transmits + 1 } : m))
              .filter((m) => m.transmits < 2);
            expect(q.getBroadcasts(o.overhead, o.limit).map(str)).toEqual(expected);
            expect(q.numQueued()).toBe(model.length);
          }
        }
      }),
      { numRuns: runs },
    );
  });
});
