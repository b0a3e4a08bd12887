/**
 * The set of AES keys a node encrypts and decrypts with, mirroring memberlist's `keyring.go`: the first key is the
 * primary (the only one used to encrypt, the first tried to decrypt); the others are accepted on receive so a key
 * can be rotated across a live cluster (install everywhere, then use everywhere, then remove everywhere).
 */
import { KeyringError } from './errors.js';
import { decodeKeyBase64, keysEqual, prepareKey, validateKey, type PreparedKey } from './keys.js';

/** What changed in a {@link Keyring}; delivered to {@link Keyring.onChange} listeners after the change. */
export interface KeyringChange {
  /** `install`: a new key was added; `use`: the primary changed; `remove`: a key was dropped. */
  readonly type: 'install' | 'use' | 'remove';
  /** The key that was installed, made primary or removed (a copy). */
  readonly key: Uint8Array;
  /** The primary key after the change (a copy). */
  readonly primary: Uint8Array;
  /** Number of installed keys after the change. */
  readonly size: number;
}

/** A listener for keyring changes. */
export type KeyringListener = (change: KeyringChange) => void;

let preparedKeysOf: (ring: Keyring) => readonly PreparedKey[];

/**
 * The prepared keys of `ring`, primary first, for this package's ciphers. The array is replaced, never mutated,
 * on each change, so a caller may iterate it safely while the ring changes.
 * @internal not exported from the package entry
 */
export function preparedKeys(ring: Keyring): readonly PreparedKey[] {
  return preparedKeysOf(ring);
}

interface InstalledKey {
  readonly bytes: Uint8Array;
  readonly prepared: PreparedKey;
}

/**
 * An ordered set of 16/24/32-byte AES keys, primary first.
 *
 * Unlike Go's `NewKeyring(nil, nil)`, a `Keyring` is never empty: "no encryption" is expressed by passing no
 * keyring at all, so every keyring can encrypt.
 */
export class Keyring {
  #installed: InstalledKey[] = [];
  #prepared: readonly PreparedKey[] = [];
  #listeners = new Set<KeyringListener>();

  /**
   * @param keys - keys with the primary first; duplicates are ignored (memberlist's `AddKey` is a no-op for an
   *   installed key). Keys are copied.
   * @throws KeyringError `ERR_NO_KEYS` when `keys` is empty, `ERR_KEY_SIZE` for a key that is not 16/24/32 bytes
   */
  constructor(keys: Iterable<Uint8Array>) {
    const list = [...keys];
    if (list.length === 0) {
      throw new KeyringError('ERR_NO_KEYS', 'a keyring needs at least one key (the primary)');
    }
    for (const key of list) validateKey(key);
    for (const key of list) {
      if (this.#indexOf(key) < 0) this.#installed.push(install(key));
    }
    this.#prepared = this.#installed.map((k) => k.prepared);
  }

  /**
   * Builds a keyring from standard base64 keys (primary first), the form operators keep in configuration.
   * @throws KeyringError `ERR_NO_KEYS`, `ERR_KEY_ENCODING` or `ERR_KEY_SIZE`
   */
  static fromBase64(keys: readonly string[]): Keyring {
    return new Keyring(keys.map((k) => decodeKeyBase64(k)));
  }

  /** Number of installed keys (at least 1). */
  get size(): number {
    return this.#installed.length;
  }

  /** The installed keys, primary first (copies). */
  keys(): Uint8Array[] {
    return this.#installed.map((k) => k.bytes.slice());
  }

  /** The key used to encrypt (a copy). */
  primaryKey(): Uint8Array {
    return this.#primary().bytes.slice();
  }

  /** Whether `key` is installed. */
  has(key: Uint8Array): boolean {
    return this.#indexOf(key) >= 0;
  }

  /**
   * Installs `key` for decryption without changing the primary; a no-op when already installed.
   * @returns whether the key was newly installed
   * @throws KeyringError `ERR_KEY_SIZE`
   */
  addKey(key: Uint8Array): boolean {
    validateKey(key);
    if (this.#indexOf(key) >= 0) return false;
    this.#installed.push(install(key));
    this.#emit('install', key);
    return true;
  }

  /**
   * Makes an installed key the primary (the one used to encrypt). Peers should have installed it first, or they
   * will drop what this node sends.
   * @returns whether the primary changed (false when `key` already was the primary)
   * @throws KeyringError `ERR_KEY_NOT_INSTALLED` (also for a key of invalid size, which cannot be installed)
   */
  useKey(key: Uint8Array): boolean {
    const index = key instanceof Uint8Array ? this.#indexOf(key) : -1;
    if (index < 0) throw new KeyringError('ERR_KEY_NOT_INSTALLED', 'requested key is not in the keyring');
    if (index === 0) return false;
    const [chosen] = this.#installed.splice(index, 1);
    this.#installed.unshift(chosen!);
    this.#emit('use', key);
    return true;
  }

  /**
   * Drops a secondary key; a no-op for a key that is not installed (as in memberlist).
   * @returns whether a key was removed
   * @throws KeyringError `ERR_REMOVE_PRIMARY` when `key` is the primary
   */
  removeKey(key: Uint8Array): boolean {
    const index = key instanceof Uint8Array ? this.#indexOf(key) : -1;
    if (index === 0) throw new KeyringError('ERR_REMOVE_PRIMARY', 'removing the primary key is not allowed');
    if (index < 0) return false;
    this.#installed.splice(index, 1);
    this.#emit('remove', key);
    return true;
  }

  /**
   * Registers a listener called synchronously after every effective change (no-ops are not reported). A
   * listener that throws does not undo the change; the error propagates to the caller of the mutating method
   * after all listeners ran.
   * @returns a function that unregisters the listener
   */
  onChange(listener: KeyringListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  static {
    // Gives the ciphers of this package (and nothing exported) access to the prepared keys.
    preparedKeysOf = (ring) => ring.#prepared;
  }

  #primary(): InstalledKey {
    // The constructor guarantees one key and the primary can never be removed.
    return this.#installed[0]!;
  }

  #indexOf(key: Uint8Array): number {
    return this.#installed.findIndex((k) => keysEqual(k.bytes, key));
  }

  #emit(type: KeyringChange['type'], key: Uint8Array): void {
    this.#prepared = this.#installed.map((k) => k.prepared);
    if (this.#listeners.size === 0) return;
    const change: KeyringChange = {
      type,
      key: key.slice(),
      primary: this.primaryKey(),
      size: this.#installed.length,
    };
    let failure: { error: unknown } | undefined;
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

function install(key: Uint8Array): InstalledKey {
  return { bytes: key.slice(), prepared: prepareKey(key) };
}
