/**
 * The TCP side of memberlist (PROTOCOL.md §6): serving inbound streams (push/pull, reliable user messages, fallback
 * pings, with errMsg replies when a request cannot be read) and the dialer side of the same exchanges. One
 * request frame per connection, deadlines from the injected clock (`tcpTimeoutMs`), bounded buffering.
 */
import { type Stream, TransportError } from '@gossip/transport';
import type { Ping, PushNodeState, PushPull, WireLimits } from '@gossip/wire';
import {
  MessageType,
  PushPullDecoder,
  PushPullEncoder,
  decodeAck,
  decodeErr,
  decodePing,
  decodeUserStream,
  encodeAck,
  encodeErr,
  encodePing,
  encodeUserStream,
  labelHeader,
} from '@gossip/wire';
import { type AbortSignalLike, onAbort } from './abort.js';
import type { EngineContext } from './context.js';
import { MemberlistError } from './errors.js';
import { MetricNames } from './metrics.js';
import { StreamReader, asMemberlistError, concat, encodeFrameInSteps, readFrame, readStreamLabel, streamLimits } from './stream-frame.js';
import { clockLagMs, runSteps } from './steps.js';

/** Where inbound streams and remote push/pull states go: the inbound router (router.ts). */
export interface StreamInbound {
  /** Whether an inbound stream from `from` is served at all (checked before anything is read). */
  admitStream(from: string): boolean;
  /** Gives back a stream admitted with {@link StreamInbound.admitStream}. */
  releaseStream(from: string): void;
  /** Charges `n` bytes a stream is about to buffer to the inbound total; false refuses them. */
  chargeBytes(n: number, from: string): boolean;
  /** Gives back bytes charged with {@link StreamInbound.chargeBytes}. */
  unchargeBytes(n: number): void;
  /** The label to read the stream's frames with, or undefined when its label is refused. */
  acceptLabel(kind: 'stream', label: Uint8Array, from: string): Uint8Array | undefined;
  /** Takes an inbound push/pull slot once its header is complete (may wait briefly); false refuses the stream. */
  acquirePushPull(from: string): Promise<boolean>;
  /** Gives back a slot taken with {@link StreamInbound.acquirePushPull}. */
  releasePushPull(): void;
  /** Our push/pull state (node list and delegate state). */
  localState(join: boolean): PushPull;
  /** The entries a remote push/pull may leave undecoded (`PushPullDecodeOptions.heldEntry`), if any. */
  heldEntries(): ((name: string) => Uint8Array | undefined) | undefined;
  /**
   * Merges a remote push/pull, in batches across event-loop turns; rejects with a MemberlistError when it is
   * refused (versions, merge veto). `quiet`: an answer that only repairs our own view (see Membership.mergeEntry).
   */
  mergeRemoteState(join: boolean, states: PushNodeState[], userState: Uint8Array, quiet?: boolean): Promise<void>;
  /** A reliable user message arrived. */
  userMessage(payload: Uint8Array): void;
}

/** Options of a dialed exchange. */
interface ExchangeOptions {
  expectResponse: boolean;
  deadline: number;
  /** Deadline of the connect alone, if earlier than `deadline`. */
  dialDeadline?: number;
  signal?: AbortSignalLike | undefined;
}

/** Serves and dials streams for one node. */
export class StreamLayer {
  private inbound: StreamInbound | undefined;
  private readonly open = new Set<Stream>();
  /** Dials still connecting; each gives up when called. */
  private readonly pendingDials = new Set<() => void>();
  private readonly limits: WireLimits;
  private readonly maxBuffered: number;

  constructor(private readonly ctx: EngineContext) {
    this.limits = streamLimits(ctx);
    this.maxBuffered = (this.limits.maxStreamFrameBytes ?? 0) + 512;
  }

  /** Connects the inbound router (done once, after every component exists: the router needs the prober). */
  attach(inbound: StreamInbound): void {
    this.inbound = inbound;
  }

