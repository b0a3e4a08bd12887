import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { TransportError } from '../transport.js';
import { fromSystemError } from './system-errors.js';

/** A UDP socket and a TCP listener sharing one port number, as memberlist requires. */
export interface BoundSockets {
  readonly udp: UdpSocket;
  readonly tcp: Server;
  readonly port: number;
}

/** How many kernel-picked ports to try before giving up when `port` is 0. */
const AUTO_PORT_ATTEMPTS = 20;
/** memberlist's udpRecvBufSize: large, so bursts of gossip are not dropped by the kernel. */
const UDP_RECV_BUFFER = 2 * 1024 * 1024;

/**
 * Accept-queue length asked of the kernel, which caps it at `net.core.somaxconn` (what Go's `net.Listen` uses).
 * Node's default of 511 is too short for a seed in a join storm: once a thousand joiners connect at once the
 * kernel drops their SYNs, and each dropped one retries only after 1, 3, 7 s, so joins time out although the
 * seed would have served them.
 */
const TCP_BACKLOG = 65_535;

function listenTcp(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true });
    server.once('error', reject);
    server.listen({ host, port, exclusive: true, backlog: TCP_BACKLOG }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function bindUdp(host: string, port: number, family: 4 | 6): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr: false });
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Grows the receive buffer as far as the kernel allows, halving from 2 MiB like memberlist's setUDPRecvBuf. */
function growReceiveBuffer(socket: UdpSocket): void {
  for (let size = UDP_RECV_BUFFER; size >= 64 * 1024; size >>= 1) {
    try {
      socket.setRecvBufferSize(size);
      return;
    } catch {
      // try a smaller size
    }
  }
}

/**
 * Binds TCP then UDP on the same port. With port 0 the kernel picks the TCP port and UDP tries the same
 * number; if UDP finds it taken, both are released and another pick is tried.
 */
export async function bindBoth(host: string, port: number, family: 4 | 6): Promise<BoundSockets> {
  const attempts = port === 0 ? AUTO_PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    let tcp: Server;
    try {
      tcp = await listenTcp(host, port);
    } catch (error) {
      throw fromSystemError(error, `cannot listen on TCP ${host}:${port}`);
    }
    const address = tcp.address();
    const chosen = typeof address === 'object' && address !== null ? address.port : port;
    try {
      const udp = await bindUdp(host, chosen, family);
      growReceiveBuffer(udp);
      return { udp, tcp, port: chosen };
    } catch (error) {
      lastError = error;
      await closeServer(tcp);
      if ((error as { code?: string }).code !== 'EADDRINUSE' || port !== 0) break;
    }
  }
  const failure = fromSystemError(lastError, `cannot bind UDP ${host}:${port} beside TCP`);
  throw failure.code === 'ERR_BIND' ? failure : new TransportError('ERR_BIND', failure.message, { cause: lastError });
}
