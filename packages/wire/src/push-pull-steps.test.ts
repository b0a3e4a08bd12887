import { describe, expect, it } from 'vitest';
import { ipToBytes } from './address.js';
import type { PushPull } from './messages.js';
import { PushPullDecoder, PushPullEncoder } from './push-pull-steps.js';
import { Reader } from './msgpack.js';
import { decodePushPull, encodePushNodeState, encodePushPull, peekPushNodeStateName } from './stream.js';

function pushPull(nodes: number, userState: number): PushPull {
  const states = Array.from({ length: nodes }, (_, i) => ({
    name: `node-${i}`,
    addr: ipToBytes('10.0.0.1'),
    port: 7946 + (i % 100),
    meta: i % 2 === 0 ? null : Uint8Array.of(i & 0xff),
    incarnation: i * 3,
    state: i % 4,
    vsn: Uint8Array.of(1, 5, 2, 0, 0, 0),
  }));
  return { join: true, states, userState: new Uint8Array(userState).fill(5) };
}

describe('PushPullDecoder', () => {
  it('given a 1,000-node push/pull decoded 64 states per step, when done, then it equals decodePushPull after 16 steps', () => {
    const msg = encodePushPull(pushPull(1000, 300));
    const d = new PushPullDecoder(msg);
    let steps = 1;
    while (!d.step(64)) steps++;
    expect(steps).toBe(16);
    expect(d.result()).toEqual(decodePushPull(msg));
  });

  it('given views, when a push/pull is decoded, then the values are the same but byte fields and the user state share the message buffer', () => {
    const msg = encodePushPull(pushPull(10, 50));
    const d = new PushPullDecoder(msg, undefined, { views: true });
    while (!d.step(4));
    const viewed = d.result();
    expect(viewed).toEqual(decodePushPull(msg));
    for (const s of viewed.states) {
      expect(s.addr.buffer).toBe(msg.buffer);
      expect(s.vsn.buffer).toBe(msg.buffer);
      if (s.meta !== null) expect(s.meta.buffer).toBe(msg.buffer);
    }
    expect(viewed.userState.buffer).toBe(msg.buffer);
    const copied = new PushPullDecoder(msg);
    while (!copied.step(4));
    expect(copied.result().states[1]!.addr.buffer).not.toBe(msg.buffer);
    expect(copied.result().userState.buffer).not.toBe(msg.buffer);
  });

  it('given a header announcing more nodes than the limit, when constructed, then ERR_TOO_LARGE before any state is read', () => {
    const msg = encodePushPull(pushPull(10, 0));
    expect(() => new PushPullDecoder(msg, { maxPushPullNodes: 5 })).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }));
  });

  it('given a message cut inside its user state, when the last step runs, then ERR_TRUNCATED', () => {
    const msg = encodePushPull(pushPull(3, 100));
    const d = new PushPullDecoder(msg.subarray(0, msg.length - 10));
    expect(() => d.step(10)).toThrow(expect.objectContaining({ code: 'ERR_TRUNCATED' }));
  });
});

describe('PushPullEncoder', () => {
  it('given 1,000 states encoded 100 per step, when done, then the bytes equal encodePushPull', () => {
    const pp = pushPull(1000, 77);
    const e = new PushPullEncoder(pp);
    let steps = 1;
    while (!e.step(100)) steps++;
    expect(steps).toBe(10);
    expect(e.result()).toEqual(encodePushPull(pp));
  });

  it('given no states, when stepped once, then it is done with the header and user state only', () => {
    const pp = pushPull(0, 4);
    const e = new PushPullEncoder(pp);
    expect(e.step(1)).toBe(true);
    expect(e.result()).toEqual(encodePushPull(pp));
  });
});

describe('PushPullDecoder with held entries', () => {
  it('given a caller holding two of six entries byte for byte and a third at another incarnation, when decoded, then the two are counted unchanged and the other four decoded in order', () => {
    const pp = pushPull(6, 20);
    const held = new Map<string, Uint8Array>([
      ['node-1', encodePushNodeState(pp.states[1]!)],
      ['node-4', encodePushNodeState(pp.states[4]!)],
      ['node-2', encodePushNodeState({ ...pp.states[2]!, incarnation: pp.states[2]!.incarnation + 1 })],
    ]);
    const asked: string[] = [];
    const d = new PushPullDecoder(encodePushPull(pp), undefined, {
      heldEntry: (name) => {
        asked.push(name);
        return held.get(name);
      },
    });
    while (!d.step(2));
    expect(d.unchanged).toBe(2);
    const full = decodePushPull(encodePushPull(pp));
    expect(d.result()).toEqual({ ...full, states: full.states.filter((_, i) => i !== 1 && i !== 4) });
    expect(asked).toEqual(['node-0', 'node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
  });

  it('given a held entry longer than what is left of the message, when decoded, then the entry is decoded, not matched past the end', () => {
    const pp = pushPull(1, 0);
    const longer = encodePushNodeState({ ...pp.states[0]!, meta: new Uint8Array(40) });
    const d = new PushPullDecoder(encodePushPull(pp), undefined, { heldEntry: () => longer });
    while (!d.step(8));
    expect(d.unchanged).toBe(0);
    expect(d.result()).toEqual(decodePushPull(encodePushPull(pp)));
  });

  it('given a malformed entry after a held one, when decoded with held entries, then it fails as it does without them', () => {
    const pp = pushPull(3, 0);
    const msg = encodePushPull(pp);
    const [first, second, third] = pp.states.map((s) => encodePushNodeState(s)) as [Uint8Array, Uint8Array, Uint8Array];
    msg[msg.length - third.length - second.length] = 0xc1;
    expect(() => decodePushPull(msg)).toThrow(/expected a map/);
    const d = new PushPullDecoder(msg, undefined, { heldEntry: (name) => (name === 'node-0' ? first : undefined) });
    expect(() => {
      while (!d.step(8));
    }).toThrow(/expected a map/);
    expect(d.unchanged).toBe(1);
  });
});

describe('encodePushNodeState and peekPushNodeStateName', () => {
  it('given a push/pull, when its entries are encoded one by one, then they are the bytes between its header and user state', () => {
    const pp = pushPull(5, 0);
    const whole = encodePushPull(pp);
    const entries = pp.states.map((s) => encodePushNodeState(s));
    const joined = new Uint8Array(entries.reduce((n, e) => n + e.length, 0));
    let at = 0;
    for (const e of entries) {
      joined.set(e, at);
      at += e.length;
    }
    expect(whole.subarray(whole.length - joined.length)).toEqual(joined);
  });

  it('given an entry, when its name is peeked, then the name comes back and the reader has not moved; a map without a name gives undefined', () => {
    const entry = encodePushNodeState(pushPull(3, 0).states[2]!);
    const r = new Reader(entry, 0);
    expect(peekPushNodeStateName(r)).toBe('node-2');
    expect(r.pos).toBe(0);
    expect(peekPushNodeStateName(new Reader(Uint8Array.of(0x81, 0xa1, 0x78, 0x01)))).toBeUndefined();
    expect(peekPushNodeStateName(new Reader(Uint8Array.of(0xc1)))).toBeUndefined();
  });
});