  private router(): StreamInbound {
    if (this.inbound === undefined) throw new MemberlistError('ERR_SHUTDOWN', 'stream layer is not attached');
    return this.inbound;
  }

  /** Serves one inbound stream (memberlist's `handleConn`). Never throws. */
  async handleInbound(stream: Stream): Promise<void> {
    const ctx = this.ctx;
    const from = stream.remoteAddress;
    const inbound = this.inbound;
    if (ctx.shuttingDown || inbound === undefined) {
      stream.destroy();
      return;
    }
    this.open.add(stream);
    ctx.metrics.incrCounter(MetricNames.tcpAccept, 1);
    let admitted = false;
    let slot = false;
    let charged = 0;
    let headerDone = false;
    let headerMs = 0;
    try {
      if (!inbound.admitStream(from)) return;
      admitted = true;
      // The label and the frame header get a short deadline of their own; the whole exchange gets tcpTimeoutMs.
      // The short one is for the peer's pace: when our own turns are long (a saturated process), two of them are
      // added, so our slowness is not blamed on legitimate peers (1,024 nodes in one process formed in a median of
      // 57 s with it, 67 s without; at 2,048 thousands of headers still miss even the longer deadline).
      // Measured on the clock, by whichever node yielded last: one with no frame in steps has no turn of its own.
      const deadline = ctx.clock.now() + ctx.config.tcpTimeoutMs;
      headerMs = this.headerTimeoutMs();
      stream.setDeadline(Math.min(deadline, ctx.clock.now() + headerMs));
      const budget = {
        charge: (n: number): boolean => {
          if (!inbound.chargeBytes(n, from)) return false;
          charged += n;
          return true;
        },
      };
      const reader = new StreamReader(stream, this.maxBuffered, budget, ctx);
      let label: Uint8Array | null;
      try {
        label = await readStreamLabel(reader);
      } catch (err) {
        this.dropped(err, 'stream label', from, headerDone, headerMs);
        return;
      }
      if (label === null) return;
      const accepted = inbound.acceptLabel('stream', label, from);
      if (accepted === undefined) return;
      label = accepted;
      // A push/pull takes its slot once its header is complete, never before: a peer that trickles its header,
      // or sends nothing, holds no slot. Compressed and encrypted frames only show their type once read whole.
      const onHeader = async (type: number): Promise<void> => {
        headerDone = true;
        stream.setDeadline(deadline);
        if (type !== MessageType.PushPull) return;
        if (!(await inbound.acquirePushPull(from))) throw new MemberlistError('ERR_OVERLOADED', 'no push/pull slot');
        slot = true;
      };
      let msg: Uint8Array | null;
      try {
        msg = await readFrame(ctx, reader, label, this.limits, onHeader);
      } catch (err) {
        const e = this.dropped(err, 'failed to receive', from, headerDone, headerMs);
        if (e.code !== 'ERR_TRANSPORT' && e.code !== 'ERR_OVERLOADED' && e.code !== 'ERR_TIMEOUT') {
          await this.reply(stream, encodeErr({ error: e.message }), label);
        }
        return;
      }
      if (msg === null) return;
      if (msg[0] === MessageType.PushPull && !slot) {
        // Compressed or encrypted: only now do we know it is a push/pull.
        if (!(await inbound.acquirePushPull(from))) return;
        slot = true;
      }
      await this.serve(inbound, stream, msg, label, from);
    } catch (err) {
      if (!ctx.shuttingDown) ctx.remoteWarnings.warn('stream:failed', { err, from }, 'stream failed');
    } finally {
      if (slot) inbound.releasePushPull();
      if (charged > 0) inbound.unchargeBytes(charged);
      if (admitted) inbound.releaseStream(from);
      this.open.delete(stream);
      await closeQuietly(stream);
    }
  }

