/**
 * One memberlist stream frame (PROTOCOL.md §6.1-§6.3): optional label header (dialer only), then a message that is
 * compressed when compression is on and wrapped as `0x0a | N | sealed` when encryption is on. Reading is bounded:
 * bytes are buffered only until `streamMessageLength` says the frame is complete, and every size announced by the
 * peer is checked against limits before it is waited for.
 */
import type { Stream } from '@gossip/transport';
import type { WireLimits } from '@gossip/wire';
import {
  LzwCompressor,
  MessageType,
  StreamScan,
  WireError,
  encodeCompress,
  encryptedLength,
  parseCompress,
  stepDecompress,
  stripLabel,
  streamMessageLength,
  wrapCompressed,
} from '@gossip/wire';
import type { EngineContext } from './context.js';
import type { PacketCipher } from './delegates.js';
import { MemberlistError } from './errors.js';
import { nextTurn, runSteps, turnBudgetMs } from './steps.js';

/** A shared allowance of buffered bytes; `charge` says whether `n` more fit (and counts them if so). */
export interface ByteBudget {
  charge(n: number): boolean;
}

/**
 * A read that took at least this long (ms) waited for the peer, so the event loop turned meanwhile; a shorter one
 * was served from chunks the transport had queued, inside the same turn.
 */
const READ_WAITED_MS = 1;

/**
 * Bytes of a frame joined per turn by {@link StreamReader.takeWhole}: copying into fresh pages costs about 1 ms per
 * MiB here, and the turn's time budget (`turnBudgetMs`) still cuts a turn short.
 */
const JOIN_BYTES_PER_TURN = 2 << 20;

/**
 * A frame whose header says at least this many bytes are still to come is collected with
 * {@link StreamReader.takeWhole}; smaller remainders are buffered chunk by chunk (their copies are short).
 */
const TAKE_WHOLE_ABOVE = 1 << 20;

/** Buffers chunks read from a stream. */
export class StreamReader {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private eof = false;
  /** Clock time the current event-loop turn began, as far as this reader can tell (see {@link StreamReader.fill}). */
  private turnStart: number | undefined;

  /**
   * @param budget - where every chunk's bytes are charged before they are buffered (the inbound streams' shared
   *   total); a refused charge fails the read with `ERR_OVERLOADED`.
   * @param ctx - when given, reading yields a turn once it has held one for its budget (`turnBudgetMs`): chunks a busy node
   *   let pile up are otherwise all read in one turn (a 10 MiB frame: 160 chunks, and the buffer's growth, in
   *   one turn of 18 ms; issue #12).
   */
  constructor(
    private readonly stream: Stream,
    private readonly maxBuffered: number,
    private readonly budget?: ByteBudget,
    private readonly ctx?: EngineContext,
  ) {}

