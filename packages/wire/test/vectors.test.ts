/**
 * Every vector produced by real memberlist (shared/protocol/vectors.json, copied as a fixture) is a
 * specification: decoding yields the fields its description names, and encoding those fields yields the same
 * bytes. Encryption vectors belong to @gossip/keyring; here only their framing (label, stream length) is checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  addLabel,
  decodeCompound,
  decodeCompress,
  decodeMessage,
  decodePushPull,
  decodeUserStream,
  encodeAck,
  encodeAlive,
  encodeCompound,
  encodeCompress,
  encodeDead,
  encodeErr,
  encodeIndirectPing,
  encodeNack,
  encodePing,
  encodePushPull,
  encodeSuspect,
  encodeUserStream,
  ipToBytes,
  makeVsn,
  stripLabel,
  streamMessageLength,
  unwrapPacket,
  wrapCrc,
} from '../src/index.js';
import type { Alive, PushNodeState, PushPull } from '../src/index.js';
import { Reader } from '../src/msgpack.js';
import { readPushNodeState, readPushPullHeader, readUserMsgHeader } from '../src/stream.js';

interface Vector {
  name: string;
  description: string;
  hex: string;
  producer: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const fixturePath = join(here, 'fixtures/memberlist-vectors.json');
const vectors = JSON.parse(readFileSync(fixturePath, 'utf8')) as Vector[];
const byName = new Map(vectors.map((v) => [v.name, v]));
const bytes = (name: string): Uint8Array => Uint8Array.from(Buffer.from(byName.get(name)!.hex, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const lo = ipToBytes('127.0.0.1');
const VSN = makeVsn();

const alive = (node: string, port: number, meta: string, incarnation = 1): Alive => ({
  incarnation,
  node,
  addr: lo,
  port,
  meta: text(meta),
  vsn: VSN,
});
const state = (name: string, port: number, meta: string): PushNodeState => ({
  name,
  addr: lo,
  port,
  meta: text(meta),
  incarnation: 1,
  state: 0,
  vsn: VSN,
});

/** Each vector name → a check that decodes it, compares fields, re-encodes and compares bytes. */
const checks: Record<string, (b: Uint8Array) => void> = {};
const message = (name: string, expected: unknown, encode: (v: never) => Uint8Array): void => {
  checks[name] = (b) => {
    const decoded = decodeMessage(b);
    expect(decoded).toEqual(expected);
    expect(hex(encode(decoded.body as never))).toBe(hex(b));
  };
};

message('ping_minimal', { type: 'ping', body: { seqNo: 1, node: 'b' } }, encodePing);
const pingFull = { seqNo: 42, node: 'node-b', sourceAddr: lo, sourcePort: 7946, sourceNode: 'node-a' };
message('ping_full', { type: 'ping', body: pingFull }, encodePing);
message('ping_empty_node', { type: 'ping', body: { seqNo: 0x01020304, node: '' } }, encodePing);
message(
  'indirect_ping',
  {
    type: 'indirect',
    body: {
      seqNo: 43,
      target: ipToBytes('10.0.0.2'),
      port: 7946,
      node: 'node-c',
      nack: true,
      sourceAddr: ipToBytes('10.0.0.1'),
      sourcePort: 7946,
      sourceNode: 'node-a',
    },
  },
  encodeIndirectPing,
);
message('ack_nil_payload', { type: 'ack', body: { seqNo: 42, payload: null } }, encodeAck);
message('ack_empty_payload', { type: 'ack', body: { seqNo: 42, payload: new Uint8Array(0) } }, encodeAck);
message('ack_payload', { type: 'ack', body: { seqNo: 300, payload: text('hi') } }, encodeAck);
message('nack', { type: 'nack', body: { seqNo: 43 } }, encodeNack);
message('err', { type: 'err', body: { error: 'boom' } }, encodeErr);
message('suspect', { type: 'suspect', body: { incarnation: 5, node: 'node-b', from: 'node-a' } }, encodeSuspect);
message('dead', { type: 'dead', body: { incarnation: 3, node: 'node-b', from: 'node-a' } }, encodeDead);
message('dead_leave', { type: 'dead', body: { incarnation: 7, node: 'node-a', from: 'node-a' } }, encodeDead);
message('alive', { type: 'alive', body: { ...alive('node-a', 7946, ''), meta: null } }, encodeAlive);
message(
  'alive_meta',
  {
    type: 'alive',
    body: { incarnation: 70000, node: 'node-a', addr: ipToBytes('10.0.0.1'), port: 8301, meta: text('role=web'), vsn: makeVsn({ pcur: 4, dmin: 2, dmax: 5, dcur: 4 }) },
  },
  encodeAlive,
);
message(
  'alive_addr16',
  { type: 'alive', body: { incarnation: 2, node: 'n', addr: ipToBytes('::ffff:127.0.0.1'), port: 7946, meta: null, vsn: VSN } },
  encodeAlive,
);

