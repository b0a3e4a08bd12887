/**
 * Adapts a live {@link Keyring} to core's {@link PacketCipher}. Core decides the encryption version and the
 * additional data; the keyring seals with its primary key and opens with every installed key. The adapter holds
 * the keyring itself, not a snapshot, so `addKey` / `useKey` / `removeKey` take effect on the next packet.
 */
import type { PacketCipher } from '@gossip/core';
import { type Keyring, SteppedOpen, decryptPacket, encryptPacket } from '@gossip/keyring';

/** A {@link PacketCipher} backed by `keyring`; rotating the keyring rotates every node using this cipher. */
export function keyringCipher(keyring: Keyring): PacketCipher {
  return {
    encrypt: (plaintext, aad, version) => encryptPacket(keyring, plaintext, { version, aad }),
    decrypt: (data, aad) => decryptPacket(keyring, data, { aad }),
    decryptInSteps: (data, aad) => new SteppedOpen(keyring, data, { aad }),
  };
}
