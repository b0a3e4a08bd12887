// Receiver side of the UDP bench, in its own thread so sending and receiving run in parallel like Go's
// goroutines. Starts a UdpTcpTransport on 127.0.0.1:0, counts packets, reports on request.
import { parentPort } from 'node:worker_threads';
import { UdpTcpTransport } from '../dist/index.js';

const transport = new UdpTcpTransport({ bindAddress: '127.0.0.1' });
let received = 0;
let first = 0;
let last = 0;
await transport.start({
  onPacket: () => {
    const now = performance.now();
    if (received++ === 0) first = now;
    last = now;
  },
  onStream: (stream) => stream.destroy(),
});
parentPort.postMessage({ type: 'ready', port: transport.port });
parentPort.on('message', async (message) => {
  if (message === 'report') {
    parentPort.postMessage({ type: 'report', received, recvSeconds: (last - first) / 1000 });
  } else if (message === 'stop') {
    await transport.shutdown();
    parentPort.close();
  }
});
