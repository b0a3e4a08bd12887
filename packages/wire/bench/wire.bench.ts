/**
 * `pnpm bench`: encode+decode throughput of @gossip/wire beside the same work done by Go memberlist's code paths
 * (go-msgpack with a fresh zero-value MsgpackHandle per message, compound framing, compress/lzw), measured in
 * the same run on the same inputs. Prints a table and writes bench-results/wire.json at the repo root.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeCompound,
  decodeMessage,
  encodeAck,
  encodeAlive,
  encodeCompound,
  encodePing,
  encodePushPull,
  ipToBytes,
  lzwCompress,
  lzwDecompress,
  makeVsn,
} from '../src/index.js';
import type { AckResp, Alive, Ping, PushNodeState } from '../src/index.js';
import { runGoBench } from '../test/support/wire-check.js';

const DURATION_MS = Number(process.env.GOSSIP_BENCH_MS ?? 250);
/** TS and Go are measured in alternating rounds and the best round of each kept, so load spikes on a shared
 * machine hit both sides alike instead of whichever happened to run during the spike. */
const ROUNDS = Number(process.env.GOSSIP_BENCH_ROUNDS ?? 3);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const b64 = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('base64'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const ping: Ping = { seqNo: 42, node: 'node-b', sourceAddr: ipToBytes('127.0.0.1'), sourcePort: 7946, sourceNode: 'node-a' };
const ack: AckResp = { seqNo: 42, payload: null };
const alive: Alive = {
  incarnation: 70000,
  node: 'node-a',
  addr: ipToBytes('10.0.0.1'),
  port: 8301,
  meta: new TextEncoder().encode('role=web'),
  vsn: makeVsn({ pcur: 4, dmin: 2, dmax: 5, dcur: 4 }),
};
const compoundParts = Array.from({ length: 20 }, (_, i) => encodeAlive({ ...alive, node: `node-${i}`, incarnation: i + 1 }));

/** Push/pull bytes of a cluster with varied names and metadata: what streams compress in practice. */
function clusterState(size: number): Uint8Array {
  const states: PushNodeState[] = [];
  for (let i = 0; states.length * 60 < size * 1.2; i++) {
    states.push({
      name: `host-${(i * 7919) % 100_003}.dc${i % 3}.example`,
      addr: new Uint8Array([10, (i >> 16) & 255, (i >> 8) & 255, i & 255]),
      port: 7946 + (i % 5),
      meta: new TextEncoder().encode(`role=${['web', 'db', 'cache'][i % 3]};zone=${i % 7}`),
      incarnation: (i * 2654435761) >>> 20,
      state: i % 4,
      vsn: makeVsn(),
    });
  }
  return encodePushPull({ join: false, states, userState: new Uint8Array(0) }).slice(0, size);
}
const lzwInputs: Record<string, Uint8Array> = { '1k': clusterState(1024), '64k': clusterState(64 * 1024) };

/** Runs `fn` for about DURATION_MS after a warm-up and returns nanoseconds per call. */
function measure(fn: () => void): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < DURATION_MS) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1e6) / n;
}

let sink = 0;
function measureTs(): Record<string, number> {
  const out: Record<string, number> = {
    ping: measure(() => {
      sink += decodeMessage(encodePing(ping)).type.length;
    }),
    ack: measure(() => {
      sink += decodeMessage(encodeAck(ack)).type.length;
    }),
    alive: measure(() => {
      sink += decodeMessage(encodeAlive(alive)).type.length;
    }),
    compound: measure(() => {
      sink += decodeCompound(encodeCompound(compoundParts)[0]!).parts.length;
    }),
  };
  for (const [name, data] of Object.entries(lzwInputs)) {
    out[`lzw_${name}`] = measure(() => {
      sink += lzwDecompress(lzwCompress(data)).length;
    });
  }
  return out;
}

const goConfig = {
  durationMs: DURATION_MS,
  ping: { SeqNo: ping.seqNo, Node: ping.node, SourceAddr: b64(ping.sourceAddr!), SourcePort: ping.sourcePort, SourceNode: ping.sourceNode },
  ack: { SeqNo: ack.seqNo, Payload: null },
  alive: { Incarnation: alive.incarnation, Node: alive.node, Addr: b64(alive.addr), Port: alive.port, Meta: b64(alive.meta), Vsn: b64(alive.vsn) },
  compoundParts: compoundParts.map(hex),
  lzw: Object.fromEntries(Object.entries(lzwInputs).map(([k, v]) => [k, hex(v)])),
};

const best = (into: Record<string, number>, round: Record<string, number>): void => {
  for (const [k, v] of Object.entries(round)) into[k] = Math.min(into[k] ?? Infinity, v);
};
const ts: Record<string, number> = {};
const go: Record<string, number> = {};
for (let r = 0; r < ROUNDS; r++) {
  best(ts, measureTs());
  best(go, await runGoBench(goConfig));
}

interface Row {
  case: string;
  what: string;
  tsNsPerOp: number;
  goNsPerOp: number;
  /** TS throughput / Go throughput (> 1 means TS is faster). */
  ratio: number;
  tsThroughput: string;
  goThroughput: string;
  target: number;
  met: boolean;
}
const cases: [string, string, number, number | undefined][] = [
  ['ping', 'encode+decode ping (69 B)', 2, undefined],
  ['ack', 'encode+decode ack (18 B)', 2, undefined],
  ['alive', 'encode+decode alive (74 B)', 2, undefined],
  ['compound', 'build+split 20-part compound', 1, undefined],
  ['lzw_1k', 'LZW compress+decompress 1 kB', 1, 1024],
  ['lzw_64k', 'LZW compress+decompress 64 kB', 1, 64 * 1024],
];
const fmt = (ns: number, bytes: number | undefined): string =>
  bytes === undefined ? `${(1e9 / ns / 1e6).toFixed(2)} M msg/s` : `${((bytes / ns) * 1e3).toFixed(1)} MB/s`;
const rows: Row[] = cases.map(([name, what, target, bytes]) => {
  const t = ts[name]!;
  const g = go[name]!;
  return {
    case: name,
    what,
    tsNsPerOp: Math.round(t),
    goNsPerOp: Math.round(g),
    ratio: Number((g / t).toFixed(2)),
    tsThroughput: fmt(t, bytes),
    goThroughput: fmt(g, bytes),
    target,
    met: g / t >= target,
  };
});

const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
console.log(line(['case', 'TS ns/op', 'Go ns/op', 'TS', 'Go', 'TS/Go', 'target', 'met']));
console.log(line(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
for (const r of rows) {
  console.log(
    line([r.what, String(r.tsNsPerOp), String(r.goNsPerOp), r.tsThroughput, r.goThroughput, `${r.ratio}×`, `≥ ${r.target}×`, r.met ? 'yes' : 'NO']),
  );
}

const outDir = join(repoRoot, 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'wire.json'),
  `${JSON.stringify({ package: '@gossip/wire', date: new Date().toISOString(), node: process.version, durationMs: DURATION_MS, rounds: ROUNDS, method: 'best of alternating TS/Go rounds', rows }, null, 2)}\n`,
);
console.log(`\nwrote ${join(outDir, 'wire.json')}${sink < 0 ? '' : ''}`);
