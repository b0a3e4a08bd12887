/** `gossip keys list|install|use|remove` (key rotation through a running agent) and `gossip keygen`. */
import { randomBytes } from 'node:crypto';
import type { OpResult } from '../agent/control.js';
import { parseFlagsAndArgs, usageError } from '../args.js';
import { apiJson } from '../client.js';
import type { Io } from '../io.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_USAGE, clientOptions } from './client-flags.js';
import { reportResults } from './cluster.js';

/** `gossip keys --help`. */
export const KEYS_USAGE = `Usage: gossip keys list | install KEY | use KEY | remove KEY [options]

Manages the encryption keys of the whole cluster through a running agent (started with --encrypt):
the agent applies the change and sends it to every live agent (Go memberlist peers are not changed).

  list               this agent's keys, and how many members hold each (from their metadata)
  install KEY        add KEY to every keyring (still encrypting with the current primary)
  use KEY            make KEY the primary everywhere (install it first, and check with list)
  remove KEY         drop KEY everywhere (not the primary)

Rotation: keygen → install → list (all members have it) → use → remove the old key.

Options:
${CLIENT_FLAGS_USAGE}`;

/** `gossip keygen --help`. */
export const KEYGEN_USAGE = `Usage: gossip keygen

Prints a new random 32-byte AES-256 key in base64, for --encrypt and \`gossip keys install\`.`;

interface KeyList {
  keys: { key: string; fingerprint: string; primary: boolean }[];
  members: number;
  fingerprints: { fingerprint: string; members: string[]; primaryOn: string[] }[];
}

/** Renders `GET /v1/keys`: each key with the number of members holding it. */
export function formatKeyList(list: KeyList): string {
  const lines = [`Keys of this agent (${list.members} live members):`];
  for (const k of list.keys) {
    const held = list.fingerprints.find((f) => f.fingerprint === k.fingerprint);
    const primary = held?.primaryOn.length ?? 0;
    lines.push(`  ${k.key}  [${held?.members.length ?? 0}/${list.members}]${k.primary ? '  primary here' : ''}${primary > 0 ? `  (primary on ${primary})` : ''}`);
  }
  const foreign = list.fingerprints.filter((f) => !list.keys.some((k) => k.fingerprint === f.fingerprint));
  for (const f of foreign) lines.push(`  fingerprint ${f.fingerprint} (not here)  [${f.members.length}/${list.members}] on ${f.members.join(', ')}`);
  return lines.join('\n');
}

/** Runs `gossip keys`. */
export async function runKeys(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlagsAndArgs(argv, CLIENT_FLAGS);
  if (values.help === true) {
    io.out(KEYS_USAGE);
    return 0;
  }
  const [action, key, ...extra] = positionals;
  const client = clientOptions(values);
  if (action === 'list') {
    if (key !== undefined) usageError(`Unexpected argument '${key}'`);
    io.out(formatKeyList(await apiJson<KeyList>(client, 'GET', '/keys')));
    return 0;
  }
  if (action !== 'install' && action !== 'use' && action !== 'remove') return usageError('give list, install KEY, use KEY or remove KEY');
  if (key === undefined || extra.length > 0) usageError(`keys ${action} takes exactly one KEY (base64)`);
  const { results } = await apiJson<{ results: OpResult[] }>({ ...client, timeoutMs: 15_000 }, 'POST', `/keys/${action}`, { key });
  const verb = { install: 'Installed', use: 'Now using', remove: 'Removed' }[action];
  return reportResults(io, `${verb} the key`, results);
}

/** Runs `gossip keygen`. */
export function runKeygen(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlagsAndArgs(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help === true) {
    io.out(KEYGEN_USAGE);
    return Promise.resolve(0);
  }
  if (positionals.length > 0) usageError(`Unexpected argument '${positionals[0]}'`);
  io.out(randomBytes(32).toString('base64'));
  return Promise.resolve(0);
}
