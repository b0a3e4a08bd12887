import { describe, expect, it } from 'vitest';
import { KeyringError } from './errors.js';
import { Keyring, type KeyringChange } from './keyring.js';
import { decodeKeyBase64, encodeKeyBase64 } from './keys.js';

const k16 = new Uint8Array(16).fill(1);
const k24 = new Uint8Array(24).fill(2);
const k32 = new Uint8Array(32).fill(3);
const other16 = new Uint8Array(16).fill(4);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyringError);
    return (error as KeyringError).code;
  }
  return undefined;
}

describe('Keyring construction', () => {
  it('given keys primary first, then keys() keeps that order and primaryKey() is the first', () => {
    const ring = new Keyring([k16, k24, k32]);
    expect(ring.keys()).toEqual([k16, k24, k32]);
    expect(ring.primaryKey()).toEqual(k16);
    expect(ring.size).toBe(3);
  });

  it('given duplicate keys, then each is installed once (AddKey is a no-op for an installed key)', () => {
    expect(new Keyring([k16, k24, k16.slice()]).keys()).toEqual([k16, k24]);
  });

  it('given no keys, then it fails with ERR_NO_KEYS', () => {
    expect(codeOf(() => new Keyring([]))).toBe('ERR_NO_KEYS');
  });

  it.each([0, 1, 15, 17, 23, 31, 33, 64])('given a %i-byte key, then it fails with ERR_KEY_SIZE', (n) => {
    expect(codeOf(() => new Keyring([new Uint8Array(n)]))).toBe('ERR_KEY_SIZE');
  });

  it('given a non-Uint8Array key, then it fails with ERR_KEY_SIZE', () => {
    expect(codeOf(() => new Keyring(['0123456789abcdef' as unknown as Uint8Array]))).toBe('ERR_KEY_SIZE');
  });

  it('given the caller mutates its key array afterwards, then the keyring is unaffected', () => {
    const key = k16.slice();
    const ring = new Keyring([key]);
    key.fill(9);
    expect(ring.primaryKey()).toEqual(k16);
    ring.primaryKey().fill(7);
    expect(ring.primaryKey()).toEqual(k16);
  });
});

describe('Keyring.fromBase64', () => {
  it('given standard base64 keys, then they decode primary first', () => {
    const ring = Keyring.fromBase64([encodeKeyBase64(k32), ` ${encodeKeyBase64(k16)}\n`]);
    expect(ring.keys()).toEqual([k32, k16]);
  });

  it.each(['', 'not base64!', 'AAAA', 'QUJD'])('given %j, then it fails with a typed code', (text) => {
    expect(['ERR_KEY_ENCODING', 'ERR_KEY_SIZE']).toContain(codeOf(() => decodeKeyBase64(text)));
  });

  it('given base64 of a 20-byte value, then it fails with ERR_KEY_SIZE', () => {
    expect(codeOf(() => decodeKeyBase64(Buffer.alloc(20).toString('base64')))).toBe('ERR_KEY_SIZE');
  });

  it('given an empty list, then it fails with ERR_NO_KEYS', () => {
    expect(codeOf(() => Keyring.fromBase64([]))).toBe('ERR_NO_KEYS');
  });
});

describe('Keyring rotation (install everywhere → use everywhere → remove everywhere)', () => {
  it('given a new key, when added, then it is installed as secondary and the primary is unchanged', () => {
    const ring = new Keyring([k16]);
    expect(ring.addKey(k32)).toBe(true);
    expect(ring.keys()).toEqual([k16, k32]);
    expect(ring.has(k32)).toBe(true);
  });

  it('given an installed key, when added again, then nothing changes', () => {
    const ring = new Keyring([k16, k32]);
    expect(ring.addKey(k32.slice())).toBe(false);
    expect(ring.keys()).toEqual([k16, k32]);
  });

  it('given an installed secondary, when used, then it becomes primary and the old primary stays installed', () => {
    const ring = new Keyring([k16, k24, k32]);
    expect(ring.useKey(k32)).toBe(true);
    expect(ring.keys()).toEqual([k32, k16, k24]);
    expect(ring.useKey(k32)).toBe(false);
  });

  it('given a key that is not installed, when used, then it fails with ERR_KEY_NOT_INSTALLED', () => {
    const ring = new Keyring([k16]);
    expect(codeOf(() => ring.useKey(other16))).toBe('ERR_KEY_NOT_INSTALLED');
    expect(codeOf(() => ring.useKey(new Uint8Array(5)))).toBe('ERR_KEY_NOT_INSTALLED');
  });

  it('given the primary, when removed, then it fails with ERR_REMOVE_PRIMARY', () => {
    const ring = new Keyring([k16, k32]);
    expect(codeOf(() => ring.removeKey(k16))).toBe('ERR_REMOVE_PRIMARY');
    expect(ring.size).toBe(2);
  });

  it('given a secondary, when removed, then only it disappears; removing an unknown key is a no-op', () => {
    const ring = new Keyring([k16, k24, k32]);
    expect(ring.removeKey(k24)).toBe(true);
    expect(ring.keys()).toEqual([k16, k32]);
    expect(ring.removeKey(other16)).toBe(false);
    expect(ring.keys()).toEqual([k16, k32]);
  });

  it('given the full recipe, then the ring ends with only the new key', () => {
    const ring = new Keyring([k16]);
    ring.addKey(k32);
    ring.useKey(k32);
    ring.removeKey(k16);
    expect(ring.keys()).toEqual([k32]);
  });
});

describe('Keyring.onChange', () => {
  it('given a listener, then it hears effective changes only, with the primary after each change', () => {
    const ring = new Keyring([k16]);
    const seen: KeyringChange[] = [];
    const stop = ring.onChange((c) => seen.push(c));
    ring.addKey(k32);
    ring.addKey(k32);
    ring.useKey(k32);
    ring.useKey(k32);
    ring.removeKey(k16);
    ring.removeKey(k16);
    stop();
    ring.addKey(k24);
    expect(seen.map((c) => [c.type, c.key[0], c.primary[0], c.size])).toEqual([
      ['install', 3, 1, 2],
      ['use', 3, 3, 2],
      ['remove', 1, 3, 1],
    ]);
  });

  it('given a throwing listener, then the change stays applied, later listeners still run and the error surfaces', () => {
    const ring = new Keyring([k16]);
    const boom = new Error('listener failed');
    let ran = false;
    ring.onChange(() => {
      throw boom;
    });
    ring.onChange(() => {
      ran = true;
    });
    expect(() => ring.addKey(k32)).toThrow(boom);
    expect(ran).toBe(true);
    expect(ring.has(k32)).toBe(true);
  });
});
