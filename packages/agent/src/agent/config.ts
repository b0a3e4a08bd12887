/**
 * `gossip agent`'s configuration: flags, an optional JSON config file (`--config-file`; every flag has a key,
 * flags win), and serf-like defaults (node name = host name, gossip on 0.0.0.0:7946 with the advertised address
 * detected, API on 127.0.0.1:7480). Every problem is an `ERR_USAGE` error (exit status 2).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Preset } from 'gossip';
import { parseChoice, parseHostPort, parseSeeds, usageError } from '../args.js';
import { isAllowedHost } from '../http/guard.js';
import { type CliLogLevel, LOG_LEVELS } from './logger.js';

/** Default gossip address (memberlist's and serf's port). */
export const DEFAULT_BIND = '0.0.0.0:7946';
/** Default HTTP API address; the CLI's client commands look here by default. */
export const DEFAULT_HTTP = '127.0.0.1:7480';
/** Largest config file read. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The effective agent configuration. */
export interface AgentConfig {
  readonly name: string;
  readonly bind: string;
  readonly advertise?: string;
  readonly join: string[];
  readonly http: string;
  readonly httpToken?: string;
  readonly httpInsecure: boolean;
  /** Host names (DNS) the API accepts for state changes, besides loopback names and its own IPs. */
  readonly httpAllowedHosts: string[];
  /** Base64 keys, primary first (`encrypt`, then `keys`). */
  readonly keys: string[];
  readonly tags: Record<string, string>;
  readonly label?: string;
  readonly preset: Preset;
  readonly logLevel: CliLogLevel;
  readonly logJson: boolean;
}

/** Flag values before defaults (as parseArgs gives them). */
export interface AgentFlagValues {
  name?: string;
  bind?: string;
  advertise?: string;
  join?: string[];
  http?: string;
  'http-token'?: string;
  'http-insecure'?: boolean;
  'http-allowed-host'?: string[];
  encrypt?: string;
  key?: string[];
  tag?: string[];
  label?: string;
  preset?: string;
  'log-level'?: string;
  'log-json'?: boolean;
}

/** Config file key → flag, for the README's table and the error messages. */
export const CONFIG_KEYS: Readonly<Record<string, keyof AgentFlagValues>> = {
  name: 'name',
  bind: 'bind',
  advertise: 'advertise',
  join: 'join',
  http: 'http',
  http_token: 'http-token',
  http_insecure: 'http-insecure',
  http_allowed_hosts: 'http-allowed-host',
  encrypt: 'encrypt',
  keys: 'key',
  tags: 'tag',
  label: 'label',
  preset: 'preset',
  log_level: 'log-level',
  log_json: 'log-json',
};

const LIST_FLAGS = new Set<keyof AgentFlagValues>(['join', 'key', 'http-allowed-host']);
const BOOL_FLAGS = new Set<keyof AgentFlagValues>(['http-insecure', 'log-json']);

