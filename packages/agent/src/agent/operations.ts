/**
 * The agent's cluster operations behind the CLI: join, force-leave and key rotation (sent to every live member,
 * see `control.ts`), and the handling of those operations when a peer sends them.
 */
import { type Member, KeyringError, decodeKeyBase64 } from 'gossip';
import { DemoError } from '../errors.js';
import type { Agent } from './agent.js';
import { type ControlOp, type OpResult, decodeControl, encodeControl, keyFingerprint } from './control.js';
import { decodeAgentMeta, metaText } from './member-json.js';

/** How long a metadata update (new key fingerprints) may take to be sent. */
const META_UPDATE_TIMEOUT_MS = 5_000;

/** Installs the handler of control messages from peers on `agent`. */
export function handleControlMessages(agent: Agent): void {
  agent.onControl = (message) => {
    try {
      apply(agent, decodeControl(message), 'peer');
    } catch (err) {
      agent.logger.warn({ code: (err as { code?: unknown }).code, err }, 'control message from a peer not applied');
    }
  };
}

function apply(agent: Agent, op: ControlOp, from: 'api' | 'peer'): void {
  if (op.op === 'force-leave') {
    const member = agent.node.member(op.node);
    if (member === undefined || member.state !== 'dead' || member.incarnation > op.incarnation) return;
    agent.forcedLeft.set(op.node, op.incarnation);
    agent.feed.publish({ kind: 'member', type: 'left', member: agent.memberJson(member) });
    agent.logger.info({ member: op.node, from }, 'member forced to leave');
    return;
  }
  const keyring = agent.keyring;
  if (keyring === undefined) throw new DemoError('ERR_AGENT_OP', 'this agent does not encrypt (start it with --encrypt to use keys)');
  const key = decodeKeyBase64(op.key);
  const changed = op.op === 'key-install' ? keyring.addKey(key) : op.op === 'key-use' ? keyring.useKey(key) : keyring.removeKey(key);
  agent.logger.info({ op: op.op, key: keyFingerprint(key), changed, from }, 'keyring changed');
  // Peers learn our key fingerprints from our metadata (gossip keys list).
  void agent.node.updateNode(META_UPDATE_TIMEOUT_MS).catch((err: unknown) => agent.logger.warn({ err }, 'could not spread the new key fingerprints'));
}

/** Whether `m` runs a gossip agent (its metadata is agent JSON), so it understands control messages. */
function isAgent(m: Member): boolean {
  const text = metaText(m.meta);
  return text.metaEncoding === 'utf8' && Object.keys(decodeAgentMeta(text.meta)).length > 0;
}

/**
 * Applies `op` here, then sends it to every other live member that runs an agent; one result per member, this
 * one first. Members that do not (Go memberlist nodes) are not sent anything and are reported as skipped.
 */
async function fanOut(agent: Agent, op: ControlOp): Promise<OpResult[]> {
  apply(agent, op, 'api');
  const message = encodeControl(op);
  const others = agent.node.members().filter((m: Member) => m.name !== agent.name).sort((x, y) => x.name.localeCompare(y.name, 'en', { numeric: true }));
  const sent = await Promise.all(
    others.map(async (m): Promise<OpResult> => {
      if (!isAgent(m)) return { node: m.name, ok: false, skipped: true, error: 'not a gossip agent (e.g. a Go memberlist node): not changed' };
      try {
        await agent.node.sendReliable(m, message);
        return { node: m.name, ok: true };
      } catch (err) {
        return { node: m.name, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  return [{ node: agent.name, ok: true }, ...sent];
}

/**
 * Marks a failed member as left on every agent (serf's force-leave): it stops being reported as failed. Only a
 * member this agent sees as failed (`dead`) may be forced out; a live one would refute it anyway.
 */
export function forceLeave(agent: Agent, name: string): Promise<OpResult[]> {
  const member = agent.node.member(name);
  if (member === undefined) throw new DemoError('ERR_AGENT_OP', `no member named ${JSON.stringify(name)}`);
  if (member.state !== 'dead') throw new DemoError('ERR_AGENT_OP', `${name} is ${member.state}, not failed: only failed members can be forced to leave`);
  return fanOut(agent, { op: 'force-leave', node: name, incarnation: member.incarnation });
}

/** The key operations of `gossip keys`. */
export type KeyAction = 'install' | 'use' | 'remove';

/**
 * Rotates keys across the cluster. Safe order, as with serf: `install` the new key everywhere, check with
 * `keys list` that every member has it, `use` it, then `remove` the old one.
 */
export function rotateKey(agent: Agent, action: KeyAction, keyBase64: string): Promise<OpResult[]> {
  if (agent.keyring === undefined) throw new DemoError('ERR_AGENT_OP', 'this agent does not encrypt (start it with --encrypt to use keys)');
  let key: Uint8Array;
  try {
    key = decodeKeyBase64(keyBase64);
  } catch (err) {
    throw new DemoError('ERR_AGENT_OP', `not a base64 AES key of 16, 24 or 32 bytes: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (action === 'use' && !agent.keyring.has(key)) throw new DemoError('ERR_AGENT_OP', 'install the key before using it (gossip keys install)');
  if (action === 'remove' && keyFingerprint(agent.keyring.primaryKey()) === keyFingerprint(key)) {
    throw new DemoError('ERR_AGENT_OP', 'cannot remove the primary key: use another key first');
  }
  return fanOut(agent, { op: `key-${action}`, key: keyBase64 });
}

/** `gossip keys list`: the keys here, and for every fingerprint the members holding it (from their metadata). */
export function listKeys(agent: Agent, membersMeta: readonly { name: string; keys?: readonly string[] }[]): {
  keys: { key: string; fingerprint: string; primary: boolean }[];
  members: number;
  fingerprints: { fingerprint: string; members: string[]; primaryOn: string[] }[];
} {
  const keyring = agent.keyring;
  if (keyring === undefined) throw new DemoError('ERR_AGENT_OP', 'this agent does not encrypt (start it with --encrypt to use keys)');
  const keys = keyring.keys().map((k, i) => ({ key: Buffer.from(k).toString('base64'), fingerprint: keyFingerprint(k), primary: i === 0 }));
  const byPrint = new Map<string, { members: string[]; primaryOn: string[] }>();
  for (const m of membersMeta) {
    for (const [i, fp] of (m.keys ?? []).entries()) {
      const entry = byPrint.get(fp) ?? { members: [], primaryOn: [] };
      entry.members.push(m.name);
      if (i === 0) entry.primaryOn.push(m.name);
      byPrint.set(fp, entry);
    }
  }
  return { keys, members: membersMeta.length, fingerprints: [...byPrint].map(([fingerprint, e]) => ({ fingerprint, ...e })) };
}

/** Whether `err` is a keyring refusal (bad key size and the like), reported to the caller as a 400. */
export function isKeyError(err: unknown): boolean {
  return err instanceof KeyringError;
}
