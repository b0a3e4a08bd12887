// Test helper: real TypeScript nodes (@gossip/core over @gossip/transport's UDP/TCP transport) on loopback,
// with the same shortened timings as the Go peers in FAST, and teardown of everything started.
import { MemoryMetrics, Memberlist, MetricNames, type MemberlistConfig, type Member, type PacketCipher } from '@gossip/core';
import { Keyring, decryptPacket, encryptPacket } from '@gossip/keyring';
import { UdpTcpTransport, silentLogger, systemClock, systemRandom } from '@gossip/transport';
import { GoPeerTimeoutError, poll } from '../src/index.js';
import type { ProgressSource } from './interop-support.js';

/** The TS equivalent of FAST: memberlist's Local preset with 200 ms probes and 50 ms gossip. */
export const TS_FAST = {
  probeIntervalMs: 200,
  probeTimeoutMs: 100,
  gossipIntervalMs: 50,
  pushPullIntervalMs: 1_000,
  tcpTimeoutMs: 1_000,
  gossipToTheDeadTimeMs: 5_000,
  indirectChecks: 1,
  retransmitMult: 2,
  suspicionMult: 3,
} satisfies Partial<MemberlistConfig>;

const running = new Set<Memberlist>();

/** Core's cipher over a live keyring (what the umbrella package wires): rotations apply to the next packet. */
export function cipherOf(keyring: Keyring): PacketCipher {
  return {
    encrypt: (plaintext, aad, version) => encryptPacket(keyring, plaintext, { version, aad }),
    decrypt: (data, aad) => decryptPacket(keyring, data, { aad }),
  };
}

export { Keyring };

/** A TS node with received user messages collected in `messages`. */
export interface TsNode {
  node: Memberlist;
  address: string;
  messages: string[];
  /** User state received by push/pull (`mergeRemoteState`). */
  remoteStates: string[];
  /** The node's metrics, for counting its probes and push/pulls ({@link tsProgress}). */
  metrics: MemoryMetrics;
}

/** The node's completed probes and push/pulls, for `waitForRounds`. */
export function tsProgress(ts: TsNode): ProgressSource {
  return {
    name: ts.node.localNode().name,
    progress: () => ({
      probes: ts.metrics.sample(MetricNames.probeNode)?.count ?? 0,
      pushPulls: ts.metrics.sample(MetricNames.pushPullNode)?.count ?? 0,
    }),
  };
}

/** Options of {@link startTsNode}: core config overrides plus the transport's bind address and port. */
export type TsNodeOptions = Partial<MemberlistConfig> & { bindAddress?: string; bindPort?: number; userState?: string };

/** Starts a TS node bound to 127.0.0.1 on a free port. */
export async function startTsNode(name: string, options: TsNodeOptions = {}): Promise<TsNode> {
  const { bindAddress = '127.0.0.1', bindPort = 0, userState, ...overrides } = options;
  const messages: string[] = [];
  const remoteStates: string[] = [];
  const metrics = new MemoryMetrics();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const transport = new UdpTcpTransport({ bindAddress, bindPort, logger: silentLogger });
  const node = await Memberlist.create({
    name,
    transport,
    clock: systemClock,
    random: systemRandom,
    metrics,
    ...TS_FAST,
    delegate: {
      notifyMsg: (m) => messages.push(decode(m)),
      localState: () => new TextEncoder().encode(userState ?? ''),
      mergeRemoteState: (state) => remoteStates.push(decode(state)),
    },
    ...overrides,
  });
  running.add(node);
  const self = node.localNode();
  return { node, address: self.address, messages, remoteStates, metrics };
}

/** Shuts down every TS node started by {@link startTsNode}. */
export async function shutdownTsNodes(): Promise<void> {
  const nodes = [...running];
  running.clear();
  await Promise.all(nodes.map((n) => n.shutdown()));
}

/** Polls until the TS node sees exactly `count` live members. */
export async function waitForTsMembers(ts: TsNode, count: number, timeoutMs: number): Promise<Member[]> {
  const found = await poll(timeoutMs, () => {
    const members = ts.node.members();
    return Promise.resolve(members.length === count ? members : undefined);
  });
  if (found) return found;
  const seen = ts.node.allMembers().map((m) => `${m.name}:${m.state}`).join(', ');
  throw new GoPeerTimeoutError(`TS node: ${count} members not reached in ${timeoutMs} ms (has ${seen})`);
}

/** Polls until the TS node sees `name` in `state`. */
export async function waitForTsState(ts: TsNode, name: string, state: Member['state'], timeoutMs: number): Promise<Member> {
  const found = await poll(timeoutMs, () => {
    const m = ts.node.member(name);
    return Promise.resolve(m?.state === state ? m : undefined);
  });
  if (found) return found;
  throw new GoPeerTimeoutError(`TS node: ${name} not ${state} in ${timeoutMs} ms (is ${ts.node.member(name)?.state ?? 'unknown'})`);
}
