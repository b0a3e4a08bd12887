import { describe, expect, it } from 'vitest';
import { DecryptError } from './errors.js';
import { Keyring } from './keyring.js';
import { ENCRYPT_OVERHEAD_V0, ENCRYPT_OVERHEAD_V1 } from './index.js';
import { decryptPacket } from './packet.js';
import { PacketSecurity } from './security.js';

const key = new Uint8Array(16).fill(0x11);
const otherKey = new Uint8Array(16).fill(0x22);
const ping = new Uint8Array([0x00, 0x82, 0xa4, 0x4e, 0x6f, 0x64, 0x65, 0xa1, 0x62, 0xa5, 0x53, 0x65, 0x71, 0x4e, 0x6f, 0x01]);
const pushPull = new Uint8Array([0x06, 0x83, 0xa4, 0x4a, 0x6f, 0x69, 0x6e, 0xc3]);

function fixedNonces(): (n: number) => Uint8Array {
  let i = 0;
  return (n) => new Uint8Array(n).fill(++i);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptError);
    return (error as DecryptError).code;
  }
  return undefined;
}

describe('PacketSecurity without a keyring', () => {
  const plain = new PacketSecurity();

  it('given a payload, then sealPacket/openPacket pass it through and the overhead is 0', () => {
    expect(plain.sealPacket(ping)).toBe(ping);
    expect(plain.openPacket(ping)).toEqual({ payload: ping, encrypted: false });
    expect(plain.packetOverhead).toBe(0);
    expect(plain.encryptionEnabled).toBe(false);
  });

  it('given an encrypted stream (0x0a), then ERR_ENCRYPTION_NOT_CONFIGURED; a plain stream passes', () => {
    const sealed = new PacketSecurity({ keyring: new Keyring([key]) }).sealStream(pushPull);
    expect(codeOf(() => plain.openStream(sealed))).toBe('ERR_ENCRYPTION_NOT_CONFIGURED');
    expect(plain.openStream(pushPull)).toEqual({ payload: pushPull, encrypted: false });
  });
});

describe('PacketSecurity with a keyring and both switches on (memberlist defaults)', () => {
  const security = new PacketSecurity({ keyring: new Keyring([key]), randomBytes: fixedNonces() });

  it('given a packet, then it is sealed with the injected nonce and opens again', () => {
    const sealed = security.sealPacket(ping);
    expect(sealed[0]).toBe(1);
    expect(sealed.subarray(1, 13)).toEqual(new Uint8Array(12).fill(1));
    expect(security.openPacket(sealed)).toEqual({ payload: ping, encrypted: true });
    expect(security.packetOverhead).toBe(ENCRYPT_OVERHEAD_V1);
  });

  it('given a plaintext packet, then it is dropped with ERR_DECRYPT/ERR_TOO_SHORT', () => {
    expect(codeOf(() => security.openPacket(ping))).toBe('ERR_TOO_SHORT');
    expect(codeOf(() => security.openPacket(new Uint8Array(64).fill(1)))).toBe('ERR_DECRYPT');
  });

  it('given a plaintext stream, then ERR_NOT_ENCRYPTED', () => {
    expect(codeOf(() => security.openStream(pushPull))).toBe('ERR_NOT_ENCRYPTED');
    expect(() => security.inspectStreamStart(0x06)).toThrow(DecryptError);
    expect(security.inspectStreamStart(0x0a)).toBe('encrypted');
  });

  it('given a stream, then it is framed and opens whole or as header + blob', () => {
    const sealed = security.sealStream(pushPull);
    expect(security.openStream(sealed)).toEqual({ payload: pushPull, encrypted: true });
    expect(security.openStreamBlob(sealed.subarray(0, 5), sealed.subarray(5))).toEqual(pushPull);
    expect(codeOf(() => security.openStream(new Uint8Array(0)))).toBe('ERR_TOO_SHORT');
  });

  it('given protocol version 1, then it seals with version 0 and reserves 45 bytes', () => {
    const v0 = security.with({ protocolVersion: 1 });
    expect(v0.sealPacket(ping)[0]).toBe(0);
    expect(v0.sealStream(pushPull)[5]).toBe(0);
    expect(v0.packetOverhead).toBe(ENCRYPT_OVERHEAD_V0);
    expect(security.openPacket(v0.sealPacket(ping)).payload).toEqual(ping);
  });
});

