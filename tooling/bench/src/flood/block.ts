/**
 * `pnpm flood block`: the worst event-loop block one inbound datagram or stream can cause, per message type and
 * per compression bomb shape (issue #12 item 1: no single one above 20 ms).
 *
 * Datagrams: each hostile datagram is handed to a live victim's packet handler exactly as the transport would
 * (same code path, timed synchronously around the handler), `ROUNDS` times with fresh content. Streams: each frame
 * is written to the victim over real loopback TCP, and the event loop's longest stall while it is served is read
 * from `monitorEventLoopDelay`. Each row also gives the worst block less the time the thread waited for a CPU
 * (`own`, see `RunQueueWait`): on a shared machine the wall time includes other processes' turns.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Keyring, MetricNames, encodeCompress, encodePing, encodePushPull, encodeUserStream, encryptPacket, encryptStreamFrame, ipToBytes } from 'gossip';
import { type MessageKind, MESSAGE_TYPES, bombShapes, largestDatagram } from './craft.js';
import { RunQueueWait } from './run-queue.js';
import { StreamAttacker } from './stream-attacker.js';
import { type Victim, startVictim } from './victim.js';

const ROUNDS = Number(process.env.FLOOD_ROUNDS ?? 5);
/** `FLOOD_BLOCK=streams` measures only the stream frames (`datagrams`: only the datagrams). */
const PART = process.env.FLOOD_BLOCK ?? 'all';
/** `FLOOD_SHAPES=<regexp>` keeps only the stream frames whose name matches. */
const SHAPES = new RegExp(process.env.FLOOD_SHAPES ?? '');

/** One measured row. */
export interface BlockRow {
  readonly input: string;
  readonly bytes: number;
  readonly messages: number;
  readonly worstMs: number;
  readonly medianMs: number;
  /** Median process CPU time (ms) per input: the block without the waits a loaded machine adds (datagrams only). */
  readonly medianCpuMs?: number;
  /**
   * The worst block less the time the event-loop thread waited, runnable, for a CPU meanwhile (`RunQueueWait`):
   * what the input itself held the loop for (our work and the collector's pauses), without the share a busy
   * machine adds. Streams: the longest gap between two ticks of a 1 ms timer, less the wait inside it (so it
   * includes up to 1 ms of the timer's own period).
   */
  readonly worstOwnMs?: number;
  /** Streams: event-loop turns the victim split the frame into (its yields + 1), median over the rounds. */
  readonly turns?: number;
  /** Streams: median process CPU time (ms) while a frame was sent and served, and per turn. */
  readonly cpuMs?: number;
  /**
   * Streams: the most process CPU time (ms) spent between two ticks of a 1 ms timer while the frame was served,
   * worst over the rounds: an upper bound of the longest turn's own work that a loaded machine does not inflate
   * (wall time does, by the waits for a CPU).
   */
  readonly worstTurnCpuMs?: number;
}

/** Process CPU time in ms. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Ticks a 1 ms interval timer and keeps, between two ticks, the most process CPU time spent (see
 * `BlockRow.worstTurnCpuMs`) and the longest gap less the thread's run-queue wait (`BlockRow.worstOwnMs`).
 */
class TurnMeter {
  maxCpu = 0;
  maxOwn = 0;
  private readonly wait = new RunQueueWait();
  private lastCpu = cpuNow();
  private lastAt = performance.now();
  private lastWait = this.wait.ms();
  private readonly timer = setInterval(() => {
    const cpu = cpuNow();
    const at = performance.now();
    const wait = this.wait.ms();
    this.maxCpu = Math.max(this.maxCpu, cpu - this.lastCpu);
    this.maxOwn = Math.max(this.maxOwn, at - this.lastAt - (wait - this.lastWait));
    this.lastCpu = cpu;
    this.lastAt = at;
    this.lastWait = wait;
  }, 1);

  reset(): void {
    this.lastCpu = cpuNow();
    this.lastAt = performance.now();
    this.lastWait = this.wait.ms();
    this.maxCpu = 0;
    this.maxOwn = 0;
  }

  stop(): void {
    clearInterval(this.timer);
    this.wait.close();
  }
}