/** Reads a config file into flag values; unknown keys and wrong types are usage errors naming the file. */
export function readConfigFile(path: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): AgentFlagValues {
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    return usageError(`--config-file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (text.length > MAX_CONFIG_BYTES) usageError(`--config-file ${path}: larger than ${MAX_CONFIG_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return usageError(`--config-file ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) usageError(`--config-file ${path}: must be a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const flag = Object.hasOwn(CONFIG_KEYS, key) ? CONFIG_KEYS[key] : undefined;
    if (flag === undefined) usageError(`--config-file ${path}: unknown key ${JSON.stringify(key)} (known: ${Object.keys(CONFIG_KEYS).join(', ')})`);
    const bad = (want: string): never => usageError(`--config-file ${path}: "${key}" must be ${want}`);
    if (flag === 'tag') {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) bad('an object of strings');
      out.tag = Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`);
    } else if (LIST_FLAGS.has(flag)) {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) bad('a string or an array of strings');
      out[flag] = list;
    } else if (BOOL_FLAGS.has(flag)) {
      if (typeof value !== 'boolean') bad('true or false');
      out[flag] = value;
    } else {
      if (typeof value !== 'string') bad('a string');
      out[flag] = value;
    }
  }
  return out;
}

/** Parses `--tag k=v` values (repeatable); later ones win. */
export function parseTags(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) usageError(`--tag wants key=value, got ${JSON.stringify(v)}`);
    tags[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return tags;
}

function checkKey(flag: string, key: string): string {
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(key) ? Buffer.from(key, 'base64').length : -1;
  if (![16, 24, 32].includes(bytes)) usageError(`--${flag} must be a base64 AES key of 16, 24 or 32 bytes (make one with \`gossip keygen\`)`);
  return key;
}

/**
 * Merges flags over the config file over the defaults, then validates. Tags merge key by key; `join` and keys
 * given as flags replace the file's.
 */
export function resolveAgentConfig(flags: AgentFlagValues, file: AgentFlagValues = {}, env: Readonly<Record<string, string | undefined>> = {}): AgentConfig {
  const pick = <K extends keyof AgentFlagValues>(k: K): AgentFlagValues[K] => flags[k] ?? file[k];
  const name = pick('name') ?? hostname();
  if (name.length === 0) usageError('--name must not be empty');
  if (Buffer.byteLength(name) > 64) usageError('--name must be at most 64 bytes');
  const http = parseHostPort('http', pick('http') ?? DEFAULT_HTTP);
  const httpToken = pick('http-token') ?? env.GOSSIP_HTTP_TOKEN;
  const httpInsecure = pick('http-insecure') ?? false;
  const httpHost = http.startsWith('[') ? http.slice(1, http.indexOf(']')) : http.slice(0, http.lastIndexOf(':'));
  const loopbackOnly = isAllowedHost(httpHost, '127.0.0.1') && httpHost !== '0.0.0.0' && httpHost !== '::';
  if (!loopbackOnly && httpToken === undefined && !httpInsecure) {
    usageError(`--http ${http} is reachable beyond this machine: give --http-token TOKEN (or GOSSIP_HTTP_TOKEN), or --http-insecure to serve state-changing routes to anyone`);
  }
  if (httpToken !== undefined && httpToken.length < 8) usageError('--http-token must be at least 8 characters');
  const encrypt = pick('encrypt');
  const keys = [...(encrypt === undefined ? [] : [checkKey('encrypt', encrypt)]), ...(pick('key') ?? []).map((k) => checkKey('key', k))];
  const advertise = pick('advertise');
  return {
    name,
    bind: parseHostPort('bind', pick('bind') ?? DEFAULT_BIND),
    advertise: advertise === undefined ? undefined : parseHostPort('advertise', advertise, false),
    join: parseSeeds('join', pick('join') ?? []),
    http,
    httpToken,
    httpInsecure,
    httpAllowedHosts: (pick('http-allowed-host') ?? []).map((h) => {
      if (!/^[A-Za-z0-9.-]{1,253}$/.test(h)) usageError(`--http-allowed-host wants a host name, got ${JSON.stringify(h)}`);
      return h.toLowerCase();
    }),
    keys: [...new Set(keys)],
    tags: { ...parseTags(file.tag ?? []), ...parseTags(flags.tag ?? []) },
    label: pick('label'),
    preset: parseChoice('preset', pick('preset') ?? 'lan', ['lan', 'wan', 'local'] as const),
    logLevel: parseChoice('log-level', pick('log-level') ?? 'info', LOG_LEVELS),
    logJson: pick('log-json') ?? false,
  };
}

/** The configuration as `GET /v1/info` reports it: secrets replaced by whether they are set. */
export function publicConfig(config: AgentConfig): Record<string, unknown> {
  const { httpToken, keys, ...rest } = config;
  return { ...rest, httpToken: httpToken === undefined ? 'none' : 'set', keys: keys.length };
}
