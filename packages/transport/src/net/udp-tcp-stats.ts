/** Counters kept by a `UdpTcpTransport`. */
export interface UdpTcpStats {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  /** Inbound datagrams dropped: empty (memberlist ignores them too) or larger than `maxPacketSize`. */
  packetsDropped: { empty: number; tooLarge: number };
  /** Datagrams the kernel refused to send. */
  sendErrors: number;
  streamsAccepted: number;
  streamsDialed: number;
  dialFailures: number;
  /** Inbound streams reset for exceeding `maxStreamFrame`. */
  streamsTooLarge: number;
}

/** Fresh zeroed counters. */
export function emptyUdpTcpStats(): UdpTcpStats {
  return {
    packetsSent: 0,
    bytesSent: 0,
    packetsReceived: 0,
    bytesReceived: 0,
    packetsDropped: { empty: 0, tooLarge: 0 },
    sendErrors: 0,
    streamsAccepted: 0,
    streamsDialed: 0,
    dialFailures: 0,
    streamsTooLarge: 0,
  };
}
