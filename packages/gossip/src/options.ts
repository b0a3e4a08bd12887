/**
 * The options of `createNode` and their validation. Everything is checked before a socket is opened, so a typo
 * or a bad key fails fast with a {@link NodeOptionsError} naming the option. Ranges of the protocol tunables are
 * checked by core (`MemberlistError` with code `ERR_CONFIG`), which owns their meaning.
 */
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { type MemberlistConfig, type MemberlistTunables, lanConfig, localConfig, wanConfig } from '@gossip/core';
import { Keyring, decodeKeyBase64 } from '@gossip/keyring';
import { splitHostPort } from '@gossip/transport';
import { NodeOptionsError } from './errors.js';

/** Names of memberlist's preset timings: `DefaultLANConfig`, `DefaultWANConfig`, `DefaultLocalConfig`. */
export type Preset = 'lan' | 'wan' | 'local';

/** The presets by name; each call returns a fresh, mutable copy of the tunables. */
export const PRESETS: Readonly<Record<Preset, () => MemberlistTunables>> = Object.freeze({
  lan: lanConfig,
  wan: wanConfig,
  local: localConfig,
});

/** The default gossip port of memberlist (UDP and TCP). */
export const DEFAULT_PORT = 7946;

/** Core config fields `createNode` provides itself (the runtime seams and encryption). */
type WiredByCreateNode = 'transport' | 'clock' | 'random' | 'cipher';

/** Core config fields passed through unchanged (labels, CIDRs, logger, metrics, delegates, rejoin...). */
type CorePassthrough = Exclude<keyof MemberlistConfig, keyof MemberlistTunables | WiredByCreateNode | 'name'>;

/**
 * Options of `createNode`: where to listen, the preset, encryption, and every field of core's `MemberlistConfig`
 * except the runtime seams it wires itself — delegates, `logger`, `metrics`, `label`, `skipInboundLabelCheck`,
 * `cidrsAllowed`, `disableTcpPingsForNode`, `rejoin`, and any tunable (e.g. `probeIntervalMs`) to override the
 * preset.
 */
export interface NodeOptions extends Partial<MemberlistTunables>, Pick<MemberlistConfig, CorePassthrough> {
  /** Unique node name in the cluster. Default: the host name. */
  name?: string;
  /** `host:port` to bind UDP and TCP to (`[v6]:port` for IPv6). Default `0.0.0.0:7946`; port 0 picks a free one. */
  bind?: string;
  /** `ip:port` peers should use to reach this node, when it differs from the bound one (NAT, containers). */
  advertise?: string;
  /** Timing preset the tunables start from. Default `'lan'`. */
  preset?: Preset;
  /** AES keys (base64 or bytes; 16, 24 or 32 bytes), primary first. Mutually exclusive with `keyring`. */
  keys?: readonly (string | Uint8Array)[];
  /** A keyring to encrypt with; it stays live, so `addKey` / `useKey` / `removeKey` rotate the running node. */
  keyring?: Keyring;
}

/** Validated options, split by the component that consumes them. */
export interface ResolvedNodeOptions {
  /** Everything core needs except the runtime seams (transport, clock, random, cipher). */
  readonly core: Omit<MemberlistConfig, 'transport' | 'clock' | 'random' | 'cipher'>;
  /** Where to bind and what to advertise. */
  readonly socket: { bindAddress: string; bindPort: number; advertiseAddress?: string; advertisePort?: number };
  /** The keyring, if encryption is configured. */
  readonly keyring: Keyring | undefined;
}

const TUNABLE_DEFAULTS: Readonly<MemberlistTunables> = lanConfig();

/**
 * The runtime shape of every pass-through field. `satisfies` makes this list exhaustive: when core's config gains
 * a field, this stops compiling until the umbrella decides how to pass it on.
 */
const PASSTHROUGH_KINDS = {
  label: 'string',
  skipInboundLabelCheck: 'boolean',
  cidrsAllowed: 'string[]',
  disableTcpPingsForNode: 'function',
  logger: 'object',
  metrics: 'object',
  delegate: 'object',
  events: 'object',
  conflict: 'object',
  merge: 'object',
  alive: 'object',
  ping: 'object',
  rejoin: 'object',
} as const satisfies Record<CorePassthrough, 'string' | 'boolean' | 'string[]' | 'function' | 'object'>;

const OWN_OPTIONS = new Set<string>(['name', 'bind', 'advertise', 'preset', 'keys', 'keyring']);

