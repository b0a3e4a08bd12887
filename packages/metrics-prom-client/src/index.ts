/**
 * `@gossip/metrics-prom-client`: a node's metrics in a prom-client registry.
 *
 * ```ts
 * import { createNode } from 'gossip';
 * import { PromClientMetrics } from '@gossip/metrics-prom-client';
 * const node = await createNode({ name: 'a', bind: '0.0.0.0:7946', metrics: new PromClientMetrics() });
 * ```
 */
export { PromClientMetrics, type PromClientMetricsOptions } from './prom-client-metrics.js';
