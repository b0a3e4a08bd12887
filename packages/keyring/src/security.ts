/**
 * The encryption layer of a node, as one immutable value: memberlist's keyring plus its `GossipVerifyIncoming` /
 * `GossipVerifyOutgoing` switches (PROTOCOL.md §5.1 step 2 and 4, §6.2). The switches let a running cluster move to
 * encryption (or away from it) without a restart: nodes first accept both, then send encrypted, then require it.
 *
 * Label framing (`0xf4 len label`) is not handled here: the caller strips and checks the label header with
 * `@gossip/wire` before {@link PacketSecurity.openPacket}, and prepends it after {@link PacketSecurity.sealPacket}.
 * The label configured here is only the GCM additional data, which must match the header's label.
 */
import { DecryptError } from './errors.js';
import type { Keyring } from './keyring.js';
import { labelBytes, type Label } from './label.js';
import type { RandomBytes } from './nonce.js';
import { encryptOverhead, type EncryptionVersion } from '@gossip/wire';
import { decryptPacket, encryptPacket, encryptionVersionFor } from './packet.js';
import {
  ENCRYPT_MSG_TYPE,
  decryptStreamBlob,
  decryptStreamFrame,
  encryptStreamFrame,
  STREAM_FRAME_HEADER_SIZE,
} from './stream.js';

/** Configuration of a {@link PacketSecurity}; mirrors the memberlist `Config` fields of the same names. */
export interface PacketSecurityOptions {
  /** Keys; absent means encryption is disabled (Go: `Keyring == nil` or empty). */
  readonly keyring?: Keyring | undefined;
  /** Drop inbound packets/streams that are not encrypted with an installed key. Default true. */
  readonly gossipVerifyIncoming?: boolean;
  /** Encrypt outbound packets/streams. Default true. */
  readonly gossipVerifyOutgoing?: boolean;
  /** Cluster label (HEAD), authenticated as GCM AAD; empty or absent for none. */
  readonly label?: Label | undefined;
  /** This node's protocol version (pcur); 1 selects encryption version 0, otherwise 1. Default 2. */
  readonly protocolVersion?: number;
  /** Nonce source; default node:crypto (pooled). Inject a deterministic one in tests. */
  readonly randomBytes?: RandomBytes | undefined;
}

/** Result of opening an inbound packet or stream frame. */
export interface OpenedPayload {
  /** The bytes for the next layer (CRC/compound/compress for packets; the plain or compressed stream frame). */
  readonly payload: Uint8Array;
  /** Whether the input was decrypted; false when encryption is off or plaintext was accepted by the fallback. */
  readonly encrypted: boolean;
}

/** How a stream must be read after its first byte. */
export type StreamStart = 'encrypted' | 'plain';

/**
 * Seals outbound and opens inbound packets and stream frames according to a keyring and the verify switches.
 * Immutable; derive a changed configuration with {@link PacketSecurity.with}. Key rotation does not need a new
 * instance: the keyring is read at each call.
 */
export class PacketSecurity {
  /** The keyring, if encryption is configured. */
  readonly keyring: Keyring | undefined;
  /** `GossipVerifyIncoming`. */
  readonly gossipVerifyIncoming: boolean;
  /** `GossipVerifyOutgoing`. */
  readonly gossipVerifyOutgoing: boolean;
  /** Label bytes used as AAD (empty for none). */
  readonly label: Uint8Array;
  /** Encryption version this node sends. */
  readonly encryptionVersion: EncryptionVersion;
  readonly #options: PacketSecurityOptions;
  readonly #randomBytes: RandomBytes | undefined;

  /**
   * @throws KeyringError `ERR_LABEL_SIZE` for a label over 255 bytes
   */
  constructor(options: PacketSecurityOptions = {}) {
    this.#options = { ...options };
    this.keyring = options.keyring;
    this.gossipVerifyIncoming = options.gossipVerifyIncoming ?? true;
    this.gossipVerifyOutgoing = options.gossipVerifyOutgoing ?? true;
    this.label = labelBytes(options.label).slice();
    this.encryptionVersion = encryptionVersionFor(options.protocolVersion ?? 2);
    this.#randomBytes = options.randomBytes;
  }