  /** The bytes buffered and not yet consumed (a view). */
  buffered(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /**
   * Charges `n` bytes held on behalf of this stream outside its buffer (a frame being decompressed) to the shared
   * budget; throws `ERR_OVERLOADED` when they do not fit. Without a budget (a dialed stream), does nothing.
   */
  charge(n: number): void {
    if (n > 0 && this.budget !== undefined && !this.budget.charge(n)) {
      throw new MemberlistError('ERR_OVERLOADED', 'inbound streams hold more than maxInboundStreamBytes');
    }
  }

  /** Reads one more chunk; resolves false at end of stream. */
  async fill(): Promise<boolean> {
    const chunk = await this.nextChunk(this.end - this.start);
    if (chunk === null) return false;
    if (chunk.length === 0) return true;
    const have = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      const next = new Uint8Array(Math.max(have + chunk.length, Math.min(this.maxBuffered, 2 * this.buf.length)));
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.start = 0;
      this.end = have;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
    return true;
  }

  /**
   * Takes the next `n` bytes once all have arrived, for a frame whose length its header gave (`StreamScan.length`).
   * Chunks past the buffered ones are kept as they come rather than copied into a buffer grown by doubling, and
   * joined once into one buffer of `n` bytes at the end, a few milliseconds' worth per turn when the reader has a
   * context: growing the buffer of a 10 MiB frame copied 8 MiB into fresh pages in one turn (6-12 ms; issue #12).
   * Bytes past the `n`th stay buffered for the next frame. Rejects with `ERR_MALFORMED` if the stream ends first.
   */
  async takeWhole(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [this.buffered()];
    let have = parts[0]!.length;
    this.buf = new Uint8Array(0);
    this.start = 0;
    this.end = 0;
    while (have < n) {
      const chunk = await this.nextChunk(have);
      if (chunk === null) throw new MemberlistError('ERR_MALFORMED', 'stream ended inside a frame');
      parts.push(chunk);
      have += chunk.length;
    }
    const last = parts[parts.length - 1]!;
    const over = have - n;
    if (over > 0) {
      parts[parts.length - 1] = last.subarray(0, last.length - over);
      this.buf = last.slice(last.length - over);
      this.end = over;
    }
    const out = new Uint8Array(n);
    let part = 0;
    let at = 0;
    let offset = 0;
    /** Copies up to `bytes` more bytes of the parts into `out`; true once all are in. */
    const copy = (bytes: number): boolean => {
      let left = bytes;
      while (left > 0 && part < parts.length) {
        const p = parts[part]!;
        const k = Math.min(left, p.length - offset);
        out.set(k === p.length ? p : p.subarray(offset, offset + k), at);
        at += k;
        offset += k;
        left -= k;
        if (offset === p.length) {
          part++;
          offset = 0;
        }
      }
      return part === parts.length;
    };
    if (this.ctx === undefined) copy(n);
    else await runSteps(this.ctx, copy, JOIN_BYTES_PER_TURN);
    return out;
  }

  /**
   * Reads the next chunk for a buffer now holding `have` bytes, after charging it to the budget; null at end of
   * stream. Gives up a turn first once this reader has held the current one for its budget (see the constructor).
   */
  private async nextChunk(have: number): Promise<Uint8Array | null> {
    if (this.eof) return null;
    const ctx = this.ctx;
    const asked = ctx?.clock.now() ?? 0;
    if (ctx !== undefined && this.turnStart !== undefined && asked - this.turnStart >= turnBudgetMs(ctx)) {
      await nextTurn(ctx);
      this.turnStart = undefined;
    }
    const chunk = await this.stream.read();
    if (ctx !== undefined) {
      const now = ctx.clock.now();
      if (this.turnStart === undefined || now - asked >= READ_WAITED_MS) this.turnStart = now;
    }
    if (chunk === null) {
      this.eof = true;
      return null;
    }
    if (have + chunk.length > this.maxBuffered) {
      throw new MemberlistError('ERR_TOO_LARGE', `stream sent more than ${this.maxBuffered} bytes`);
    }
    if (chunk.length > 0 && this.budget !== undefined && !this.budget.charge(chunk.length)) {
      throw new MemberlistError('ERR_OVERLOADED', 'inbound streams hold more than maxInboundStreamBytes');
    }
    return chunk;
  }

  /** Takes `n` buffered bytes (a copy-free view that stays valid: the buffer is never overwritten in place). */
  take(n: number): Uint8Array {
    const out = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) {
      // Start over with a fresh buffer rather than overwriting bytes a returned view still shows.
      this.buf = new Uint8Array(0);
      this.start = 0;
      this.end = 0;
    }
    return out;
  }
}

/** Wire limits for stream decoding derived from the config. */
export function streamLimits(ctx: EngineContext): WireLimits {
  const c = ctx.config;
  return {
    maxDecompressedBytes: c.maxDecompressedBytes,
    maxPushPullNodes: c.maxPushPullNodes,
    maxUserStateBytes: c.maxStreamBytes,
    maxUserMsgBytes: c.maxStreamBytes,
    maxEncryptedBytes: c.maxStreamBytes,
    maxStreamFrameBytes: 2 * c.maxStreamBytes + 1024 * 1024,
  };
}

