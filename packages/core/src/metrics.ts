/**
 * Metrics: the sink through which a node reports counters, gauges and samples, modelled on armon/go-metrics as
 * memberlist uses it. Keys are arrays (`['memberlist', 'msg', 'alive']`) so a sink can join them however its
 * backend wants (dots for statsd, underscores for Prometheus). `@gossip/core` never depends on a metrics library:
 * bridge to prom-client, OpenTelemetry or statsd by implementing {@link MetricsSink}.
 */

import { metricHelp } from './metric-help.js';

/** Label pairs attached to one observation (e.g. `{ node_state: 'alive' }`). */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * Where a node reports what it does. All methods must be cheap and must not throw: they run on the protocol's
 * hot paths.
 */
export interface MetricsSink {
  /** Adds `value` to the counter `key` (message counts, bytes sent). */
  incrCounter(key: readonly string[], value: number, labels?: MetricLabels): void;
  /** Sets the gauge `key` to `value` (health score, node counts). */
  setGauge(key: readonly string[], value: number, labels?: MetricLabels): void;
  /** Records one observation of `key` (durations in milliseconds, sizes in bytes, queue depths). */
  addSample(key: readonly string[], value: number, labels?: MetricLabels): void;
}

/** A sink that discards everything; the default when no sink is configured. */
export const noopMetrics: MetricsSink = Object.freeze({
  incrCounter(): void {},
  setGauge(): void {},
  addSample(): void {},
});

/**
 * The metric keys a node emits. The `memberlist.*` keys are exactly memberlist's, so dashboards built for Consul
 * or Serf read ours unchanged; `gossip.*` keys are ours.
 */
export const MetricNames = Object.freeze({
  /** Counter: alive messages processed (memberlist `aliveNode`). */
  msgAlive: ['memberlist', 'msg', 'alive'],
  /** Counter: retransmitted copies of an alive we hold already, dropped before decoding (not in memberlist). */
  msgAliveDuplicate: ['gossip', 'msg', 'alive_duplicate'],
  /** Counter: suspect messages processed. */
  msgSuspect: ['memberlist', 'msg', 'suspect'],
  /** Counter: dead messages processed. */
  msgDead: ['memberlist', 'msg', 'dead'],
  /** Counter: probes started while the local health score was above zero (Lifeguard: we may be the slow one). */
  degradedProbe: ['memberlist', 'degraded', 'probe'],
  /** Counter: suspicion timers that expired before collecting the wanted k confirmations. */
  degradedTimeout: ['memberlist', 'degraded', 'timeout'],
  /** Gauge: the local awareness (health) score, 0 = healthy. */
  healthScore: ['memberlist', 'health', 'score'],
  /** Sample (ms): duration of one gossip round. */
  gossip: ['memberlist', 'gossip'],
  /** Sample (ms): duration of one probe of one node. */
  probeNode: ['memberlist', 'probeNode'],
  /** Sample (ms): duration of one push/pull exchange. */
  pushPullNode: ['memberlist', 'pushPullNode'],
  /** Counter: inbound streams accepted. */
  tcpAccept: ['memberlist', 'tcp', 'accept'],
  /** Counter: outbound streams opened. */
  tcpConnect: ['memberlist', 'tcp', 'connect'],
  /** Counter (bytes): bytes written to streams. */
  tcpSent: ['memberlist', 'tcp', 'sent'],
  /** Counter (bytes): bytes received in datagrams. */
  udpReceived: ['memberlist', 'udp', 'received'],
  /** Counter (bytes): bytes sent in datagrams. */
  udpSent: ['memberlist', 'udp', 'sent'],
  /** Sample: number of queued membership broadcasts, checked periodically. */
  queueBroadcasts: ['memberlist', 'queue', 'broadcasts'],
  /** Gauge, label `node_state` (alive, suspect, dead, left): how many nodes the local list holds in each state. */
  nodeInstances: ['memberlist', 'node', 'instances'],
  /** Gauge (bytes): size of the local state sent in the last push/pull. */
  sizeLocal: ['memberlist', 'size', 'local'],
  /** Sample (bytes): size of remote state received in a push/pull. */
  sizeRemote: ['memberlist', 'size', 'remote'],
  /** Counter, label `code`: datagrams dropped as malformed, truncated, oversized or wrongly keyed. */
  packetDropped: ['gossip', 'packet', 'dropped'],
  /** Counter, label `code`: streams dropped as malformed, truncated, oversized or wrongly keyed. */
  streamDropped: ['gossip', 'stream', 'dropped'],
  /**
   * Counter, label `type` (alive, suspect, dead): membership messages ignored because their incarnation jumped
   * more than `maxIncarnationJump` above the one held (spoofed; code `ERR_INCARNATION_JUMP`).
   */
  incarnationRejected: ['gossip', 'incarnation', 'rejected'],
  /**
   * Counter, label `limit` (per_source, buffered_bytes, push_pull_slots): inbound streams refused by a stream cap
   * (`maxInboundStreamsPerSource`, `maxInboundStreamBytes`, `maxConcurrentPushPulls` after `pushPullSlotWaitMs`);
   * each is also counted in `gossip.stream.dropped` with code `ERR_OVERLOADED`.
   */
  streamRefused: ['gossip', 'stream', 'refused'],
  /**
   * Counter: event-loop turns given up while a large stream frame was decompressed, decoded, merged or encoded in
   * steps (`streamSliceBytes`, `pushPullBatchSize`).
   */
  streamYields: ['gossip', 'stream', 'yields'],
  /** Counter, label `code`: join attempts that failed on a busy seed and will be tried again after a backoff. */
  joinRetry: ['gossip', 'join', 'retry'],
  /** Counter: a slow join's hedges, by kind (`announce`: our alive sent by UDP; `push_pull`: one to a learned member). */
  joinHedge: ['gossip', 'join', 'hedge'],
  /** Counter: inbound messages dropped because the handoff queue was full. */
  handoffDropped: ['gossip', 'handoff', 'dropped'],
  /** Counter: probes whose timers ran so late that their failure says more about us than about the peer. */
  probeInconclusive: ['gossip', 'probe', 'inconclusive'],
  /** Counter: suspicion timeouts whose death isolation awareness held, because we seemed to be the one cut off. */
  suspectIsolationHeld: ['gossip', 'suspect', 'isolation_held'],
} as const satisfies Record<string, readonly string[]>);