/** The victim's count of turns given up to stepped stream work (0 on a build without it). */
function yieldsOf(victim: Victim): number {
  const key = (MetricNames as Record<string, readonly string[] | undefined>).streamYields;
  return key === undefined ? 0 : victim.metrics.counter(key);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function datagramRows(victim: Victim, from: string, key: Uint8Array | undefined): Promise<BlockRow[]> {
  const rows: BlockRow[] = [];
  const seal = (p: Uint8Array): Uint8Array => (key === undefined ? p : encryptPacket(new Keyring([key]), p, { version: 1 }));
  const suffix = key === undefined ? '' : ' (encrypted)';
  for (const compress of [false, true]) {
    for (const kind of Object.keys(MESSAGE_TYPES) as MessageKind[]) {
      const times: number[] = [];
      const own: number[] = [];
      const cpu: number[] = [];
      let bytes = 0;
      let messages = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const { packet, count } = largestDatagram(kind, victim.node.localNode().name, compress, r * 100_000);
        const data = seal(packet);
        bytes = data.length;
        messages = count;
        times.push(victim.timing.deliver({ data, from, receivedAt: performance.now() }, true));
        own.push(victim.timing.lastOwn);
        cpu.push(victim.timing.lastCpu);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      rows.push({
        input: `${kind} ×${messages}${compress ? ', compressed' : ''}${suffix}`,
        bytes,
        messages,
        worstMs: Math.max(...times),
        medianMs: median(times),
        medianCpuMs: median(cpu),
        worstOwnMs: Math.max(...own),
      });
    }
  }
  for (const [name, packet] of Object.entries(bombShapes())) {
    const times: number[] = [];
    const own: number[] = [];
    const cpu: number[] = [];
    const data = seal(packet);
    for (let r = 0; r < ROUNDS; r++) {
      times.push(victim.timing.deliver({ data, from, receivedAt: performance.now() }, true));
      own.push(victim.timing.lastOwn);
      cpu.push(victim.timing.lastCpu);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    rows.push({
      input: `${name}${suffix}`,
      bytes: data.length,
      messages: 0,
      worstMs: Math.max(...times),
      medianMs: median(times),
      medianCpuMs: median(cpu),
      worstOwnMs: Math.max(...own),
    });
  }
  return rows;
}

/** Writes `frame` on a fresh connection to `address` and waits until the victim closes it (or 10 s). */
export function sendStream(address: string, frame: Uint8Array): Promise<void> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, 10_000);
    socket.on('error', done);
    socket.on('close', done);
    socket.on('data', () => undefined);
    socket.write(frame, () => socket.end());
  });
}

function pushPullFrame(nodes: number, first: number, userState: number): Uint8Array {
  const states = Array.from({ length: nodes }, (_, i) => ({
    name: `pp-${first + i}`,
    addr: ipToBytes('127.0.0.1'),
    port: 9,
    meta: null,
    incarnation: 1,
    state: 0,
    vsn: Uint8Array.of(1, 5, 2, 0, 0, 0),
  }));
  return encodePushPull({ join: false, states, userState: new Uint8Array(userState) });
}

/** The large stream frames of issue #12, each built fresh per round `r` (new node names: a real merge each time). */
export function streamShapes(): Record<string, (r: number) => Uint8Array> {
  return {
    'stream ping': () => encodePing({ seqNo: 1, node: '' }),
    'stream user message 10 MiB': () => encodeUserStream(new Uint8Array(10 << 20)),
    'push/pull 1,000 nodes': (r) => pushPullFrame(1000, r * 1000, 0),
    'push/pull 10,000 nodes': (r) => pushPullFrame(10_000, 1_000_000 + r * 10_000, 0),
    'push/pull 10,000 nodes, compressed': (r) => encodeCompress(pushPullFrame(10_000, 3_000_000 + r * 10_000, 0)),
    'push/pull, 10 MiB user state': (r) => pushPullFrame(1, 2_000_000 + r, 10 << 20),
    'stream bomb: compressed 30 MiB user message': () => encodeCompress(encodeUserStream(new Uint8Array(30 << 20))),
  };
}

/** Large frames for an encrypted victim (plain frames are refused there): AES-GCM over the whole frame. */
export function encryptedShapes(key: Uint8Array): Record<string, (r: number) => Uint8Array> {
  const seal = (msg: Uint8Array): Uint8Array => encryptStreamFrame(new Keyring([key]), msg);
  return {
    'push/pull 10,000 nodes (encrypted)': (r) => seal(pushPullFrame(10_000, 4_000_000 + r * 10_000, 0)),
    'push/pull, 10 MiB user state (encrypted)': (r) => seal(pushPullFrame(1, 5_000_000 + r, 10 << 20)),
    'push/pull 10,000 nodes (compressed, encrypted)': (r) => seal(encodeCompress(pushPullFrame(10_000, 6_000_000 + r * 10_000, 0))),
  };
}

