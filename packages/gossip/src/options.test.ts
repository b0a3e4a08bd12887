import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Keyring, encodeKeyBase64 } from '@gossip/keyring';
import { NodeOptionsError } from './errors.js';
import { DEFAULT_PORT, PRESETS, type NodeOptions, resolveNodeOptions } from './options.js';

const key16 = new Uint8Array(16).fill(1);
const key32 = new Uint8Array(32).fill(2);

function rejection(options: NodeOptions): NodeOptionsError {
  try {
    resolveNodeOptions(options);
  } catch (err) {
    if (err instanceof NodeOptionsError) return err;
    throw err;
  }
  throw new Error('expected a NodeOptionsError');
}

describe('resolveNodeOptions', () => {
  it('given no options, then the node is named after the host, binds 0.0.0.0:7946 with LAN timings and no encryption', () => {
    const { core, socket, keyring } = resolveNodeOptions({});
    expect(core.name).toBe(hostname());
    expect(socket).toEqual({ bindAddress: '0.0.0.0', bindPort: DEFAULT_PORT });
    expect(core).toMatchObject(PRESETS.lan());
    expect(keyring).toBeUndefined();
  });

  it('given a preset and tunable overrides, then overrides win over the preset', () => {
    const { core } = resolveNodeOptions({ preset: 'wan', probeIntervalMs: 250, enableCompression: false });
    expect(core).toMatchObject({ ...PRESETS.wan(), probeIntervalMs: 250, enableCompression: false });
    expect(resolveNodeOptions({ preset: 'local' }).core.gossipIntervalMs).toBe(100);
  });

  it('given bind and advertise addresses, including IPv6 and port 0, then they are split for the transport', () => {
    expect(resolveNodeOptions({ bind: '127.0.0.1:0', advertise: '10.1.2.3:8000' }).socket).toEqual({
      bindAddress: '127.0.0.1',
      bindPort: 0,
      advertiseAddress: '10.1.2.3',
      advertisePort: 8000,
    });
    expect(resolveNodeOptions({ bind: '[::1]:7000' }).socket).toEqual({ bindAddress: '::1', bindPort: 7000 });
  });

  it('given keys as base64 strings and bytes, then a keyring is built with the first key as primary', () => {
    const { keyring } = resolveNodeOptions({ keys: [encodeKeyBase64(key32), key16] });
    expect(keyring!.primaryKey()).toEqual(key32);
    expect(keyring!.keys()).toEqual([key32, key16]);
  });

  it('given a keyring, then that very keyring is used (so rotating it rotates the node)', () => {
    const ring = new Keyring([key16]);
    expect(resolveNodeOptions({ keyring: ring }).keyring).toBe(ring);
  });

  it('given delegates, a logger and label options, then they are passed to core unchanged', () => {
    const delegate = { notifyMsg: () => {} };
    const logger = console;
    const { core } = resolveNodeOptions({ delegate, logger, label: 'prod', skipInboundLabelCheck: true });
    expect(core.delegate).toBe(delegate);
    expect(core.logger).toBe(logger);
    expect(core).toMatchObject({ label: 'prod', skipInboundLabelCheck: true });
  });

  it('given a rejoin setting, then it is passed to core (every core config field is reachable from createNode)', () => {
    const rejoin = { intervalMs: 5_000, seeds: ['10.0.0.1:7946'] };
    expect(resolveNodeOptions({ rejoin }).core.rejoin).toBe(rejoin);
  });

  it.each<[string, NodeOptions, string, string]>([
    ['an inherited property name', { toString: 1 } as unknown as NodeOptions, 'ERR_UNKNOWN_OPTION', 'toString'],
    ['a rejoin that is not an object', { rejoin: 5 } as unknown as NodeOptions, 'ERR_INVALID_OPTION', 'rejoin'],
    ['a misspelt tunable', { probeInterval: 100 } as NodeOptions, 'ERR_UNKNOWN_OPTION', 'probeInterval'],
    ['a tunable of the wrong type', { probeIntervalMs: '100' } as unknown as NodeOptions, 'ERR_INVALID_OPTION', 'probeIntervalMs'],
    ['a NaN tunable', { gossipNodes: Number.NaN }, 'ERR_INVALID_OPTION', 'gossipNodes'],
    ['an unknown preset', { preset: 'moon' } as unknown as NodeOptions, 'ERR_INVALID_OPTION', 'preset'],
    ['an empty name', { name: '' }, 'ERR_INVALID_OPTION', 'name'],
    ['a bind without port', { bind: '127.0.0.1' }, 'ERR_INVALID_OPTION', 'bind'],
    ['a bind to a host name', { bind: 'localhost:7946' }, 'ERR_INVALID_OPTION', 'bind'],
    ['a bind with a bad port', { bind: '127.0.0.1:70000' }, 'ERR_INVALID_OPTION', 'bind'],
    ['an advertise with port 0', { advertise: '10.0.0.1:0' }, 'ERR_INVALID_OPTION', 'advertise'],
    ['both keys and keyring', { keys: [key16], keyring: new Keyring([key16]) }, 'ERR_CONFLICTING_OPTIONS', 'keys'],
    ['an empty key list', { keys: [] }, 'ERR_INVALID_OPTION', 'keys'],
    ['a key of the wrong size', { keys: [new Uint8Array(20)] }, 'ERR_INVALID_OPTION', 'keys'],
    ['a key that is not base64', { keys: ['not a key!'] }, 'ERR_INVALID_OPTION', 'keys[0]'],
    ['a key of the wrong type', { keys: [42] } as unknown as NodeOptions, 'ERR_INVALID_OPTION', 'keys[0]'],
    ['a keyring that is not a Keyring', { keyring: {} } as unknown as NodeOptions, 'ERR_INVALID_OPTION', 'keyring'],
    ['a label that is not a string', { label: 7 } as unknown as NodeOptions, 'ERR_INVALID_OPTION', 'label'],
    ['a delegate that is not an object', { delegate: 'x' } as unknown as NodeOptions, 'ERR_INVALID_OPTION', 'delegate'],
    ['cidrsAllowed that is not a list', { cidrsAllowed: '10.0.0.0/8' } as unknown as NodeOptions, 'ERR_INVALID_OPTION', 'cidrsAllowed'],
  ])('given %s, then it throws NodeOptionsError %s naming %s', (_what, options, code, option) => {
    const err = rejection(options);
    expect(err.code).toBe(code);
    expect(err.option).toBe(option);
    expect(err.message).toContain(option);
  });
});
