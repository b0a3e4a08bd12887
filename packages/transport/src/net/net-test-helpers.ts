import { createSocket } from 'node:dgram';
import type { Logger } from '../logger.js';
import type { InboundPacket, Stream } from '../transport.js';
import { UdpTcpTransport, type UdpTcpTransportOptions } from './udp-tcp-transport.js';

/** A started transport that records its inbound traffic and log lines (test helper). */
export interface Node {
  readonly transport: UdpTcpTransport;
  readonly address: string;
  readonly packets: InboundPacket[];
  readonly streams: Stream[];
  readonly logs: string[];
}

/** Starts a transport on loopback with a recording logger (test helper). */
export async function startNode(options: UdpTcpTransportOptions = {}): Promise<Node> {
  const logs: string[] = [];
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (_f, m) => logs.push(m), error: (_f, m) => logs.push(m) };
  const transport = new UdpTcpTransport({ bindAddress: '127.0.0.1', logger, ...options });
  const packets: InboundPacket[] = [];
  const streams: Stream[] = [];
  await transport.start({ onPacket: (p) => packets.push(p), onStream: (s) => streams.push(s) });
  const { ip, port } = transport.advertiseAddress();
  return { transport, address: ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`, packets, streams, logs };
}

/** Reads until `n` bytes have arrived (test helper). */
export async function readExactly(stream: Stream, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let off = 0;
  while (off < n) {
    const chunk = await stream.read();
    if (chunk === null) throw new Error(`EOF after ${off} of ${n} bytes`);
    out.set(chunk.subarray(0, n - off), off);
    off += chunk.length;
  }
  return out;
}

/** Whether this machine can bind ::1 (IPv6 loopback). */
export async function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp6');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind({ address: '::1', port: 0 }, () => s.close(() => resolve(true)));
  });
}

/** Counts of libuv handle types now alive (UDP, TCP listeners, TCP sockets). */
export function socketHandles(): Record<string, number> {
  const counts: Record<string, number> = { UDPWRAP: 0, TCPSERVERWRAP: 0, TCPSOCKETWRAP: 0 };
  for (const r of process.getActiveResourcesInfo()) {
    const key = r.toUpperCase();
    if (key in counts) counts[key]!++;
  }
  return counts;
}
