import { describe, expect, it } from 'vitest';
import { MemoryMetrics, MetricNames, noopMetrics } from './metrics.js';

describe('MetricNames', () => {
  it('given the memberlist keys, then they are spelled exactly as memberlist emits them', () => {
    expect(MetricNames.msgAlive).toEqual(['memberlist', 'msg', 'alive']);
    expect(MetricNames.degradedTimeout).toEqual(['memberlist', 'degraded', 'timeout']);
    expect(MetricNames.healthScore).toEqual(['memberlist', 'health', 'score']);
    expect(MetricNames.probeNode).toEqual(['memberlist', 'probeNode']);
    expect(MetricNames.queueBroadcasts).toEqual(['memberlist', 'queue', 'broadcasts']);
    expect(MetricNames.packetDropped).toEqual(['gossip', 'packet', 'dropped']);
    const all = Object.values(MetricNames).map((k) => k.join('.'));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('noopMetrics', () => {
  it('given observations, then it accepts and discards them', () => {
    expect(() => {
      noopMetrics.incrCounter(MetricNames.msgAlive, 1);
      noopMetrics.setGauge(MetricNames.healthScore, 1);
      noopMetrics.addSample(MetricNames.gossip, 1);
    }).not.toThrow();
  });
});

describe('MemoryMetrics', () => {
  it('given counter increments, then they sum per key and label set', () => {
    const m = new MemoryMetrics();
    m.incrCounter(MetricNames.udpSent, 100);
    m.incrCounter(MetricNames.udpSent, 50);
    m.incrCounter(MetricNames.packetDropped, 1, { code: 'ERR_CRC', other: 'x' });
    m.incrCounter(MetricNames.packetDropped, 1, { other: 'x', code: 'ERR_CRC' });
    expect(m.counter(MetricNames.udpSent)).toBe(150);
    expect(m.counter(MetricNames.packetDropped, { code: 'ERR_CRC', other: 'x' })).toBe(2);
    expect(m.counter(MetricNames.packetDropped)).toBe(0);
  });

  it('given gauge sets, then the last value wins', () => {
    const m = new MemoryMetrics();
    expect(m.gauge(MetricNames.healthScore)).toBeUndefined();
    m.setGauge(MetricNames.healthScore, 3);
    m.setGauge(MetricNames.healthScore, 1);
    expect(m.gauge(MetricNames.healthScore)).toBe(1);
  });

  it('given samples, then the summary has count, sum, min, max, last and mean', () => {
    const m = new MemoryMetrics();
    for (const v of [5, 1, 9]) m.addSample(MetricNames.probeNode, v);
    expect(m.sample(MetricNames.probeNode)).toEqual({ count: 3, sum: 15, min: 1, max: 9, last: 9, mean: 5 });
    expect(m.sample(MetricNames.gossip)).toBeUndefined();
  });

  it('given a bounded window, when many samples arrive, then totals stay exact and quantiles use the latest ones', () => {
    const m = new MemoryMetrics({ sampleWindow: 10 });
    for (let i = 1; i <= 1000; i++) m.addSample(['x'], i);
    expect(m.sample(['x'])?.count).toBe(1000);
    expect(m.toPrometheus()).toContain('x{quantile="0.5"} 996');
  });

  it('given a counter whose key already ends in total, then it is not suffixed twice; an unknown key gets a generic HELP', () => {
    const m = new MemoryMetrics();
    m.incrCounter(['app', 'requests', 'total'], 3);
    expect(m.toPrometheus()).toBe(
      '# HELP app_requests_total gossip metric app.requests.total.\n# TYPE app_requests_total counter\napp_requests_total 3\n',
    );
  });

  it('given every kind of series, then Prometheus text has HELP and TYPE lines, _total counters, underscore names and escaped labels', () => {
    const m = new MemoryMetrics();
    m.incrCounter(MetricNames.msgAlive, 2);
    m.setGauge(MetricNames.nodeInstances, 4, { node_state: 'alive' });
    m.setGauge(MetricNames.nodeInstances, 1, { node_state: 'dead' });
    m.addSample(MetricNames.probeNode, 12);
    m.incrCounter(['gossip', 'packet', 'dropped'], 1, { code: 'a"b\\c\nd' });
    const text = m.toPrometheus();
    expect(text).toContain(
      '# HELP memberlist_msg_alive_total Alive messages processed.\n# TYPE memberlist_msg_alive_total counter\nmemberlist_msg_alive_total 2\n',
    );
    expect(text).toContain(
      '# HELP memberlist_node_instances Members in the local list, by state (node_state: alive, suspect, dead, left).\n' +
        '# TYPE memberlist_node_instances gauge\nmemberlist_node_instances{node_state="alive"} 4\nmemberlist_node_instances{node_state="dead"} 1\n',
    );
    expect(text).toContain('# HELP memberlist_probeNode Duration of one probe of one member, in milliseconds.\n# TYPE memberlist_probeNode summary\n');
    expect(text).toContain('memberlist_probeNode{quantile="0.99"} 12\n');
    expect(text).toContain('memberlist_probeNode_sum 12\nmemberlist_probeNode_count 1\n');
    expect(text).toContain('gossip_packet_dropped_total{code="a\\"b\\\\c\\nd"} 1');
    // Every family has exactly one HELP and one TYPE line, HELP first.
    const families = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    expect(families).toHaveLength(4);
    for (const name of families) expect(text).toMatch(new RegExp(`^# HELP ${name} .+\\n# TYPE ${name} `, 'm'));
    m.reset();
    expect(m.toPrometheus()).toBe('');
  });
});
