/**
 * `pnpm flood bombs`: a victim in a live 3-node cluster (LAN preset, loopback, all in this process, so a blocked
 * event loop stalls the healthy peers as much as the victim) receives `FLOOD_BOMB_KBPS` (200) KB/s of compression
 * bomb datagrams of every shape for `FLOOD_SECONDS` (60) s. Target: no peer ever suspects the victim.
 */
import { createSocket } from 'node:dgram';
import { bombShapes } from './craft.js';
import { type Victim, startVictim } from './victim.js';

/** What the bomb flood measured. */
export interface BombFloodResult {
  readonly seconds: number;
  readonly datagramsSent: number;
  readonly bytesSent: number;
  readonly droppedTooLarge: number;
  /** Times a healthy peer marked the victim suspect (target 0). */
  readonly victimSuspected: number;
  readonly victimDeclaredDead: number;
  /** Longest synchronous handling of one datagram by the victim (ms). */
  readonly worstDatagramMs: number;
  /** Mean synchronous handling time (wall, ms) of datagrams over 4 KiB: the bombs. */
  readonly meanDatagramMs: number;
  /** Process CPU (ms) per bomb datagram while it was handled (user + system, all threads). */
  readonly cpuPerBombMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the flood and returns its figures. */
export async function bombFlood(log: (line: string) => void): Promise<BombFloodResult> {
  const seconds = Number(process.env.FLOOD_SECONDS ?? 60);
  const kbps = Number(process.env.FLOOD_BOMB_KBPS ?? 200);
  const victim = await startVictim('victim');
  const peers: Victim[] = [await startVictim('peer-1'), await startVictim('peer-2')];
  let suspected = 0;
  let dead = 0;
  for (const p of peers) {
    p.node.on('suspect', (e) => {
      if (e.member.name === 'victim') suspected++;
    });
    p.node.on('leave', (e) => {
      if (e.member.name === 'victim') dead++;
    });
    await p.node.join([victim.address]);
  }
  await sleep(2000);
  const shapes = Object.values(bombShapes());
  const attacker = createSocket('udp4');
  await new Promise<void>((resolve) => attacker.bind(0, '127.0.0.1', resolve));
  const [host, port] = [victim.address.split(':')[0]!, Number(victim.address.split(':')[1])];
  let sent = 0;
  let bytes = 0;
  const t0 = performance.now();
  const stepMs = 50;
  log(`bombs: ${kbps} KB/s for ${seconds} s at ${victim.address} (${shapes.map((s) => s.length).join(', ')} B shapes)`);
  while (performance.now() - t0 < seconds * 1000) {
    const due = ((performance.now() - t0) / 1000) * kbps * 1000;
    while (bytes < due) {
      const bomb = shapes[sent % shapes.length]!;
      attacker.send(bomb, port, host);
      bytes += bomb.length;
      sent++;
    }
    await sleep(stepMs);
  }
  await sleep(3000);
  const dropped = victim.metrics.counter(['gossip', 'packet', 'dropped'], { code: 'ERR_TOO_LARGE' });
  const result: BombFloodResult = {
    seconds,
    datagramsSent: sent,
    bytesSent: bytes,
    droppedTooLarge: dropped,
    victimSuspected: suspected,
    victimDeclaredDead: dead,
    worstDatagramMs: victim.timing.max,
    meanDatagramMs: victim.timing.largeTotal / Math.max(1, victim.timing.largeCount),
    cpuPerBombMs: victim.timing.largeCpu / Math.max(1, victim.timing.largeCount),
  };
  log(`bombs: ${JSON.stringify(result)}`);
  attacker.close();
  for (const n of [victim, ...peers]) await n.node.shutdown();
  return result;
}