/** Push/pull header vectors are bodies only: they sit right after the 0x06 type byte of a push/pull message. */
const headerCheck =
  (join: boolean, nodes: number, userStateLen: number, intEncoding: 'v0.2.2' | 'head') =>
  (b: Uint8Array): void => {
    expect(readPushPullHeader(new Reader(b))).toEqual({ join, nodes, userStateLen });
    const pp: PushPull = {
      join,
      states: Array.from({ length: nodes }, () => ({ ...state('x', 1, ''), meta: null })),
      userState: new Uint8Array(userStateLen),
    };
    expect(hex(encodePushPull(pp, { intEncoding }).subarray(1, 1 + b.length))).toBe(hex(b));
  };
checks['pushpull_header_small'] = headerCheck(true, 1, 0, 'v0.2.2');
checks['pushpull_header_large__head'] = headerCheck(false, 200, 70000, 'head');
checks['pushpull_header_large__v022'] = headerCheck(false, 200, 70000, 'v0.2.2');

const nodeStateCheck =
  (expected: PushNodeState) =>
  (b: Uint8Array): void => {
    expect(readPushNodeState(new Reader(b))).toEqual(expected);
    const encoded = encodePushPull({ join: false, states: [expected], userState: new Uint8Array(0) });
    expect(hex(encoded.subarray(encoded.length - b.length))).toBe(hex(b));
  };
checks['push_node_state'] = nodeStateCheck({ ...state('node-a', 7946, ''), meta: null });
checks['push_node_state_left'] = nodeStateCheck({
  name: 'node-b',
  addr: ipToBytes('10.0.0.2'),
  port: 7946,
  meta: text('m'),
  incarnation: 9,
  state: 3,
  vsn: VSN,
});

const userHeaderCheck =
  (len: number, intEncoding: 'v0.2.2' | 'head') =>
  (b: Uint8Array): void => {
    expect(readUserMsgHeader(new Reader(b))).toEqual({ userMsgLen: len });
    expect(hex(encodeUserStream(new Uint8Array(len), { intEncoding }).subarray(1, 1 + b.length))).toBe(hex(b));
  };
checks['user_msg_header'] = userHeaderCheck(5, 'v0.2.2');
checks['user_msg_header_300__head'] = userHeaderCheck(300, 'head');
checks['user_msg_header_300__v022'] = userHeaderCheck(300, 'v0.2.2');

checks['compound_ping_suspect'] = (b) => {
  const { parts, truncated } = decodeCompound(b);
  expect(truncated).toBe(0);
  expect(parts.map(hex)).toEqual([hex(bytes('ping_full')), hex(bytes('suspect'))]);
  expect(encodeCompound(parts).map(hex)).toEqual([hex(b)]);
};
checks['compress_ping_full'] = (b) => {
  expect(hex(decodeCompress(b))).toBe(hex(bytes('ping_full')));
  expect(hex(encodeCompress(bytes('ping_full')))).toBe(hex(b));
};
checks['compress_repetitive'] = (b) => {
  const input = text('abc'.repeat(32));
  expect(hex(decodeCompress(b))).toBe(hex(input));
  expect(hex(encodeCompress(input))).toBe(hex(b));
};
checks['crc_ping_full'] = (b) => {
  const out = unwrapPacket(b);
  expect(out.crc).toBe(true);
  expect(out.messages.map(hex)).toEqual([hex(bytes('ping_full'))]);
  expect(hex(b.subarray(1, 5))).toBe('87642fb7');
  expect(hex(wrapCrc(bytes('ping_full')))).toBe(hex(b));
};
checks['label_ping_full'] = (b) => {
  const { label, rest } = stripLabel(b);
  expect(label).toBe('prod');
  expect(hex(rest)).toBe(hex(bytes('ping_full')));
  expect(hex(addLabel(bytes('ping_full'), 'prod'))).toBe(hex(b));
};

