import { MetricNames, type Memberlist } from '@gossip/core';
import { eventually } from '@gossip/test-support';
import { createNode } from 'gossip';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromClientMetrics } from './prom-client-metrics.js';

describe('PromClientMetrics with two live nodes on loopback', () => {
  const registry = new Registry();
  const nodes: Memberlist[] = [];

  beforeAll(async () => {
    const metrics = new PromClientMetrics({ registry });
    const fast = { bind: '127.0.0.1:0', preset: 'local', probeIntervalMs: 200, gossipIntervalMs: 50, pushPullIntervalMs: 500 } as const;
    nodes.push(await createNode({ ...fast, name: 'prom-a', metrics }));
    nodes.push(await createNode({ ...fast, name: 'prom-b' }));
    await nodes[0]!.join([nodes[1]!.localNode().address]);
    // Probes and a push/pull have run once their summaries have counts; a probe cycle, once the member gauge is out.
    await eventually('node a has probed, pushed/pulled and finished a probe cycle', 20_000, async () => {
      const text = await registry.metrics();
      return (
        /^memberlist_probeNode_count [1-9]/m.test(text) &&
        /^memberlist_pushPullNode_count [1-9]/m.test(text) &&
        /^memberlist_node_instances\{node_state="alive"\} 2$/m.test(text)
      );
    });
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.shutdown()));
  });

  it("given the registry's output, then counters end in _total with HELP and TYPE lines", async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/^# HELP memberlist_udp_sent_total Bytes sent in datagrams\.$/m);
    expect(text).toMatch(/^# TYPE memberlist_udp_sent_total counter$/m);
    expect(text).toMatch(/^memberlist_udp_sent_total [1-9]\d*$/m);
    expect(text).toMatch(/^memberlist_tcp_connect_total [1-9]\d*$/m);
  });

  it('given samples, then they are summaries with the 0.5/0.9/0.99 quantiles, a sum and a count', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/^# HELP memberlist_probeNode Duration of one probe of one member, in milliseconds\.$/m);
    expect(text).toMatch(/^# TYPE memberlist_probeNode summary$/m);
    for (const q of ['0.5', '0.9', '0.99']) expect(text).toMatch(new RegExp(`^memberlist_probeNode\\{quantile="${q}"\\} [\\d.e+-]+$`, 'm'));
    expect(text).toMatch(/^memberlist_probeNode_sum [\d.e+-]+$/m);
  });

  it('given a labelled gauge, then every label value is its own series', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/^# TYPE memberlist_node_instances gauge$/m);
    expect(text).toMatch(/^memberlist_node_instances\{node_state="alive"\} 2$/m);
    expect(text).toMatch(/^memberlist_node_instances\{node_state="dead"\} 0$/m);
  });
});

describe('PromClientMetrics on its own', () => {
  it('given a prefix and labels observed in another order or missing, then one metric with fixed label names', async () => {
    const registry = new Registry();
    const metrics = new PromClientMetrics({ registry, prefix: 'app_' });
    metrics.incrCounter(MetricNames.packetDropped, 2, { code: 'ERR_TRUNCATED' });
    metrics.incrCounter(MetricNames.packetDropped, 1, { code: 'ERR_TRUNCATED', extra: 'ignored' });
    metrics.incrCounter(MetricNames.packetDropped, 1);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE app_gossip_packet_dropped_total counter\n');
    expect(text).toMatch(/^app_gossip_packet_dropped_total\{code="ERR_TRUNCATED"\} 3$/m);
    expect(text).toMatch(/^app_gossip_packet_dropped_total\{code=""\} 1$/m);
    expect(metrics.refused).toBe(0);
  });

  it('given a name the registry already holds as another metric, then observations are dropped and counted, never thrown', async () => {
    const registry = new Registry();
    new Counter({ name: 'memberlist_health_score', help: 'taken', registers: [registry] });
    const metrics = new PromClientMetrics({ registry });
    expect(() => metrics.setGauge(MetricNames.healthScore, 1)).not.toThrow();
    expect(metrics.refused).toBe(1);
    expect(await registry.metrics()).toContain('# HELP memberlist_health_score taken');
  });
});