  /** A copy with some options changed (e.g. flipping a verify switch during a migration). */
  with(changes: PacketSecurityOptions): PacketSecurity {
    return new PacketSecurity({ ...this.#options, ...changes });
  }

  /** Whether a keyring is configured (Go `EncryptionEnabled`). */
  get encryptionEnabled(): boolean {
    return this.keyring !== undefined;
  }

  /** Whether outbound packets and streams are encrypted. */
  get sealsOutgoing(): boolean {
    return this.keyring !== undefined && this.gossipVerifyOutgoing;
  }

  /** Bytes to reserve in a UDP budget for encryption: 29 (v1) or 45 (v0) when sealing, else 0. */
  get packetOverhead(): number {
    return this.sealsOutgoing ? encryptOverhead(this.encryptionVersion) : 0;
  }

  /**
   * Encrypts an outbound packet payload (after compression and CRC, before the label header) when
   * {@link sealsOutgoing}; otherwise returns it unchanged.
   */
  sealPacket(payload: Uint8Array): Uint8Array {
    if (!this.sealsOutgoing) return payload;
    return encryptPacket(this.keyring!, payload, {
      version: this.encryptionVersion,
      aad: this.label,
      randomBytes: this.#randomBytes,
    });
  }

  /**
   * Opens an inbound packet (label header already stripped). With a keyring: decrypt with every installed key;
   * if that fails and `gossipVerifyIncoming` is false, the bytes are passed on as plaintext (memberlist's
   * migration fallback); otherwise the packet is rejected.
   * @throws DecryptError when the packet must be dropped
   */
  openPacket(packet: Uint8Array): OpenedPayload {
    if (this.keyring === undefined) return { payload: packet, encrypted: false };
    try {
      return { payload: decryptPacket(this.keyring, packet, { aad: this.label }), encrypted: true };
    } catch (error) {
      if (!this.gossipVerifyIncoming && error instanceof DecryptError) return { payload: packet, encrypted: false };
      throw error;
    }
  }

  /**
   * Wraps an outbound stream frame (plain or compressed message) as `0x0a | N | blob` when
   * {@link sealsOutgoing}; otherwise returns it unchanged.
   * @throws KeyringError `ERR_FRAME_TOO_LARGE` beyond 20 MiB
   */
  sealStream(frame: Uint8Array): Uint8Array {
    if (!this.sealsOutgoing) return frame;
    return encryptStreamFrame(this.keyring!, frame, {
      version: this.encryptionVersion,
      label: this.label,
      randomBytes: this.#randomBytes,
    });
  }

  /**
   * Decides from a stream's first byte (after any label header) whether to read an encrypted frame header next
   * (`encrypted`: read {@link STREAM_FRAME_HEADER_SIZE} bytes, then N) or a plain message (`plain`). Unlike packets,
   * streams have no plaintext fallback for a frame that fails to decrypt.
   * @throws DecryptError `ERR_ENCRYPTION_NOT_CONFIGURED` (0x0a without a keyring), `ERR_NOT_ENCRYPTED` (plain
   *   stream while a keyring is set and `gossipVerifyIncoming` is true)
   */
  inspectStreamStart(firstByte: number): StreamStart {
    if (firstByte === ENCRYPT_MSG_TYPE) {
      if (this.keyring === undefined) {
        throw new DecryptError(
          'ERR_ENCRYPTION_NOT_CONFIGURED',
          'remote state is encrypted and encryption is not configured',
        );
      }
      return 'encrypted';
    }
    if (this.keyring !== undefined && this.gossipVerifyIncoming) {
      throw new DecryptError('ERR_NOT_ENCRYPTED', 'encryption is configured but remote state is not encrypted');
    }
    return 'plain';
  }

  /**
   * Opens a whole inbound stream frame held in memory (see {@link inspectStreamStart} for the rules).
   * @throws DecryptError when the stream must be rejected
   */
  openStream(frame: Uint8Array): OpenedPayload {
    if (frame.length === 0) throw new DecryptError('ERR_TOO_SHORT', 'empty stream');
    if (this.inspectStreamStart(frame[0]!) === 'plain') return { payload: frame, encrypted: false };
    return { payload: decryptStreamFrame(this.keyring!, frame, { label: this.label }), encrypted: true };
  }

  /**
   * Opens an encrypted stream read incrementally: `header` is the 5 bytes checked with `readStreamFrameHeader`,
   * `blob` the N bytes that followed.
   * @throws DecryptError when the stream must be rejected
   */
  openStreamBlob(header: Uint8Array, blob: Uint8Array): Uint8Array {
    if (header.length < STREAM_FRAME_HEADER_SIZE) {
      throw new DecryptError('ERR_TOO_SHORT', `stream frame header needs ${STREAM_FRAME_HEADER_SIZE} bytes`);
    }
    this.inspectStreamStart(header[0]!);
    return decryptStreamBlob(this.keyring!, header, blob, { label: this.label });
  }
}
