/**
 * Inbound admission: the one place that decides whether a datagram, a stream, a source address or an advertised
 * member address may take part (memberlist's `ensureCanConnect` and `IPAllowed`, the datagram size bound and the
 * `maxConcurrentPushPulls` cap, the label check). The inbound router asks it before dispatching; membership asks it about new and
 * moved members, as memberlist's `aliveNode` does. Per-source and total-bytes limits belong here too.
 */
import { splitHostPort } from '@gossip/wire';
import type { EngineContext } from './context.js';
import { bytesEqual } from './member.js';

/** Largest datagram accepted (Go reads 65 536 bytes per datagram). */
export const MAX_DATAGRAM = 65_536;

/** Admission decisions of one node; every refusal is counted and logged through {@link EngineContext.drop}. */
export class Admission {
  private inboundPushPulls = 0;

  constructor(private readonly ctx: EngineContext) {}

  /** Whether a received datagram of `size` bytes from `from` is read at all. */
  admitDatagram(from: string, size: number): boolean {
    if (size > MAX_DATAGRAM) {
      this.ctx.drop('packet', 'ERR_TOO_LARGE', `datagram of ${size} bytes`, from);
      return false;
    }
    return true;
  }

  /** Whether an inbound stream from `from` is served (memberlist's `ensureCanConnect` in `handleConn`). */
  admitStream(from: string): boolean {
    if (!this.sourceAllowed(from)) {
      this.ctx.drop('stream', 'ERR_CIDR', 'source outside cidrsAllowed', from);
      return false;
    }
    return true;
  }

  /**
   * Checks the label a datagram or stream arrived with (PROTOCOL.md §5.2, §6.1) and returns the label to authenticate its
   * encryption with, or undefined when it is dropped. With `skipInboundLabelCheck`, unlabelled input is taken as
   * ours and a label is refused (it would be a second one).
   */
  acceptLabel(kind: 'packet' | 'stream', label: Uint8Array, from: string): Uint8Array | undefined {
    const ctx = this.ctx;
    if (ctx.config.skipInboundLabelCheck) {
      if (label.length === 0) return ctx.labelBytes;
      ctx.drop(kind, 'ERR_LABEL', `unexpected double ${kind} label header`, from);
      return undefined;
    }
    if (bytesEqual(label, ctx.labelBytes)) return label;
    ctx.drop(kind, 'ERR_LABEL', `discarding ${kind} with unacceptable label`, from);
    return undefined;
  }

  /**
   * Reserves one of `maxConcurrentPushPulls` inbound push/pull slots; counts and logs a refusal. A reserved slot
   * is given back with {@link Admission.releasePushPull}.
   */
  takePushPull(from: string): boolean {
    if (this.inboundPushPulls >= this.ctx.config.maxConcurrentPushPulls) {
      this.ctx.drop('stream', 'ERR_OVERLOADED', 'too many pending push/pull requests', from);
      return false;
    }
    this.inboundPushPulls++;
    return true;
  }

  /** Gives back a slot taken with {@link Admission.takePushPull}. */
  releasePushPull(): void {
    this.inboundPushPulls--;
  }

  /** True if `from` (an `ip:port`) is inside `cidrsAllowed` (memberlist's `ensureCanConnect`). */
  sourceAllowed(from: string): boolean {
    const cidrs = this.ctx.cidrs;
    if (cidrs === undefined) return true;
    try {
      return cidrs.allowsText(splitHostPort(from).host);
    } catch {
      return false;
    }
  }

  /** True if a member's advertised raw address is inside `cidrsAllowed` (memberlist's `IPAllowed`). */
  addressAllowed(addr: Uint8Array): boolean {
    return this.ctx.cidrs?.allows(addr) ?? true;
  }
}
