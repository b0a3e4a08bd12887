/**
 * One sentence per metric, for the HELP line of a Prometheus scrape and the description of an OpenTelemetry
 * instrument. Kept beside {@link MetricNames}: a new name without its sentence fails the typecheck.
 */
import { MetricNames } from './metrics.js';

const HELP = {
  msgAlive: 'Alive messages processed.',
  msgAliveDuplicate: 'Retransmitted copies of an alive message already applied, dropped before decoding.',
  msgSuspect: 'Suspect messages processed.',
  msgDead: 'Dead messages processed.',
  degradedProbe: 'Probes started while the local health score was above zero (Lifeguard: this node may be the slow one).',
  degradedTimeout: 'Suspicion timers that expired before collecting the wanted confirmations.',
  healthScore: 'Local health (awareness) score; 0 is healthy.',
  gossip: 'Duration of one gossip round, in milliseconds.',
  probeNode: 'Duration of one probe of one member, in milliseconds.',
  pushPullNode: 'Duration of one push/pull exchange, in milliseconds.',
  tcpAccept: 'Inbound streams accepted.',
  tcpConnect: 'Outbound streams opened.',
  tcpSent: 'Bytes written to streams.',
  udpReceived: 'Bytes received in datagrams.',
  udpSent: 'Bytes sent in datagrams.',
  queueBroadcasts: 'Membership broadcasts queued, checked periodically.',
  nodeInstances: 'Members in the local list, by state (node_state: alive, suspect, dead, left).',
  sizeLocal: 'Size of the local state sent in the last push/pull, in bytes.',
  sizeRemote: 'Size of the remote state received in a push/pull, in bytes.',
  packetDropped: 'Datagrams dropped as malformed, truncated, oversized or wrongly keyed, by error code.',
  streamDropped: 'Streams dropped as malformed, truncated, oversized or wrongly keyed, by error code.',
  incarnationRejected: 'Membership messages ignored because their incarnation jumped more than maxIncarnationJump above the one held (spoofed), by message type.',
  streamRefused: 'Inbound streams refused by a stream cap (per source, buffered bytes, push/pull slots), by limit.',
  streamYields: 'Event-loop turns given up while a large stream frame was processed in steps.',
  joinRetry: 'Join attempts that failed on a busy seed and are tried again after a backoff, by error code.',
  joinHedge: 'Hedges of a slow join: our alive announced to the seed by UDP, or a push/pull with a member learned meanwhile.',
  suspectIsolationHeld: 'Suspicion expiries held because this node was isolated from the cluster (isolation awareness).',
  handoffDropped: 'Inbound messages dropped because the handoff queue was full.',
  probeInconclusive: 'Probes whose timers ran late because the event loop stalled: counted against our own health, not the peer.',
} as const satisfies Record<keyof typeof MetricNames, string>;

// Built on first use: metrics.ts imports this module, so MetricNames is not initialised yet at load time.
let byKey: Map<string, string> | undefined;

/** Units of the keys that have one, in UCUM as OpenTelemetry uses them: milliseconds and bytes. */
const UNITS: Partial<Record<keyof typeof MetricNames, 'ms' | 'By'>> = {
  gossip: 'ms',
  probeNode: 'ms',
  pushPullNode: 'ms',
  tcpSent: 'By',
  udpReceived: 'By',
  udpSent: 'By',
  sizeLocal: 'By',
  sizeRemote: 'By',
};

/** The unit of the metric `key` (`'ms'` or `'By'`), or undefined for counts, scores and unknown keys. */
export function metricUnit(key: readonly string[]): 'ms' | 'By' | undefined {
  const joined = key.join('.');
  const name = Object.keys(MetricNames).find((n) => MetricNames[n as keyof typeof MetricNames].join('.') === joined);
  return name === undefined ? undefined : UNITS[name as keyof typeof MetricNames];
}

/**
 * The one-line description of the metric `key` (a {@link MetricNames} key, or any other: those get a generic
 * line naming the key), for sinks whose backend wants one — Prometheus HELP, OpenTelemetry instrument descriptions.
 */
export function metricHelp(key: readonly string[]): string {
  byKey ??= new Map(Object.entries(HELP).map(([name, help]) => [MetricNames[name as keyof typeof MetricNames].join('.'), help]));
  return byKey.get(key.join('.')) ?? `gossip metric ${key.join('.')}.`;
}
