/**
 * A hand-driven peer on the MemoryNetwork: it sends exactly the bytes a test builds with the wire codec and
 * records every message it receives, so tests can check a node's wire behaviour message by message.
 */
import type { MemoryEndpoint, MemoryNetwork, Stream } from '@gossip/transport';
import { type DecodedMessage, bytesToIp, decodeMessage, encodeAck, joinHostPort, unwrapPacket } from '@gossip/wire';

/** The body type of a decoded message of type `T`. */
export type BodyOf<T extends DecodedMessage['type']> = Extract<DecodedMessage, { type: T }>['body'];

export interface ReceivedMessage {
  readonly from: string;
  readonly msg: DecodedMessage;
  /** Whether the datagram carried a CRC wrapper. */
  readonly crc: boolean;
}

export class RawPeer {
  readonly received: ReceivedMessage[] = [];
  /** Every datagram as it arrived, before any unwrapping. */
  readonly packets: Uint8Array[] = [];
  readonly streams: Stream[] = [];
  private constructor(
    readonly address: string,
    readonly endpoint: MemoryEndpoint,
  ) {}

  /** Answer pings addressed to us like a live node would (default true). */
  autoAck = true;
  /** Called for every decoded message received (after it is recorded). */
  onMessage: ((msg: DecodedMessage, from: string) => void) | undefined;

  static async start(network: MemoryNetwork, address: string): Promise<RawPeer> {
    const endpoint = network.endpoint(address);
    const peer = new RawPeer(address, endpoint);
    await endpoint.start({
      onPacket: (p) => {
        peer.packets.push(p.data);
        try {
          const { messages, crc } = unwrapPacket(p.data);
          for (const m of messages) {
            const msg = decodeMessage(m);
            peer.received.push({ from: p.from, msg, crc });
            peer.onMessage?.(msg, p.from);
            if (peer.autoAck && msg.type === 'ping') {
              const b = msg.body;
              const to = b.sourceAddr && b.sourcePort ? joinHostPort(bytesToIp(b.sourceAddr), b.sourcePort) : p.from;
              void endpoint.sendPacket(to, encodeAck({ seqNo: b.seqNo, payload: null }));
            }
          }
        } catch {
          // Tests look at what decoded.
        }
      },
      onStream: (s) => peer.streams.push(s),
    });
    return peer;
  }

  send(to: string, data: Uint8Array): Promise<void> {
    return this.endpoint.sendPacket(to, data);
  }

  /** Received messages of one type. */
  of<T extends DecodedMessage['type']>(type: T): BodyOf<T>[] {
    const bodies: unknown[] = this.received.filter((r) => r.msg.type === type).map((r) => r.msg.body);
    return bodies as BodyOf<T>[];
  }

  async shutdown(): Promise<void> {
    await this.endpoint.shutdown();
  }
}