/** Encrypted UDP payloads: vsn | nonce(12) | ciphertext | tag(16); the ciphertext is @gossip/keyring's. */
const encryptedLayout =
  (version: number, plaintextLength: number) =>
  (b: Uint8Array): void => {
    expect(b[0]).toBe(version);
    expect(hex(b.subarray(1, 13))).toBe('000102030405060708090a0b');
    expect(b.length).toBe(1 + 12 + plaintextLength + 16);
  };
checks['encrypt_v1_ack'] = encryptedLayout(1, 18);
checks['encrypt_v0_ack'] = encryptedLayout(0, 32);
checks['encrypt_v1_ack_label_aad'] = encryptedLayout(1, 18);
checks['udp_packet_label_encrypted_ack'] = (b) => {
  const { label, labelBytes, rest } = stripLabel(b);
  expect(label).toBe('prod');
  expect(hex(labelBytes)).toBe(hex(text('prod')));
  expect(hex(rest)).toBe(hex(bytes('encrypt_v1_ack_label_aad')));
  expect(hex(addLabel(rest, 'prod'))).toBe(hex(b));
};
/** Encrypted stream frames: the frame length is known from the 5-byte prefix alone. */
const encryptedFrame =
  (n: number) =>
  (b: Uint8Array): void => {
    expect(hex(b.subarray(0, 5))).toBe(`0a${n.toString(16).padStart(8, '0')}`);
    expect(streamMessageLength(b.subarray(0, 4))).toBeUndefined();
    expect(streamMessageLength(b.subarray(0, 5))).toBeUndefined();
    expect(streamMessageLength(b)).toBe(5 + n);
    expect(b.length).toBe(5 + n);
  };
checks['stream_encrypted_compressed_ping'] = encryptedFrame(80 + 29);
checks['stream_encrypted_compressed_ping_label'] = encryptedFrame(80 + 29);
checks['stream_encrypted_v0'] = encryptedFrame(80 + 16 + 29);

