/**
 * Opening a large encrypted payload (a stream frame of up to 20 MiB) a slice at a time, so a caller on an event
 * loop can yield between slices: AES-GCM of 10 MiB takes 13–38 ms on a loaded 2-core machine, too long for one
 * turn. The result is exactly that of `decryptPacket`. GCM authenticates only at the end, so the plaintext is
 * gathered privately and handed out only once a key's tag check has passed; with several keys, each is tried in
 * turn over the whole payload, in keyring order, as `decryptPacket` does.
 */
import { createDecipheriv, type DecipherGCM } from 'node:crypto';
import { TAG_SIZE } from '@gossip/wire';
import { DecryptError } from './errors.js';
import type { PreparedKey } from './keys.js';
import { type BlobParts, type DecryptKeys, type DecryptOptions, allOf, asUint8Array, splitBlob, unpad } from './packet.js';

/** One payload being opened in slices; see the module comment. */
export class SteppedOpen {
  private readonly keys: readonly PreparedKey[];
  private readonly parts: BlobParts;
  private readonly plain: Buffer;
  private readonly aad: Uint8Array | undefined;
  private keyIndex = 0;
  private decipher: DecipherGCM | undefined;
  private offset = 0;
  private opened: Uint8Array | undefined;

  /** Checks the version and length at once (`ERR_TOO_SHORT`, `ERR_UNKNOWN_VERSION`); decrypts nothing yet. */
  constructor(keys: DecryptKeys, blob: Uint8Array, options: DecryptOptions = {}) {
    this.keys = allOf(keys);
    this.parts = splitBlob(blob);
    this.aad = options.aad;
    this.plain = Buffer.allocUnsafe(this.parts.ciphertext.length);
  }

  /** Whether a key has authenticated the payload. */
  get done(): boolean {
    return this.opened !== undefined;
  }

  /**
   * Decrypts up to `bytes` more bytes of ciphertext (checking the tag when the end is reached); returns
   * {@link SteppedOpen.done}. Throws `ERR_DECRYPT` once every key has failed, `ERR_BAD_PADDING` for a bad
   * version-0 pad count.
   */
  step(bytes: number): boolean {
    if (this.opened !== undefined) return true;
    const { nonce, ciphertext, tag } = this.parts;
    const key = this.keys[this.keyIndex];
    if (key === undefined) throw this.failed();
    if (this.decipher === undefined) {
      this.decipher = createDecipheriv(key.algorithm, key.secret, nonce, { authTagLength: TAG_SIZE });
      this.decipher.setAuthTag(tag);
      if (this.aad !== undefined && this.aad.length > 0) this.decipher.setAAD(this.aad);
      this.offset = 0;
    }
    const end = Math.min(ciphertext.length, this.offset + Math.max(1, bytes));
    const chunk = this.decipher.update(ciphertext.subarray(this.offset, end));
    // GCM is a stream mode: each update yields exactly as many bytes as it was given.
    chunk.copy(this.plain, this.offset);
    this.offset = end;
    if (end < ciphertext.length) return false;
    try {
      this.decipher.final(); // throws when the tag does not authenticate
    } catch {
      this.decipher = undefined;
      this.keyIndex++;
      if (this.keyIndex >= this.keys.length) throw this.failed();
      return false;
    }
    this.opened = asUint8Array(this.parts.version === 0 ? unpad(this.plain) : this.plain);
    return true;
  }

  /** The plaintext, once a key has authenticated it. */
  result(): Uint8Array {
    if (this.opened === undefined) throw new DecryptError('ERR_DECRYPT', 'payload not authenticated yet');
    return this.opened;
  }

  private failed(): DecryptError {
    return new DecryptError('ERR_DECRYPT', `no installed key could decrypt the message (${this.keys.length} tried)`);
  }
}