/** Converts wire failures into the engine's error codes. */
export function asMemberlistError(err: unknown, context: string): MemberlistError {
  if (err instanceof MemberlistError) return err;
  if (err instanceof WireError) {
    const code = err.code === 'ERR_TOO_LARGE' ? 'ERR_TOO_LARGE' : err.code === 'ERR_LABEL' ? 'ERR_LABEL' : 'ERR_MALFORMED';
    return new MemberlistError(code, `${context}: ${err.message}`, { cause: err });
  }
  return new MemberlistError('ERR_TRANSPORT', `${context}: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}

/** Encodes `message` as a frame per our config; `labelBytes` is the AAD suffix of encrypted frames. */
export function encodeFrame(ctx: EngineContext, message: Uint8Array, labelBytes: Uint8Array): Uint8Array {
  // Go compresses stream frames whenever compression is on, even when that makes them longer.
  return seal(ctx, ctx.config.enableCompression ? encodeCompress(message) : message, labelBytes);
}

/**
 * Messages up to this size are compressed in one call (well under a millisecond); larger ones in steps. A whole
 * `streamSliceBytes` (256 KiB) in one call took up to 8 ms: a 3,000-member push/pull reply.
 */
const ONE_SHOT_COMPRESS_BYTES = 32 * 1024;

/**
 * {@link encodeFrame} with a large message compressed `streamSliceBytes` at a time, yielding between slices (see
 * steps.ts); the bytes are the same. Encryption stays one call: AES-GCM is native and fast, and one tag covers
 * the whole frame.
 */
export async function encodeFrameInSteps(ctx: EngineContext, message: Uint8Array, labelBytes: Uint8Array): Promise<Uint8Array> {
  const slice = ctx.config.streamSliceBytes;
  if (!ctx.config.enableCompression || message.length <= ONE_SHOT_COMPRESS_BYTES) return encodeFrame(ctx, message, labelBytes);
  const c = new LzwCompressor(message);
  await runSteps(ctx, (n) => c.step(n), slice);
  return seal(ctx, wrapCompressed(c.result()), labelBytes);
}

/** Encrypts a (possibly compressed) message as `0x0a | N | sealed` when encryption is on. */
function seal(ctx: EngineContext, buf: Uint8Array, labelBytes: Uint8Array): Uint8Array {
  const cipher = ctx.config.cipher;
  if (!ctx.encrypting() || cipher === undefined) return buf;
  const version = ctx.encryptionVersion();
  const n = encryptedLength(version, buf.length);
  const header = new Uint8Array(5);
  header[0] = MessageType.Encrypt;
  new DataView(header.buffer).setUint32(1, n);
  const sealed = cipher.encrypt(buf, concat(header, labelBytes), version);
  if (sealed.length !== n) {
    throw new MemberlistError('ERR_ENCRYPTION', `cipher produced ${sealed.length} bytes, expected ${n}`);
  }
  return concat(header, sealed);
}

/**
 * Reads the label header a dialer may send first. Returns the label bytes (empty when there was none); never
 * consumes anything but the header.
 */
export async function readStreamLabel(reader: StreamReader): Promise<Uint8Array | null> {
  for (;;) {
    const have = reader.buffered();
    if (have.length > 0) {
      try {
        const s = stripLabel(have);
        if (s.label === undefined) return new Uint8Array(0);
        const label = s.labelBytes.slice();
        reader.take(have.length - s.rest.length);
        return label;
      } catch (err) {
        if (!(err instanceof WireError) || err.code !== 'ERR_TRUNCATED') throw asMemberlistError(err, 'label header');
      }
    }
    if (!(await reader.fill())) {
      if (have.length === 0) return null;
      throw new MemberlistError('ERR_MALFORMED', 'stream ended inside its label header');
    }
  }
}

/**
 * Reads one frame and returns the message inside (type byte first), decrypted and decompressed; `null` if the
 * peer closed the stream before sending anything. `onHeader`, when given, runs once, as soon as the frame's
 * header is buffered (see `StreamScan.headerDone`) and before any more of it is read, with the frame's type byte;
 * what it throws fails the read (a server extends its deadline and takes a push/pull slot there). A compressed
 * frame is inflated in slices across event-loop turns (see {@link inflate}). The stream's deadline bounds the wait
 * for bytes, as memberlist's connection deadline does, not the bounded work on a frame that has arrived whole:
 * on a saturated event loop, a reply read in full and then thrown away for the time its steps took is a push/pull
 * lost for nothing (827 in one storm of 1,024 nodes in one process).
 */
export async function readFrame(
  ctx: EngineContext,
  reader: StreamReader,
  labelBytes: Uint8Array,
  limits: WireLimits,
  onHeader?: (type: number) => Promise<void>,
): Promise<Uint8Array | null> {
  while (reader.buffered().length === 0) {
    if (!(await reader.fill())) return null;
  }
  const encrypted = reader.buffered()[0] === MessageType.Encrypt;
  const cipher = ctx.config.cipher;
  if (encrypted && cipher === undefined) {
    throw new MemberlistError('ERR_ENCRYPTION', 'Remote state is encrypted and encryption is not configured');
  }
  if (!encrypted && cipher !== undefined && ctx.gossipVerify.incoming) {
    throw new MemberlistError('ERR_ENCRYPTION', 'Encryption is configured but remote state is not encrypted');
  }
  let total: number | undefined;
  let plain: Uint8Array;
  // One scan per frame: a push/pull trickling in is walked once in total, not once per chunk (quadratic).
  const scan = new StreamScan();
  for (;;) {
    try {
      total = streamMessageLength(reader.buffered(), limits, scan);
    } catch (err) {
      throw asMemberlistError(err, 'stream frame');
    }
    if (onHeader !== undefined && (scan.headerDone || total !== undefined)) {
      const type = reader.buffered()[0]!;
      const call = onHeader;
      onHeader = undefined;
      await call(type);
    }
    if (total !== undefined) {
      plain = reader.take(total);
      break;
    }
    if (scan.length !== undefined && scan.length - reader.buffered().length >= TAKE_WHOLE_ABOVE) {
      plain = await reader.takeWhole(scan.length);
      break;
    }
    if (!(await reader.fill())) throw new MemberlistError('ERR_MALFORMED', 'stream ended inside a frame');
  }
  if (encrypted && cipher !== undefined) plain = await decrypt(ctx, reader, cipher, plain, labelBytes);
  if (plain.length === 0) throw new MemberlistError('ERR_MALFORMED', 'empty stream message');
  if (plain[0] === MessageType.Compress) {
    plain = await inflate(ctx, reader, plain);
    if (plain.length === 0) throw new MemberlistError('ERR_MALFORMED', 'empty decompressed stream message');
  }
  return plain;
}

/**
 * AES-GCM runs roughly ten times faster per byte than LZW, so a decryption slice is this many LZW slices
 * (2 MiB by default: a few milliseconds).
 */
const DECRYPT_SLICES = 8;

/**
 * Opens an encrypted frame (`0x0a | N | blob`). A frame larger than one decryption slice is opened in slices
 * when the cipher can (`decryptInSteps`), yielding between them; its plaintext buffer, held across turns, is
 * charged to the stream's byte budget first.
 */
async function decrypt(
  ctx: EngineContext,
  reader: StreamReader,
  cipher: PacketCipher,
  frame: Uint8Array,
  labelBytes: Uint8Array,
): Promise<Uint8Array> {
  const blob = frame.subarray(5);
  const aad = concat(frame.subarray(0, 5), labelBytes);
  const slice = DECRYPT_SLICES * ctx.config.streamSliceBytes;
  try {
    if (cipher.decryptInSteps === undefined || blob.length <= slice) return cipher.decrypt(blob, aad);
    reader.charge(blob.length);
    const open = cipher.decryptInSteps(blob, aad);
    await runSteps(ctx, (n) => open.step(n), slice);
    return open.result();
  } catch (err) {
    if (err instanceof MemberlistError && err.code !== 'ERR_ENCRYPTION') throw err;
    throw new MemberlistError('ERR_ENCRYPTION', `failed to decrypt stream: ${String(err)}`, { cause: err });
  }
}

/**
 * Decompresses a compress message `streamSliceBytes` of output at a time, yielding between slices, so a 30 MiB
 * inflation costs many short turns instead of one of hundreds of milliseconds. The output buffer outlives a turn,
 * so its size is charged to the stream's byte budget as it grows (given back with the stream's other bytes).
 */
async function inflate(ctx: EngineContext, reader: StreamReader, msg: Uint8Array): Promise<Uint8Array> {
  const slice = ctx.config.streamSliceBytes;
  let held = 0;
  try {
    const d = stepDecompress(parseCompress(msg), ctx.config.maxDecompressedBytes);
    await runSteps(
      ctx,
      (n) => {
        const done = d.step(n);
        reader.charge(d.held - held);
        held = d.held;
        return done;
      },
      slice,
    );
    return d.result();
  } catch (err) {
    throw asMemberlistError(err, 'compressed stream message');
  }
}

/** Concatenates two byte arrays. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
