/**
 * A {@link MetricsSink} that reports into a prom-client registry, so a service that already exposes `/metrics`
 * with prom-client gets a node's metrics beside its own: same names as `MemoryMetrics.toPrometheus()`
 * (`memberlist_msg_alive_total`, `memberlist_probeNode`…), with HELP text.
 */
import { type MetricLabels, type MetricsSink, metricHelp, prometheusName } from '@gossip/core';
import { Counter, Gauge, type Registry, Summary, register as globalRegistry } from 'prom-client';

/** Options of {@link PromClientMetrics}. */
export interface PromClientMetricsOptions {
  /** Where the metrics are registered; prom-client's global `register` by default. */
  readonly registry?: Registry;
  /** Prepended to every name, e.g. `'myapp_'`; none by default, so the names are memberlist's. */
  readonly prefix?: string;
  /** Quantiles of the summaries built from samples; 0.5, 0.9 and 0.99 by default, as `MemoryMetrics`. */
  readonly percentiles?: readonly number[];
  /**
   * Sliding window of the summaries' quantiles, in seconds (prom-client's `maxAgeSeconds`, with 5 age buckets);
   * 600 by default. Counts and sums are never windowed.
   */
  readonly maxAgeSeconds?: number;
}

type Kind = 'counter' | 'gauge' | 'summary';
type Metric = Counter | Gauge | Summary;

interface Entry {
  readonly metric: Metric;
  readonly labelNames: readonly string[];
}

/**
 * Bridges the node's metrics to prom-client. Each metric is created on its first observation, with the label
 * names of that observation (prom-client fixes them at creation; the node always uses the same ones per key).
 * Like every sink it never throws on the protocol's hot path: an observation prom-client refuses (a name taken
 * by another metric type in the registry, say) is dropped and counted in {@link PromClientMetrics.refused}.
 */
export class PromClientMetrics implements MetricsSink {
  /** Observations prom-client refused (see the class comment); 0 in a healthy setup. */
  refused = 0;
  private readonly registry: Registry;
  private readonly prefix: string;
  private readonly percentiles: number[];
  private readonly maxAgeSeconds: number;
  private readonly metrics = new Map<string, Entry>();

  constructor(options: PromClientMetricsOptions = {}) {
    this.registry = options.registry ?? globalRegistry;
    this.prefix = options.prefix ?? '';
    this.percentiles = [...(options.percentiles ?? [0.5, 0.9, 0.99])];
    this.maxAgeSeconds = options.maxAgeSeconds ?? 600;
  }

  incrCounter(key: readonly string[], value: number, labels?: MetricLabels): void {
    this.observe('counter', key, labels, (metric, values) => (metric as Counter).inc(values, value));
  }

  setGauge(key: readonly string[], value: number, labels?: MetricLabels): void {
    this.observe('gauge', key, labels, (metric, values) => (metric as Gauge).set(values, value));
  }

  addSample(key: readonly string[], value: number, labels?: MetricLabels): void {
    this.observe('summary', key, labels, (metric, values) => (metric as Summary).observe(values, value));
  }

  private observe(
    kind: Kind,
    key: readonly string[],
    labels: MetricLabels | undefined,
    record: (metric: Metric, values: Record<string, string>) => void,
  ): void {
    try {
      const name = `${this.prefix}${prometheusName(key, kind)}`;
      let entry = this.metrics.get(name);
      if (!entry) {
        entry = this.create(kind, name, key, Object.keys(labels ?? {}).sort());
        this.metrics.set(name, entry);
      }
      // Exactly the label names the metric was created with: missing ones empty, unknown ones left out.
      const values: Record<string, string> = {};
      for (const label of entry.labelNames) values[label] = labels?.[label] ?? '';
      record(entry.metric, values);
    } catch {
      this.refused++;
    }
  }

  private create(kind: Kind, name: string, key: readonly string[], labelNames: string[]): Entry {
    const common = { name, help: metricHelp(key), labelNames, registers: [this.registry] };
    const metric =
      kind === 'counter'
        ? new Counter(common)
        : kind === 'gauge'
          ? new Gauge(common)
          : new Summary({ ...common, percentiles: this.percentiles, maxAgeSeconds: this.maxAgeSeconds, ageBuckets: 5 });
    return { metric, labelNames };
  }
}