  /**
   * Serves one request; a push/pull arrives here holding its slot, which the caller releases only once this
   * returns, i.e. after the last merge batch (and the stream's bytes with it).
   */
  private async serve(
    inbound: StreamInbound,
    stream: Stream,
    msg: Uint8Array,
    label: Uint8Array,
    from: string,
  ): Promise<void> {
    const ctx = this.ctx;
    switch (msg[0]) {
      case MessageType.User: {
        const payload = this.decodeOrDrop(from, 'user message', () => decodeUserStream(msg, this.limits, { views: true }));
        if (payload !== undefined && payload.length > 0) inbound.userMessage(payload);
        return;
      }
      case MessageType.PushPull: {
        let remote: PushPull;
        try {
          remote = await this.decodePushPull(msg);
        } catch (err) {
          this.dropped(err, 'failed to read remote state', from);
          return;
        }
        ctx.metrics.addSample(MetricNames.sizeRemote, msg.length);
        await this.reply(stream, await this.encodeLocalState(remote.join), label);
        try {
          await inbound.mergeRemoteState(remote.join, remote.states, remote.userState);
        } catch (err) {
          if (!ctx.shuttingDown) ctx.remoteWarnings.warn('stream:merge', { err, from }, 'failed push/pull merge');
        }
        return;
      }
      case MessageType.Ping: {
        const ping = this.decodeOrDrop(from, 'ping', () => decodePing(msg));
        if (ping === undefined) return;
        if (ping.node !== '' && ping.node !== ctx.name) {
          ctx.remoteWarnings.warn('ping:target', { from, target: ping.node }, 'got stream ping for unexpected node');
          return;
        }
        await this.reply(stream, encodeAck({ seqNo: ping.seqNo, payload: null }), label);
        return;
      }
      default:
        ctx.drop('stream', 'ERR_UNKNOWN_TYPE', `invalid stream message type ${msg[0]}`, from);
    }
  }

  /** The inbound label-and-header deadline: `streamHeaderTimeoutMs`, plus two of the process's turns while long. */
  private headerTimeoutMs(): number {
    return this.ctx.config.streamHeaderTimeoutMs + 2 * clockLagMs(this.ctx);
  }

  /** Counts and logs a dropped inbound stream; returns the failure as a MemberlistError. */
  private dropped(err: unknown, what: string, from: string, headerDone = true, headerMs = 0): MemberlistError {
    if (!headerDone && err instanceof TransportError && err.code === 'ERR_TIMEOUT') {
      const e = new MemberlistError('ERR_TIMEOUT', `no complete header within ${Math.round(headerMs)} ms`, { cause: err });
      this.ctx.drop('stream', e.code, e.message, from);
      return e;
    }
    const e = asMemberlistError(err, what);
    // Admission refusals (slots, buffered bytes) were counted and logged where they were decided.
    if (e.code !== 'ERR_OVERLOADED') this.ctx.drop('stream', e.code, e.message, from);
    return e;
  }

  /** Decodes an inbound request; a failure drops the stream (see {@link StreamLayer.dropped}) and gives undefined. */
  private decodeOrDrop<T>(from: string, what: string, decode: () => T): T | undefined {
    try {
      return decode();
    } catch (err) {
      this.dropped(err, what, from);
      return undefined;
    }
  }

  /**
   * Push/pull with `address` (memberlist's `pushPullNode`): send our state, read theirs, merge it, all within
   * `timeoutMs` (default `tcpTimeoutMs`); the connect alone gets at most `tcpTimeoutMs`. `quiet`, asked once
   * the answer is read: whether it only repairs our own view (see Membership.mergeEntry).
   */
  async pushPull(
    address: string,
    join: boolean,
    signal?: AbortSignalLike,
    timeoutMs?: number,
    quiet?: () => boolean,
  ): Promise<void> {
    const ctx = this.ctx;
    const started = ctx.clock.now();
    const deadline = started + (timeoutMs ?? ctx.config.tcpTimeoutMs);
    const response = await this.exchange(address, await this.encodeLocalState(join), {
      expectResponse: true,
      deadline,
      dialDeadline: Math.min(deadline, started + ctx.config.tcpTimeoutMs),
      signal,
    });
    const msg = this.expectMessage(response, MessageType.PushPull, 'push/pull');
    let remote: PushPull;
    try {
      remote = await this.decodePushPull(msg);
    } catch (err) {
      throw asMemberlistError(err, 'failed to read remote state');
    }
    ctx.metrics.addSample(MetricNames.sizeRemote, msg.length);
    await this.router().mergeRemoteState(join, remote.states, remote.userState, quiet?.() === true);
    ctx.metrics.addSample(MetricNames.pushPullNode, ctx.clock.now() - started);
  }