describe('PacketSecurity label', () => {
  const ring = new Keyring([key]);
  const prod = new PacketSecurity({ keyring: ring, label: 'prod' });
  const dev = prod.with({ label: 'dev' });
  const none = prod.with({ label: undefined });

  it('given a label, then it is the AAD of packets and streams', () => {
    const sealed = prod.sealPacket(ping);
    expect(decryptPacket(ring, sealed, { aad: new TextEncoder().encode('prod') })).toEqual(ping);
    expect(prod.openPacket(sealed).payload).toEqual(ping);
    expect(prod.openStream(prod.sealStream(pushPull)).payload).toEqual(pushPull);
  });

  it('given another or no label, then packets and streams are rejected', () => {
    expect(codeOf(() => dev.openPacket(prod.sealPacket(ping)))).toBe('ERR_DECRYPT');
    expect(codeOf(() => none.openPacket(prod.sealPacket(ping)))).toBe('ERR_DECRYPT');
    expect(codeOf(() => none.openStream(prod.sealStream(pushPull)))).toBe('ERR_DECRYPT');
  });

  it('given a label over 255 bytes, then construction fails with ERR_LABEL_SIZE', () => {
    expect(() => new PacketSecurity({ label: 'l'.repeat(256) })).toThrow(
      expect.objectContaining({ code: 'ERR_LABEL_SIZE' }),
    );
  });
});

describe('moving a live cluster to encryption with the verify switches (PROTOCOL.md §5.1 step 2, §6.2)', () => {
  const ring = new Keyring([key]);
  const plaintextNode = new PacketSecurity();
  const stage1 = new PacketSecurity({ keyring: ring, gossipVerifyIncoming: false, gossipVerifyOutgoing: false });
  const stage2 = stage1.with({ gossipVerifyOutgoing: true });
  const stage3 = stage2.with({ gossipVerifyIncoming: true });

  it('given stage 1 (keys, both switches off), then it sends plaintext and accepts plaintext and encrypted', () => {
    expect(stage1.sealPacket(ping)).toBe(ping);
    expect(stage1.sealStream(pushPull)).toBe(pushPull);
    expect(stage1.packetOverhead).toBe(0);
    expect(stage1.openPacket(plaintextNode.sealPacket(ping))).toEqual({ payload: ping, encrypted: false });
    expect(stage1.openPacket(stage2.sealPacket(ping))).toEqual({ payload: ping, encrypted: true });
    expect(stage1.openStream(pushPull)).toEqual({ payload: pushPull, encrypted: false });
    expect(stage1.openStream(stage2.sealStream(pushPull))).toEqual({ payload: pushPull, encrypted: true });
  });

  it('given stage 2 (outgoing on), then it sends encrypted and still accepts plaintext from stage-1 nodes', () => {
    expect(stage2.openPacket(stage2.sealPacket(ping)).encrypted).toBe(true);
    expect(stage2.openPacket(stage1.sealPacket(ping))).toEqual({ payload: ping, encrypted: false });
    expect(stage2.openStream(stage1.sealStream(pushPull)).encrypted).toBe(false);
  });

  it('given stage 3 (both on), then plaintext is dropped and encrypted traffic flows', () => {
    expect(codeOf(() => stage3.openPacket(stage1.sealPacket(ping)))).toBe('ERR_TOO_SHORT');
    expect(codeOf(() => stage3.openStream(stage1.sealStream(pushPull)))).toBe('ERR_NOT_ENCRYPTED');
    expect(stage3.openPacket(stage2.sealPacket(ping)).payload).toEqual(ping);
  });

  it('given verifyIncoming off and an encrypted stream under a wrong key, then it is still rejected (no fallback on streams)', () => {
    const foreign = new PacketSecurity({ keyring: new Keyring([otherKey]) });
    expect(codeOf(() => stage1.openStream(foreign.sealStream(pushPull)))).toBe('ERR_DECRYPT');
    // ...while the same situation on UDP falls back to plaintext, exactly like memberlist's ingestPacket.
    const sealed = foreign.sealPacket(ping);
    expect(stage1.openPacket(sealed)).toEqual({ payload: sealed, encrypted: false });
  });

  it('given a key rotation under way, then the same PacketSecurity follows the keyring', () => {
    const local = new Keyring([key]);
    const security = new PacketSecurity({ keyring: local });
    const peer = new PacketSecurity({ keyring: new Keyring([otherKey, key]) });
    expect(codeOf(() => security.openPacket(peer.sealPacket(ping)))).toBe('ERR_DECRYPT');
    local.addKey(otherKey);
    expect(security.openPacket(peer.sealPacket(ping)).payload).toEqual(ping);
  });
});