const goNodeJoin = (port: number): PushPull => ({
  join: true,
  states: [state('go-node', port, 'role=go')],
  userState: text('go-user-state join=true'),
});
checks['captured_head_tcp_pushpull_join_uncompressed'] = (b) => {
  expect(streamMessageLength(b)).toBe(b.length);
  expect(decodePushPull(b)).toEqual(goNodeJoin(17008));
  expect(hex(encodePushPull(goNodeJoin(17008)))).toBe(hex(b));
  expect(hex(encodePushPull(goNodeJoin(17008), { intEncoding: 'head' }))).toBe(hex(b));
};
checks['captured_head_tcp_pushpull_join_compressed'] = (b) => {
  expect(streamMessageLength(b)).toBe(b.length);
  expect(decodePushPull(decodeCompress(b))).toEqual(goNodeJoin(17009));
  expect(hex(encodeCompress(encodePushPull(goNodeJoin(17009))))).toBe(hex(b));
};
const ackCompound = (jsPort: number, goPort: number): Uint8Array[] => [
  encodeAck({ seqNo: 1001, payload: null }),
  encodeAlive(alive('js-node', jsPort, 'role=js')),
  encodeAlive(alive('go-node', goPort, 'role=go')),
];
checks['captured_head_udp_ack_compound'] = (b) => {
  const { messages, errors, crc } = unwrapPacket(b);
  expect({ errors, crc }).toEqual({ errors: [], crc: false });
  expect(messages.map((m) => decodeMessage(m))).toEqual([
    { type: 'ack', body: { seqNo: 1001, payload: null } },
    { type: 'alive', body: alive('js-node', 18008, 'role=js') },
    { type: 'alive', body: alive('go-node', 17008, 'role=go') },
  ]);
  expect(encodeCompound(ackCompound(18008, 17008)).map(hex)).toEqual([hex(b)]);
};
checks['captured_head_udp_compressed_compound'] = (b) => {
  const { messages } = unwrapPacket(b);
  expect(messages.map(hex)).toEqual(ackCompound(18009, 17009).map(hex));
  expect(hex(encodeCompress(encodeCompound(ackCompound(18009, 17009))[0]!))).toBe(hex(b));
};
checks['captured_head_udp_ping'] = (b) => {
  const ping = { seqNo: 1, node: 'js-node', sourceAddr: lo, sourcePort: 17008, sourceNode: 'go-node' };
  expect(decodeMessage(b)).toEqual({ type: 'ping', body: ping });
  expect(hex(encodePing(ping))).toBe(hex(b));
};
checks['captured_head_udp_nack'] = (b) => {
  expect(decodeMessage(b)).toEqual({ type: 'nack', body: { seqNo: 1005 } });
  expect(hex(encodeNack({ seqNo: 1005 }))).toBe(hex(b));
};
checks['captured_head_udp_gossip_crc_alive'] = (b) => {
  const { messages, crc } = unwrapPacket(b);
  expect(crc).toBe(true);
  expect(messages.map((m) => decodeMessage(m))).toEqual([{ type: 'alive', body: alive('go-node', 17008, 'role=go', 2) }]);
  expect(hex(wrapCrc(encodeAlive(alive('go-node', 17008, 'role=go', 2))))).toBe(hex(b));
};
checks['captured_head_udp_leave'] = (b) => {
  const leave = { incarnation: 2, node: 'go-node', from: 'go-node' };
  const { messages, crc } = unwrapPacket(b);
  expect(crc).toBe(true);
  expect(messages.map((m) => decodeMessage(m))).toEqual([{ type: 'dead', body: leave }]);
  expect(hex(wrapCrc(encodeDead(leave)))).toBe(hex(b));
};
checks['captured_head_tcp_ack_compressed'] = (b) => {
  expect(streamMessageLength(b)).toBe(b.length);
  expect(decodeMessage(decodeCompress(b))).toEqual({ type: 'ack', body: { seqNo: 1006, payload: null } });
  expect(hex(encodeCompress(encodeAck({ seqNo: 1006, payload: null })))).toBe(hex(b));
};
checks['captured_head_tcp_errmsg_compressed'] = (b) => {
  const error = 'remote state is encrypted and encryption is not configured';
  expect(streamMessageLength(b)).toBe(b.length);
  expect(decodeMessage(decodeCompress(b))).toEqual({ type: 'err', body: { error } });
  expect(hex(encodeCompress(encodeErr({ error })))).toBe(hex(b));
};
checks['accepted_js_tcp_pushpull_response'] = (b) => {
  const pp: PushPull = {
    join: true,
    states: [state('js-node', 18008, 'role=js'), state('go-node', 17008, 'role=go')],
    userState: text('js-user-state join=true'),
  };
  expect(streamMessageLength(b)).toBe(b.length);
  expect(decodePushPull(b)).toEqual(pp);
  expect(hex(encodePushPull(pp))).toBe(hex(b));
};
checks['accepted_js_tcp_user_msg'] = (b) => {
  expect(streamMessageLength(b)).toBe(b.length);
  expect(decodeUserStream(b)).toEqual(text('hello-tcp'));
  expect(hex(encodeUserStream(text('hello-tcp')))).toBe(hex(b));
};

describe('memberlist test vectors', () => {
  it('given the fixture, then every vector has a check and every check has a vector', () => {
    expect(vectors.length).toBe(47);
    expect(Object.keys(checks).sort()).toEqual(vectors.map((v) => v.name).sort());
  });

  for (const v of vectors) {
    it(`given vector ${v.name} (${v.description.slice(0, 70)}), when decoded and re-encoded, then fields and bytes match`, () => {
      const check = checks[v.name];
      expect(check, `no check for ${v.name}`).toBeDefined();
      check!(bytes(v.name));
    });
  }

  const shared = join(here, '../../../../shared/protocol/vectors.json');
  it.runIf(existsSync(shared))('given the shared protocol directory beside the repo, then the fixture is identical to it', () => {
    expect(readFileSync(fixturePath, 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});
