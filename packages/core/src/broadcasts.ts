/**
 * memberlist's own broadcasts: one queued message per node name, so newer news about a node replaces older news
 * (PROTOCOL.md §9.2). `onFinished` lets `leave()` and `updateNode()` wait until their announcement has been sent its
 * full retransmit count.
 */
import { type Broadcast, type NamedBroadcast, isNamedBroadcast } from './broadcast-queue.js';

/** A membership message about one node (alive, suspect or dead). */
export class MemberlistBroadcast implements NamedBroadcast {
  constructor(
    private readonly node: string,
    private readonly msg: Uint8Array,
    private readonly onFinished?: () => void,
  ) {}

  /** The node the message is about (the queue's identity key). */
  name(): string {
    return this.node;
  }

  /** The encoded message, type byte included. */
  message(): Uint8Array {
    return this.msg;
  }

  /** A broadcast about the same node makes this one obsolete. */
  invalidates(other: Broadcast): boolean {
    return isNamedBroadcast(other) && other.name() === this.node;
  }

  /** Called once by the queue when the message is done (sent enough, or replaced). */
  finished(): void {
    this.onFinished?.();
  }
}
