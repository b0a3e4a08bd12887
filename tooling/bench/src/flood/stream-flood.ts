/**
 * `pnpm flood streams`: a victim in a 2-node cluster (LAN preset, loopback) is held under a stream flood from
 * other loopback addresses — `FLOOD_TRICKLERS` (200) connections trickling a push/pull header one byte at a time
 * and `FLOOD_IDLE` (1,000) connections that send nothing, each reopened as soon as the victim closes it — then
 * `FLOOD_BIG` (24) connections pushing 20 MiB user messages at once. Meanwhile a new node joins through the
 * victim, and the existing peer runs its periodic push/pulls with it. Targets: the join and the push/pulls
 * succeed; memory stays bounded (the victim's inbound streams never buffer more than `maxInboundStreamBytes`).
 */
import { type Socket, connect } from 'node:net';
import { encodePushPull, encodeUserStream, ipToBytes } from 'gossip';
import { startVictim } from './victim.js';

/** What the stream flood measured. */
export interface StreamFloodResult {
  readonly seconds: number;
  readonly connectionsOpened: number;
  /** Whether the new node's join through the victim succeeded, and how long it took (ms). */
  readonly joinOk: boolean;
  readonly joinMs: number;
  /** Push/pulls the existing peer completed with the victim during the flood. */
  readonly pushPullsDone: number;
  readonly refused: Record<string, number>;
  readonly droppedTimeout: number;
  /** Peak resident set of this process (victim, peer and attacker together), MiB, and at the start. */
  readonly rssStartMiB: number;
  readonly rssPeakMiB: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the flood and returns its figures. */
export async function streamFlood(log: (line: string) => void): Promise<StreamFloodResult> {
  const seconds = Number(process.env.FLOOD_SECONDS ?? 20);
  const tricklers = Number(process.env.FLOOD_TRICKLERS ?? 200);
  const idle = Number(process.env.FLOOD_IDLE ?? 1000);
  const bigCount = Number(process.env.FLOOD_BIG ?? 24);
  // FLOOD_VICTIM_MAX_BYTES raises the victim's maxInboundStreamBytes, to compare with the cap out of the way.
  const cap = process.env.FLOOD_VICTIM_MAX_BYTES;
  const victim = await startVictim('victim', cap === undefined ? {} : { maxInboundStreamBytes: Number(cap) });
  const peer = await startVictim('peer', { pushPullIntervalMs: 1000 });
  await peer.node.join([victim.address]);
  const port = Number(victim.address.split(':')[1]);
  const header = encodePushPull({
    join: false,
    states: [{ name: 'x', addr: ipToBytes('127.0.0.1'), port: 9, meta: null, incarnation: 1, state: 0, vsn: Uint8Array.of(1, 5, 2, 0, 0, 0) }],
    userState: new Uint8Array(0),
  });
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  let opened = 0;
  let stopping = false;
  const sockets = new Set<Socket>();
  // Attackers use 127.0.0.2-127.0.0.41 (never the honest nodes' 127.0.0.1), a few dozen connections per address.
  const open = (i: number, onConnect: (s: Socket) => void): void => {
    if (stopping) return;
    const s = connect({ host: '127.0.0.1', port, localAddress: `127.0.0.${2 + (i % 40)}` });
    opened++;
    sockets.add(s);
    s.on('connect', () => onConnect(s));
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => {
      sockets.delete(s);
      setTimeout(() => open(i, onConnect), 50); // reopen: the flood is sustained
    });
  };
  for (let i = 0; i < idle; i++) open(i, () => undefined);
  for (let i = 0; i < tricklers; i++) {
    open(i, (s) => {
      let at = 0;
      const tick = (): void => {
        if (s.destroyed || at >= header.length - 1) return;
        s.write(header.subarray(at, at + 1));
        at++;
        setTimeout(tick, 500);
      };
      tick();
    });
  }
  log(`streams: ${tricklers} tricklers + ${idle} idle connections at ${victim.address} for ${seconds} s`);
  const memTimer = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  await sleep(3000);
  const ppBefore = peer.metrics.sample(['memberlist', 'pushPullNode'])?.count ?? 0;
  const joiner = await startVictim('joiner');
  const t0 = performance.now();
  let joinOk = false;
  try {
    joinOk = (await joiner.node.join([victim.address])) > 0;
  } catch (err) {
    log(`streams: join failed: ${String(err)}`);
  }
  const joinMs = performance.now() - t0;
  // 20 MiB user messages pushed at once: without a total cap they would all be buffered together.
  const big = encodeUserStream(new Uint8Array(20 << 20));
  for (let i = 0; i < bigCount; i++) {
    const s = connect({ host: '127.0.0.1', port, localAddress: `127.0.0.${50 + (i % 8)}` });
    opened++;
    s.on('error', () => undefined);
    s.on('connect', () => s.end(big));
  }
  await sleep(Math.max(0, seconds * 1000 - 3000));
  const pushPullsDone = (peer.metrics.sample(['memberlist', 'pushPullNode'])?.count ?? 0) - ppBefore;
  stopping = true;
  clearInterval(memTimer);
  for (const s of sockets) s.destroy();
  const refused: Record<string, number> = {};
  for (const limit of ['per_source', 'buffered_bytes', 'push_pull_slots']) {
    refused[limit] = victim.metrics.counter(['gossip', 'stream', 'refused'], { limit });
  }
  const result: StreamFloodResult = {
    seconds,
    connectionsOpened: opened,
    joinOk,
    joinMs,
    pushPullsDone,
    refused,
    droppedTimeout: victim.metrics.counter(['gossip', 'stream', 'dropped'], { code: 'ERR_TIMEOUT' }),
    rssStartMiB: rssStart / 2 ** 20,
    rssPeakMiB: rssPeak / 2 ** 20,
  };
  log(`streams: ${JSON.stringify(result)}`);
  for (const n of [joiner, peer, victim]) await n.node.shutdown();
  return result;
}
