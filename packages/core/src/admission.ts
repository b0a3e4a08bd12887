/**
 * Inbound admission: the one place that decides whether a datagram, a stream, a source address or an advertised
 * member address may take part (memberlist's `ensureCanConnect` and `IPAllowed`, the datagram size bound and the
 * `maxConcurrentPushPulls` cap, the label check). The inbound router asks it before dispatching; membership asks it about new and
 * moved members, as memberlist's `aliveNode` does. The stream caps (per source, total bytes buffered, push/pull
 * slots) live in {@link StreamAdmission}, which this class fronts.
 */
import { splitHostPort } from '@gossip/wire';
import type { EngineContext } from './context.js';
import { bytesEqual } from './member.js';
import { StreamAdmission } from './stream-admission.js';

/** Largest datagram accepted (Go reads 65 536 bytes per datagram). */
export const MAX_DATAGRAM = 65_536;

/** Admission decisions of one node; every refusal is counted and logged through {@link EngineContext.drop}. */
export class Admission {
  /** The inbound stream caps. */
  readonly streams: StreamAdmission;

  constructor(private readonly ctx: EngineContext) {
    this.streams = new StreamAdmission(ctx);
  }

  /** Whether a received datagram of `size` bytes from `from` is read at all. */
  admitDatagram(from: string, size: number): boolean {
    if (size > MAX_DATAGRAM) {
      this.ctx.drop('packet', 'ERR_TOO_LARGE', `datagram of ${size} bytes`, from);
      return false;
    }
    return true;
  }

  /**
   * Whether an inbound stream from `from` is served: memberlist's `ensureCanConnect` in `handleConn`, then the
   * per-source and buffered-bytes caps. An admitted stream is given back with `streams.release(from)`.
   */
  admitStream(from: string): boolean {
    if (!this.sourceAllowed(from)) {
      this.ctx.drop('stream', 'ERR_CIDR', 'source outside cidrsAllowed', from);
      return false;
    }
    return this.streams.admit(from);
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