function hasKind(value: unknown, kind: (typeof PASSTHROUGH_KINDS)[CorePassthrough]): boolean {
  switch (kind) {
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'object':
      return typeof value === 'object' && value !== null;
    default:
      return typeof value === kind;
  }
}

function invalid(option: string, message: string, cause?: unknown): NodeOptionsError {
  return new NodeOptionsError('ERR_INVALID_OPTION', option, message, cause === undefined ? undefined : { cause });
}

function parseHostPort(option: string, value: unknown): { host: string; port: number } {
  if (typeof value !== 'string') throw invalid(option, 'must be a "host:port" string');
  let parsed: { host: string; port: number };
  try {
    parsed = splitHostPort(value);
  } catch (err) {
    throw invalid(option, `must be "ip:port" or "[ipv6]:port", got ${JSON.stringify(value)}`, err);
  }
  if (isIP(parsed.host) === 0) throw invalid(option, `host must be an IP literal, got ${JSON.stringify(parsed.host)}`);
  return parsed;
}

function resolveKeyring(options: NodeOptions): Keyring | undefined {
  if (options.keys !== undefined && options.keyring !== undefined) {
    throw new NodeOptionsError('ERR_CONFLICTING_OPTIONS', 'keys', 'give either keys or keyring, not both');
  }
  if (options.keyring !== undefined) {
    if (!(options.keyring instanceof Keyring)) throw invalid('keyring', 'must be a Keyring from @gossip/keyring');
    return options.keyring;
  }
  if (options.keys === undefined) return undefined;
  if (!Array.isArray(options.keys) || options.keys.length === 0) {
    throw invalid('keys', 'must be a non-empty array (omit it for a plaintext cluster)');
  }
  const keys = (options.keys as readonly unknown[]).map((key, i) => {
    if (typeof key === 'string') {
      try {
        return decodeKeyBase64(key);
      } catch (err) {
        throw invalid(`keys[${i}]`, 'is not a base64 AES key of 16, 24 or 32 bytes', err);
      }
    }
    if (key instanceof Uint8Array) return key;
    throw invalid(`keys[${i}]`, 'must be a base64 string or a Uint8Array');
  });
  try {
    return new Keyring(keys);
  } catch (err) {
    throw invalid('keys', err instanceof Error ? err.message : String(err), err);
  }
}

/**
 * Checks `options` and applies defaults (host name, `0.0.0.0:7946`, LAN preset).
 * @throws NodeOptionsError for unknown, mistyped or conflicting options
 */
export function resolveNodeOptions(options: NodeOptions): ResolvedNodeOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!OWN_OPTIONS.has(key) && !Object.hasOwn(TUNABLE_DEFAULTS, key) && !Object.hasOwn(PASSTHROUGH_KINDS, key)) {
      throw new NodeOptionsError('ERR_UNKNOWN_OPTION', key, 'is not an option of createNode');
    }
  }

  const preset = options.preset ?? 'lan';
  if (!Object.hasOwn(PRESETS, preset)) throw invalid('preset', `must be 'lan', 'wan' or 'local', got ${String(preset)}`);
  const tunables: Record<string, unknown> = { ...PRESETS[preset]() };
  for (const [key, fallback] of Object.entries(TUNABLE_DEFAULTS)) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== typeof fallback || (typeof value === 'number' && Number.isNaN(value))) {
      throw invalid(key, `must be a ${typeof fallback}`);
    }
    tunables[key] = value;
  }

  const name = options.name ?? hostname();
  if (typeof name !== 'string' || name.length === 0) throw invalid('name', 'must be a non-empty string');

  const bind = parseHostPort('bind', options.bind ?? `0.0.0.0:${DEFAULT_PORT}`);
  const socket: ResolvedNodeOptions['socket'] = { bindAddress: bind.host, bindPort: bind.port };
  if (options.advertise !== undefined) {
    const advertise = parseHostPort('advertise', options.advertise);
    if (advertise.port === 0) throw invalid('advertise', 'port must be 1…65535');
    socket.advertiseAddress = advertise.host;
    socket.advertisePort = advertise.port;
  }

  const passthrough: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(PASSTHROUGH_KINDS)) {
    const value = record[key];
    if (value === undefined) continue;
    if (!hasKind(value, kind)) throw invalid(key, kind === 'string[]' ? 'must be an array of strings' : `must be a ${kind}`);
    passthrough[key] = value;
  }

  const keyring = resolveKeyring(options);
  const core: ResolvedNodeOptions['core'] = {
    ...(tunables as Partial<MemberlistTunables>),
    ...(passthrough as Pick<MemberlistConfig, CorePassthrough>),
    name,
  };
  return { core, socket, keyring };
}