  /** Sends a reliable user message (memberlist's `sendUserMsg`). */
  async sendUserMessage(address: string, payload: Uint8Array): Promise<void> {
    const ctx = this.ctx;
    await this.exchange(address, encodeUserStream(payload), {
      expectResponse: false,
      deadline: ctx.clock.now() + ctx.config.tcpTimeoutMs,
    });
  }

  /** The TCP fallback ping (PROTOCOL.md §6.5): true if the peer acked `ping.seqNo` before `deadline`. */
  async tcpPing(address: string, ping: Ping, deadline: number): Promise<boolean> {
    const response = await this.exchange(address, encodePing(ping), { expectResponse: true, deadline });
    const msg = this.expectMessage(response, MessageType.Ack, 'ping');
    const ack = decodeAck(msg);
    if (ack.seqNo !== ping.seqNo) {
      throw new MemberlistError('ERR_UNEXPECTED_MESSAGE', `ack sequence ${ack.seqNo} does not match ping ${ping.seqNo}`);
    }
    return true;
  }

  /** Destroys every open stream and gives up pending dials (shutdown). */
  shutdown(): void {
    for (const giveUp of [...this.pendingDials]) giveUp();
    this.pendingDials.clear();
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  private async exchange(address: string, request: Uint8Array, options: ExchangeOptions): Promise<Uint8Array | null> {
    const ctx = this.ctx;
    if (options.signal?.aborted) throw new MemberlistError('ERR_ABORTED', 'aborted');
    if (ctx.shuttingDown) throw new MemberlistError('ERR_SHUTDOWN', 'node is shut down');
    const stream = await this.dial(address, options);
    if (ctx.shuttingDown) {
      stream.destroy();
      throw new MemberlistError('ERR_SHUTDOWN', 'node is shut down');
    }
    ctx.metrics.incrCounter(MetricNames.tcpConnect, 1);
    this.open.add(stream);
    let aborted = false;
    const removeAbort = onAbort(options.signal, () => {
      aborted = true;
      stream.destroy();
    });
    try {
      stream.setDeadline(options.deadline);
      let out = await encodeFrameInSteps(ctx, request, ctx.labelBytes);
      if (ctx.labelBytes.length > 0) out = concat(labelHeader(ctx.labelBytes), out);
      await stream.write(out);
      ctx.metrics.incrCounter(MetricNames.tcpSent, out.length);
      if (!options.expectResponse) return null;
      const reader = new StreamReader(stream, this.maxBuffered, undefined, ctx);
      const msg = await readFrame(ctx, reader, ctx.labelBytes, this.limits);
      if (msg === null) throw new MemberlistError('ERR_UNEXPECTED_MESSAGE', `${address} closed the stream without answering`);
      return msg;
    } catch (err) {
      if (aborted) throw new MemberlistError('ERR_ABORTED', 'aborted', { cause: err });
      throw asMemberlistError(err, `stream exchange with ${address}`);
    } finally {
      removeAbort();
      this.open.delete(stream);
      await closeQuietly(stream);
    }
  }

  /**
   * Dials `address`, giving up at once when `signal` aborts or the node shuts down. Giving up aborts the
   * transport's dial too (its timers and connection attempt go); with a transport that ignores the signal, a
   * connection that completes after we gave up is torn down unused.
   */
  private dial(address: string, options: ExchangeOptions): Promise<Stream> {
    const ctx = this.ctx;
    return new Promise<Stream>((resolve, reject) => {
      let done = false;
      let removeAbort: () => void = () => undefined;
      const cancelDial = new AbortController();
      const cleanup = (): void => {
        this.pendingDials.delete(onShutdown);
        removeAbort();
      };
      const giveUp = (err: MemberlistError): void => {
        if (done) return;
        done = true;
        cleanup();
        cancelDial.abort();
        reject(err);
      };
      const onShutdown = (): void => giveUp(new MemberlistError('ERR_SHUTDOWN', 'node is shut down'));
      this.pendingDials.add(onShutdown);
      removeAbort = onAbort(options.signal, () => giveUp(new MemberlistError('ERR_ABORTED', 'aborted')));
      if (done) {
        // Aborted before we began: nothing to dial.
        removeAbort();
        return;
      }
      ctx.transport.dial(address, { deadline: options.dialDeadline ?? options.deadline, signal: cancelDial.signal }).then(
        (stream) => {
          if (done) {
            stream.destroy();
            return;
          }
          done = true;
          cleanup();
          resolve(stream);
        },
        (err: unknown) => giveUp(asMemberlistError(err, `failed to connect to ${address}`)),
      );
    });
  }

  private expectMessage(msg: Uint8Array | null, type: MessageType, what: string): Uint8Array {
    if (msg === null) throw new MemberlistError('ERR_UNEXPECTED_MESSAGE', `no ${what} response`);
    if (msg[0] === MessageType.Err) {
      let text: string;
      try {
        text = decodeErr(msg).error;
      } catch (err) {
        throw asMemberlistError(err, 'error response');
      }
      throw new MemberlistError('ERR_REMOTE', `remote error: ${text}`);
    }
    if (msg[0] !== type) {
      throw new MemberlistError('ERR_UNEXPECTED_MESSAGE', `received message type ${msg[0]}, expected ${what} (${type})`);
    }
    return msg;
  }

  private async reply(stream: Stream, msg: Uint8Array, label: Uint8Array): Promise<void> {
    try {
      const frame = await encodeFrameInSteps(this.ctx, msg, label);
      await stream.write(frame);
      this.ctx.metrics.incrCounter(MetricNames.tcpSent, frame.length);
    } catch (err) {
      if (!this.ctx.shuttingDown) this.ctx.remoteWarnings.warn('stream:reply', { err, to: stream.remoteAddress }, 'failed to write stream reply');
    }
  }

  /** Our state as a push/pull message, `pushPullBatchSize` node entries encoded per turn. */
  private async encodeLocalState(join: boolean): Promise<Uint8Array> {
    const encoder = new PushPullEncoder(this.router().localState(join));
    const batch = this.ctx.config.pushPullBatchSize;
    await runSteps(this.ctx, (n) => encoder.step(n), batch);
    const msg = encoder.result();
    this.ctx.metrics.setGauge(MetricNames.sizeLocal, msg.length);
    return msg;
  }

  /** Decodes a remote push/pull `pushPullBatchSize` node entries per turn; wire errors are thrown as they are. */
  private async decodePushPull(msg: Uint8Array): Promise<PushPull> {
    // Views into the frame, not copies: what the merge keeps is copied when the member is interned. Entries equal
    // to what we hold are not decoded at all: merging them would change nothing.
    const decoder = new PushPullDecoder(msg, this.limits, { views: true, heldEntry: this.router().heldEntries() });
    const batch = this.ctx.config.pushPullBatchSize;
    await runSteps(this.ctx, (n) => decoder.step(n), batch);
    return decoder.result();
  }
}

async function closeQuietly(stream: Stream): Promise<void> {
  try {
    await stream.close();
  } catch {
    stream.destroy();
  }
}

