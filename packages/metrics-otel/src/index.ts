/**
 * `@gossip/metrics-otel`: a node's metrics as OpenTelemetry instruments.
 *
 * ```ts
 * import { createNode } from 'gossip';
 * import { OpenTelemetryMetrics } from '@gossip/metrics-otel';
 * const node = await createNode({ name: 'a', bind: '0.0.0.0:7946', metrics: new OpenTelemetryMetrics() });
 * ```
 */
export { OpenTelemetryMetrics, type OpenTelemetryMetricsOptions } from './otel-metrics.js';
