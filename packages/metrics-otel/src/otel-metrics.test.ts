import { MetricNames, type Memberlist } from '@gossip/core';
import { eventually } from '@gossip/test-support';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { createNode } from 'gossip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenTelemetryMetrics } from './otel-metrics.js';

/** An SDK MeterProvider whose metrics are read on demand from the SDK's in-memory exporter. */
function sdk(): { provider: MeterProvider; read: () => Promise<MetricData[]> } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // The interval is irrelevant: every read forces a collection.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    read: async () => {
      exporter.reset();
      await reader.forceFlush();
      return exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    },
  };
}

const named = (all: MetricData[], name: string): MetricData | undefined => all.find((m) => m.descriptor.name === name);

describe('OpenTelemetryMetrics with two live nodes on loopback, read through the SDK', () => {
  const { provider, read } = sdk();
  const nodes: Memberlist[] = [];

  beforeAll(async () => {
    const metrics = new OpenTelemetryMetrics({ meter: provider.getMeter('gossip-test') });
    const fast = { bind: '127.0.0.1:0', preset: 'local', probeIntervalMs: 200, gossipIntervalMs: 50, pushPullIntervalMs: 500 } as const;
    nodes.push(await createNode({ ...fast, name: 'otel-a', metrics }));
    nodes.push(await createNode({ ...fast, name: 'otel-b' }));
    await nodes[0]!.join([nodes[1]!.localNode().address]);
    await eventually('node a has probed, pushed/pulled and finished a probe cycle', 20_000, async () => {
      const all = await read();
      return ['memberlist.probeNode', 'memberlist.pushPullNode', 'memberlist.node.instances'].every((n) => named(all, n));
    });
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.shutdown()));
    await provider.shutdown();
  });

  it('given counters, then monotonic sums with descriptions and units', async () => {
    const sent = named(await read(), 'memberlist.udp.sent');
    expect(sent?.descriptor).toMatchObject({ description: 'Bytes sent in datagrams.', unit: 'By' });
    expect(sent).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true });
    expect(sent!.dataPoints[0]!.value).toBeGreaterThan(0);
  });

  it('given samples, then histograms in milliseconds with a count and a sum', async () => {
    const probes = named(await read(), 'memberlist.probeNode');
    expect(probes?.descriptor).toMatchObject({ description: 'Duration of one probe of one member, in milliseconds.', unit: 'ms' });
    expect(probes?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const point = probes!.dataPoints[0]!.value as { count: number; sum: number };
    expect(point.count).toBeGreaterThan(0);
    expect(point.sum).toBeGreaterThanOrEqual(0);
  });

  it('given a labelled gauge, then one data point per attribute value', async () => {
    const instances = named(await read(), 'memberlist.node.instances');
    expect(instances?.dataPointType).toBe(DataPointType.GAUGE);
    const byState = Object.fromEntries(instances!.dataPoints.map((p) => [p.attributes.node_state, p.value]));
    expect(byState).toMatchObject({ alive: 2, suspect: 0, dead: 0, left: 0 });
  });
});

describe('OpenTelemetryMetrics on its own', () => {
  it('given a prefix and labels, then attributes on the prefixed instrument', async () => {
    const { provider, read } = sdk();
    const metrics = new OpenTelemetryMetrics({ meter: provider.getMeter('t'), prefix: 'app.' });
    metrics.incrCounter(MetricNames.packetDropped, 2, { code: 'ERR_TRUNCATED' });
    metrics.incrCounter(MetricNames.packetDropped, 1, { code: 'ERR_CRC_MISMATCH' });
    const dropped = named(await read(), 'app.gossip.packet.dropped');
    expect(dropped?.dataPoints.map((p) => [p.attributes.code, p.value]).sort()).toEqual([
      ['ERR_CRC_MISMATCH', 1],
      ['ERR_TRUNCATED', 2],
    ]);
    expect(metrics.refused).toBe(0);
    await provider.shutdown();
  });

  it('given no meter, then it uses the global MeterProvider (a no-op until an SDK registers one) without throwing', () => {
    const metrics = new OpenTelemetryMetrics();
    expect(() => metrics.addSample(MetricNames.gossip, 1.5)).not.toThrow();
    expect(metrics.refused).toBe(0);
  });
});
