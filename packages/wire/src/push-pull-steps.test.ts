import { describe, expect, it } from 'vitest';
import { ipToBytes } from './address.js';
import type { PushPull } from './messages.js';
import { PushPullDecoder, PushPullEncoder } from './push-pull-steps.js';
import { decodePushPull, encodePushPull } from './stream.js';

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
