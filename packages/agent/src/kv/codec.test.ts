import { describe, expect, it } from 'vitest';
import { isDemoError } from '../errors.js';
import { MAX_RECORD_MESSAGE_BYTES, RECORD_MESSAGE, STATE_MESSAGE, decodeRecord, decodeState, encodeRecord, encodeState } from './codec.js';
import { DEFAULT_KV_LIMITS, type KvRecord } from './store.js';

const record: KvRecord = { key: 'greeting', value: 'héllo', stamp: { wall: 1_700_000_000_000, logical: 3, node: 'node-1' } };
const tombstone: KvRecord = { key: 'gone', value: null, stamp: { wall: 5, logical: 0, node: 'node-2' } };

function frame(type: number, json: string): Uint8Array {
  return new Uint8Array([type, ...new TextEncoder().encode(json)]);
}

function decodeError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isDemoError(err, 'ERR_KV_DECODE')) return err.message;
    throw err;
  }
  throw new Error('expected ERR_KV_DECODE');
}

describe('key/value codec', () => {
  it('given a record or a tombstone, when encoded and decoded, then it round-trips exactly', () => {
    expect(decodeRecord(encodeRecord(record), DEFAULT_KV_LIMITS)).toEqual(record);
    expect(decodeRecord(encodeRecord(tombstone), DEFAULT_KV_LIMITS)).toEqual(tombstone);
  });

  it('given a whole replica, when encoded as state and decoded, then every record round-trips', () => {
    expect(decodeState(encodeState([record, tombstone]), DEFAULT_KV_LIMITS)).toEqual([record, tombstone]);
  });

  it('given the largest key and value, then one write fits in a 1400-byte gossip packet with room to spare', () => {
    const big: KvRecord = { key: 'k'.repeat(128), value: 'v'.repeat(512), stamp: { wall: 2 ** 52, logical: 999, node: 'n'.repeat(64) } };
    expect(encodeRecord(big).length).toBeLessThan(800);
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['wrong type byte', frame(STATE_MESSAGE, '["k","v",1,0,"n"]')],
    ['not JSON', frame(RECORD_MESSAGE, '{oops')],
    ['invalid UTF-8', new Uint8Array([RECORD_MESSAGE, 0xff, 0xfe])],
    ['wrong arity', frame(RECORD_MESSAGE, '["k","v",1,0]')],
    ['empty key', frame(RECORD_MESSAGE, '["","v",1,0,"n"]')],
    ['numeric value', frame(RECORD_MESSAGE, '["k",5,1,0,"n"]')],
    ['negative time', frame(RECORD_MESSAGE, '["k","v",-1,0,"n"]')],
    ['fractional counter', frame(RECORD_MESSAGE, '["k","v",1,0.5,"n"]')],
    ['empty node', frame(RECORD_MESSAGE, '["k","v",1,0,""]')],
    ['oversized value', frame(RECORD_MESSAGE, `["k","${'v'.repeat(513)}",1,0,"n"]`)],
    ['oversized message', new Uint8Array(MAX_RECORD_MESSAGE_BYTES + 1)],
  ])('given a malformed record message (%s), then decoding throws ERR_KV_DECODE', (_name, bytes) => {
    expect(decodeError(() => decodeRecord(bytes, DEFAULT_KV_LIMITS))).toBeTruthy();
  });

  it.each([
    ['not an object', frame(STATE_MESSAGE, '[1,2]')],
    ['unknown version', frame(STATE_MESSAGE, '{"v":2,"records":[]}')],
    ['records not an array', frame(STATE_MESSAGE, '{"v":1,"records":{}}')],
    ['a bad record inside', frame(STATE_MESSAGE, '{"v":1,"records":[["k","v",1,0,"n"],["k"]]}')],
  ])('given malformed state (%s), then decoding throws ERR_KV_DECODE', (_name, bytes) => {
    expect(decodeError(() => decodeState(bytes, DEFAULT_KV_LIMITS))).toBeTruthy();
  });

  it('given state with more records than the store may hold, then it is refused before any is built', () => {
    const records = Array.from({ length: 3 }, (_, i) => ({ ...record, key: `k${i}` }));
    const message = decodeError(() => decodeState(encodeState(records), { ...DEFAULT_KV_LIMITS, maxEntries: 2, maxReplicaEntries: 2 }));
    expect(message).toMatch(/3 records exceeds 2/);
  });
});
