/**
 * A {@link MetricsSink} that reports through the OpenTelemetry metrics API, so a service that already runs an
 * OpenTelemetry SDK (OTLP, Prometheus exporter…) gets a node's metrics with its own: memberlist's keys joined with
 * dots (`memberlist.msg.alive`), with descriptions and units.
 */
import { type MetricLabels, type MetricsSink, metricHelp, metricUnit } from '@gossip/core';
import { type Counter, type Gauge, type Histogram, type Meter, metrics } from '@opentelemetry/api';

/** Options of {@link OpenTelemetryMetrics}. */
export interface OpenTelemetryMetricsOptions {
  /**
   * The meter the instruments are created on; by default `metrics.getMeter('gossip')` from the global
   * MeterProvider (a no-op until an SDK registers one).
   */
  readonly meter?: Meter;
  /** Prepended to every instrument name, e.g. `'myapp.'`; none by default. */
  readonly prefix?: string;
}

type Instrument = Counter | Gauge | Histogram;

/**
 * Bridges the node's metrics to OpenTelemetry: counters become Counters, gauges synchronous Gauges, samples
 * Histograms (durations in `ms`, sizes in `By`), labels become attributes. Instruments are created on first use.
 * Like every sink it never throws on the protocol's hot path: an observation the API refuses is dropped and
 * counted in {@link OpenTelemetryMetrics.refused}.
 */
export class OpenTelemetryMetrics implements MetricsSink {
  /** Observations the OpenTelemetry API refused; 0 in a healthy setup. */
  refused = 0;
  private readonly meter: Meter;
  private readonly prefix: string;
  private readonly instruments = new Map<string, Instrument>();

  constructor(options: OpenTelemetryMetricsOptions = {}) {
    this.meter = options.meter ?? metrics.getMeter('gossip');
    this.prefix = options.prefix ?? '';
  }

  incrCounter(key: readonly string[], value: number, labels?: MetricLabels): void {
    this.observe('counter', key, (i) => (i as Counter).add(value, labels));
  }

  setGauge(key: readonly string[], value: number, labels?: MetricLabels): void {
    this.observe('gauge', key, (i) => (i as Gauge).record(value, labels));
  }

  addSample(key: readonly string[], value: number, labels?: MetricLabels): void {
    this.observe('histogram', key, (i) => (i as Histogram).record(value, labels));
  }

  private observe(kind: 'counter' | 'gauge' | 'histogram', key: readonly string[], record: (i: Instrument) => void): void {
    try {
      const name = `${this.prefix}${key.join('.')}`;
      let instrument = this.instruments.get(name);
      if (!instrument) {
        const unit = metricUnit(key);
        const options = { description: metricHelp(key), ...(unit === undefined ? {} : { unit }) };
        instrument =
          kind === 'counter'
            ? this.meter.createCounter(name, options)
            : kind === 'gauge'
              ? this.meter.createGauge(name, options)
              : this.meter.createHistogram(name, options);
        this.instruments.set(name, instrument);
      }
      record(instrument);
    } catch {
      this.refused++;
    }
  }
}
