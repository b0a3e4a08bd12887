/** Why the in-memory network dropped a packet. */
export type PacketDropReason =
  /** Random loss on the link. */
  | 'loss'
  /** The sender and receiver are on different sides of a partition. */
  | 'partition'
  /** The sender or the receiver is crashed. */
  | 'crashed'
  /** No started endpoint listens at the destination. */
  | 'unreachable';

/** Counters kept by a {@link MemoryNetwork}. */
export interface MemoryNetworkStats {
  /** Packets accepted by `sendPacket` (each duplicate counts once here, once more when delivered). */
  packetsSent: number;
  packetsDelivered: number;
  bytesSent: number;
  bytesDelivered: number;
  /** Extra copies created by the duplication fault. */
  packetsDuplicated: number;
  /** Packets held back by the reordering fault. */
  packetsReordered: number;
  /** Packets refused by `sendPacket` because they exceed the endpoint's `maxPacketSize`. */
  packetsTooLarge: number;
  packetsDropped: Record<PacketDropReason, number>;
  streamsOpened: number;
  streamsRefused: number;
  streamsTimedOut: number;
  /** Bytes written into streams. */
  streamBytes: number;
  /** Stream segments and SYNs lost to loss or a partition, each costing a retransmission timeout. */
  streamSegmentsLost: number;
}

/** Fresh zeroed counters. */
export function emptyStats(): MemoryNetworkStats {
  return {
    packetsSent: 0,
    packetsDelivered: 0,
    bytesSent: 0,
    bytesDelivered: 0,
    packetsDuplicated: 0,
    packetsReordered: 0,
    packetsTooLarge: 0,
    packetsDropped: { loss: 0, partition: 0, crashed: 0, unreachable: 0 },
    streamsOpened: 0,
    streamsRefused: 0,
    streamsTimedOut: 0,
    streamBytes: 0,
    streamSegmentsLost: 0,
  };
}

/** One observable network event, for traces (`MemoryNetworkOptions.onEvent`). */
export type NetworkEvent =
  | { readonly type: 'packet-delivered'; readonly at: number; readonly from: string; readonly to: string; readonly size: number }
  | {
      readonly type: 'packet-dropped';
      readonly at: number;
      readonly from: string;
      readonly to: string;
      readonly size: number;
      readonly reason: PacketDropReason;
    }
  | { readonly type: 'stream-opened'; readonly at: number; readonly from: string; readonly to: string }
  | {
      readonly type: 'stream-failed';
      readonly at: number;
      readonly from: string;
      readonly to: string;
      readonly reason: 'refused' | 'timeout';
    };