/** Summary statistics of the samples recorded under one key. */
export interface SampleSummary {
  /** Number of samples ever recorded. */
  readonly count: number;
  /** Sum of all samples ever recorded. */
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** The most recent sample. */
  readonly last: number;
  /** Mean over all samples. */
  readonly mean: number;
}

interface Series {
  readonly key: readonly string[];
  readonly labels: MetricLabels | undefined;
}

interface SampleSeries extends Series {
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  /** Ring buffer of the latest samples, for quantiles. */
  readonly window: number[];
  next: number;
}

/** Options for {@link MemoryMetrics}. */
export interface MemoryMetricsOptions {
  /** How many recent samples per key are kept for quantiles (memory is bounded by this). Default 1024. */
  readonly sampleWindow?: number;
}

const QUANTILES = [0.5, 0.9, 0.99] as const;

/**
 * An in-memory {@link MetricsSink}: counters, gauges and sample summaries you can read back in tests, or serve as
 * Prometheus text (the demo's `/metrics`). Memory is bounded: one entry per distinct key and label set, and at
 * most `sampleWindow` retained samples per sample series.
 */
export class MemoryMetrics implements MetricsSink {
  private readonly counters = new Map<string, Series & { value: number }>();
  private readonly gauges = new Map<string, Series & { value: number }>();
  private readonly samples = new Map<string, SampleSeries>();
  private readonly sampleWindow: number;

  constructor(options: MemoryMetricsOptions = {}) {
    this.sampleWindow = Math.max(1, Math.floor(options.sampleWindow ?? 1024));
  }

  /** {@inheritDoc MetricsSink.incrCounter} */
  incrCounter(key: readonly string[], value: number, labels?: MetricLabels): void {
    const id = seriesId(key, labels);
    const series = this.counters.get(id);
    if (series) series.value += value;
    else this.counters.set(id, { key: [...key], labels: copyLabels(labels), value });
  }

  /** {@inheritDoc MetricsSink.setGauge} */
  setGauge(key: readonly string[], value: number, labels?: MetricLabels): void {
    const id = seriesId(key, labels);
    const series = this.gauges.get(id);
    if (series) series.value = value;
    else this.gauges.set(id, { key: [...key], labels: copyLabels(labels), value });
  }

  /** {@inheritDoc MetricsSink.addSample} */
  addSample(key: readonly string[], value: number, labels?: MetricLabels): void {
    const id = seriesId(key, labels);
    let s = this.samples.get(id);
    if (!s) {
      s = { key: [...key], labels: copyLabels(labels), count: 0, sum: 0, min: value, max: value, last: value, window: [], next: 0 };
      this.samples.set(id, s);
    }
    s.count += 1;
    s.sum += value;
    s.min = Math.min(s.min, value);
    s.max = Math.max(s.max, value);
    s.last = value;
    if (s.window.length < this.sampleWindow) s.window.push(value);
    else s.window[s.next] = value;
    s.next = (s.next + 1) % this.sampleWindow;
  }