/**
 * Sends each frame on its own connection and reads the longest event-loop stall while the victim serves it: with a
 * 1 ms resolution, the histogram's maximum is the longest single turn. The frames of the shapes named (see
 * {@link streamShapes}, {@link encryptedShapes} with `key`) are built and sent by an attacker in a process of its
 * own, so neither its CPU nor its garbage lands in the victim's turns. Each shape gets a fresh victim, so its reply
 * (our whole node list) holds only what that shape's earlier rounds added, not every earlier shape's nodes too.
 */
async function streamRows(start: () => Promise<Victim>, names: readonly string[], attacker: StreamAttacker, key?: Uint8Array): Promise<BlockRow[]> {
  const rows: BlockRow[] = [];
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const meter = new TurnMeter();
  for (const name of names) {
    if (!SHAPES.test(name)) continue;
    const victim = await start();
    const times: number[] = [];
    const turns: number[] = [];
    const cpu: number[] = [];
    const turnCpus: number[] = [];
    const owns: number[] = [];
    let bytes = 0;
    const rounds = Math.min(ROUNDS, 3);
    for (let r = 0; r < rounds; r++) {
      // The attacker builds the frame first, in its own process (its garbage is not the victim's), then sends it.
      await attacker.prepare(name, r, key);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const yields = yieldsOf(victim);
      const cpu0 = process.cpuUsage();
      h.reset();
      meter.reset();
      bytes = await attacker.send(victim.address);
      // The victim may still be working in steps after the connection closed (our end closes after writing):
      // wait until it has given up no turn for 50 ms.
      for (let seen = -1; seen !== yieldsOf(victim); ) {
        seen = yieldsOf(victim);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      times.push(h.max / 1e6);
      turnCpus.push(meter.maxCpu);
      owns.push(meter.maxOwn);
      const used = process.cpuUsage(cpu0);
      cpu.push((used.user + used.system) / 1000);
      turns.push(yieldsOf(victim) - yields + 1);
    }
    await victim.node.shutdown();
    rows.push({ input: name, bytes, messages: 0, worstMs: Math.max(...times), medianMs: median(times), turns: median(turns), cpuMs: median(cpu), worstTurnCpuMs: Math.max(...turnCpus), worstOwnMs: Math.max(...owns) });
  }
  meter.stop();
  h.disable();
  return rows;
}

/** Runs every measurement and returns the rows. */
export async function measureBlocks(log: (line: string) => void): Promise<BlockRow[]> {
  const sink = createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  sink.on('message', () => undefined);
  const from = `127.0.0.1:${sink.address().port}`;
  const rows: BlockRow[] = [];
  const attacker = new StreamAttacker();
  const plain = await startVictim('victim-plain');
  try {
    if (PART !== 'streams') rows.push(...(await datagramRows(plain, from, undefined)));
    if (PART !== 'datagrams') rows.push(...(await streamRows(() => startVictim('victim-streams'), Object.keys(streamShapes()), attacker)));
  } finally {
    await plain.node.shutdown();
  }
  const key = new Uint8Array(32).fill(7);
  const enc = await startVictim('victim-encrypted', { keys: [key] });
  try {
    if (PART !== 'streams') rows.push(...(await datagramRows(enc, from, key)).filter((r) => r.input.startsWith('bomb')));
    if (PART !== 'datagrams') rows.push(...(await streamRows(() => startVictim('victim-streams-encrypted', { keys: [key] }), Object.keys(encryptedShapes(key)), attacker, key)));
  } finally {
    await enc.node.shutdown();
    attacker.close();
  }
  sink.close();
  for (const r of rows) {
    const cpu =
      r.medianCpuMs !== undefined
        ? `  cpu ${r.medianCpuMs.toFixed(2).padStart(7)} ms`
        : r.cpuMs !== undefined && r.turns !== undefined
          ? `  cpu ${r.cpuMs.toFixed(1).padStart(7)} ms in ${String(r.turns).padStart(4)} turns, worst turn ≤ ${(r.worstTurnCpuMs ?? 0).toFixed(1).padStart(6)} ms cpu`
          : '';
    const own = r.worstOwnMs === undefined ? '' : `  own ${r.worstOwnMs.toFixed(2).padStart(6)} ms`;
    log(`${r.input.padEnd(48)} ${String(r.bytes).padStart(9)} B  worst ${r.worstMs.toFixed(2).padStart(8)} ms${own}  median ${r.medianMs.toFixed(2).padStart(8)} ms${cpu}`);
  }
  return rows;
}