  /** The counter's total, 0 if it was never incremented. */
  counter(key: readonly string[], labels?: MetricLabels): number {
    return this.counters.get(seriesId(key, labels))?.value ?? 0;
  }

  /** The gauge's last value, `undefined` if it was never set. */
  gauge(key: readonly string[], labels?: MetricLabels): number | undefined {
    return this.gauges.get(seriesId(key, labels))?.value;
  }

  /** Summary of the samples recorded under `key`, `undefined` if none was. */
  sample(key: readonly string[], labels?: MetricLabels): SampleSummary | undefined {
    const s = this.samples.get(seriesId(key, labels));
    if (!s) return undefined;
    return { count: s.count, sum: s.sum, min: s.min, max: s.max, last: s.last, mean: s.sum / s.count };
  }

  /** Forgets every series. */
  reset(): void {
    this.counters.clear();
    this.gauges.clear();
    this.samples.clear();
  }

  /**
   * Renders every series in the Prometheus text exposition format (version 0.0.4), each family with its HELP
   * ({@link metricHelp}) and TYPE lines. Names are the key joined with `_` (`memberlist_msg_alive`); counters end
   * in `_total` as Prometheus expects (`memberlist_msg_alive_total`); samples become summaries with 0.5/0.9/0.99
   * quantiles over the retained window.
   */
  toPrometheus(): string {
    const lines: string[] = [];
    const emit = <S extends Series>(
      map: Map<string, S>,
      type: 'counter' | 'gauge' | 'summary',
      render: (name: string, s: S) => void,
    ): void => {
      const byName = new Map<string, S[]>();
      for (const s of map.values()) {
        const name = prometheusName(s.key, type);
        const group = byName.get(name);
        if (group) group.push(s);
        else byName.set(name, [s]);
      }
      for (const name of [...byName.keys()].sort()) {
        const group = byName.get(name) ?? [];
        lines.push(`# HELP ${name} ${escapeHelp(metricHelp(group[0]!.key))}`);
        lines.push(`# TYPE ${name} ${type}`);
        for (const s of group) render(name, s);
      }
    };
    emit(this.counters, 'counter', (name, s) => lines.push(`${name}${promLabels(s.labels)} ${promNumber(s.value)}`));
    emit(this.gauges, 'gauge', (name, s) => lines.push(`${name}${promLabels(s.labels)} ${promNumber(s.value)}`));
    emit(this.samples, 'summary', (name, s) => {
      const sorted = [...s.window].sort((a, b) => a - b);
      for (const q of QUANTILES) {
        const v = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
        lines.push(`${name}${promLabels(s.labels, { quantile: String(q) })} ${promNumber(v)}`);
      }
      lines.push(`${name}_sum${promLabels(s.labels)} ${promNumber(s.sum)}`);
      lines.push(`${name}_count${promLabels(s.labels)} ${promNumber(s.count)}`);
    });
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }
}

function copyLabels(labels: MetricLabels | undefined): MetricLabels | undefined {
  return labels && Object.keys(labels).length > 0 ? { ...labels } : undefined;
}

/** A stable identity for (key, labels): label order must not create distinct series. */
function seriesId(key: readonly string[], labels: MetricLabels | undefined): string {
  const k = key.join('\u0000');
  if (!labels) return k;
  const names = Object.keys(labels);
  if (names.length === 0) return k;
  names.sort();
  return `${k}\u0001${names.map((n) => `${n}\u0002${labels[n]}`).join('\u0003')}`;
}

/**
 * The Prometheus name of the metric `key` of the given kind: the key joined with `_`, characters Prometheus does
 * not allow replaced by `_`, and counters ending in `_total` (`['memberlist', 'msg', 'alive']` as a counter is
 * `memberlist_msg_alive_total`). Shared by {@link MemoryMetrics} and the prom-client adapter so both expose the
 * same names.
 */
export function prometheusName(key: readonly string[], kind: 'counter' | 'gauge' | 'summary'): string {
  const joined = key.join('_').replace(/[^a-zA-Z0-9_:]/g, '_');
  const name = /^[0-9]/.test(joined) ? `_${joined}` : joined;
  return kind === 'counter' && !name.endsWith('_total') ? `${name}_total` : name;
}

/** HELP text escaping of the exposition format: backslash and line feed. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function promLabels(labels: MetricLabels | undefined, extra?: MetricLabels): string {
  const all = { ...labels, ...extra };
  const names = Object.keys(all).sort();
  if (names.length === 0) return '';
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${names.map((n) => `${n.replace(/[^a-zA-Z0-9_]/g, '_')}="${escape(all[n] ?? '')}"`).join(',')}}`;
}

function promNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
