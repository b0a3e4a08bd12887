/** `gossip info` (the agent's state and counters) and `gossip monitor` (its live log and events). */
import { type CliLogLevel, LOG_LEVELS, type LogRecord, formatLogLine } from '../agent/logger.js';
import type { MemberJson } from '../agent/member-json.js';
import { parseChoice, parseFlagsAndArgs, usageError } from '../args.js';
import { apiFetch, apiJson } from '../client.js';
import { SseReader } from '../sse-reader.js';
import { type Io, untilInterrupted } from '../io.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_USAGE, clientOptions } from './client-flags.js';

/** `gossip info --help`. */
export const INFO_USAGE = `Usage: gossip info [options]

Shows a running agent's configuration, its node (incarnation, tags), Lifeguard health score,
member counts, key/value store and counters.

Options:
  --format FORMAT    text (default) or json
${CLIENT_FLAGS_USAGE}`;

/** `gossip monitor --help`. */
export const MONITOR_USAGE = `Usage: gossip monitor [options]

Streams a running agent's log lines and membership events until Ctrl-C.

Options:
  --log-level LEVEL  debug, info (default), warn or error
${CLIENT_FLAGS_USAGE}`;

interface Info {
  version: string;
  node: MemberJson & { address: string };
  config: Record<string, unknown>;
  encrypted: boolean;
  healthScore: number;
  members: Record<string, number>;
  kv: Record<string, unknown>;
  uptimeMs: number;
  metrics: Record<string, number>;
}

function section(title: string, entries: Record<string, unknown>): string[] {
  const width = Math.max(...Object.keys(entries).map((k) => k.length));
  return [`${title}:`, ...Object.entries(entries).map(([k, v]) => `  ${k.padEnd(width)} = ${typeof v === 'string' ? v : JSON.stringify(v)}`)];
}

/** Renders `GET /v1/info` as serf's `info` does: sections of `key = value`. */
export function formatInfo(info: Info): string {
  return [
    ...section('agent', { name: info.node.name, version: info.version, uptime: `${Math.round(info.uptimeMs / 1000)}s`, encrypted: info.encrypted }),
    ...section('node', { address: info.node.address, state: info.node.state, incarnation: info.node.incarnation, tags: info.node.tags, http: info.node.http ?? '-' }),
    ...section('health', { healthScore: info.healthScore, ...info.members }),
    ...section('kv', info.kv),
    ...section('config', info.config),
    ...section('metrics', info.metrics),
  ].join('\n');
}

/** Runs `gossip info`. */
export async function runInfo(argv: readonly string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseFlagsAndArgs(argv, { ...CLIENT_FLAGS, format: { type: 'string' } });
  if (v.help === true) {
    io.out(INFO_USAGE);
    return 0;
  }
  if (positionals.length > 0) usageError(`Unexpected argument '${positionals[0]}'`);
  const format = parseChoice('format', v.format ?? 'text', ['text', 'json'] as const);
  const info = await apiJson<Info>(clientOptions(v), 'GET', '/info');
  io.out(format === 'json' ? JSON.stringify(info, null, 2) : formatInfo(info));
  return 0;
}

/** Renders one monitor event as a line. */
export function formatMonitorEvent(event: string, data: Record<string, unknown>): string {
  if (event === 'log') {
    const r = data as unknown as LogRecord;
    return formatLogLine(r.level, r.fields, r.msg, new Date(r.time));
  }
  const at = new Date(typeof data.time === 'number' ? data.time : Date.now()).toISOString();
  if (event === 'member') {
    const m = data.member as MemberJson;
    return `${at} EVENT member-${String(data.type)} ${m.name} ${m.addr}:${m.port} incarnation=${m.incarnation}`;
  }
  if (event === 'kv') return `${at} EVENT kv ${JSON.stringify(data.key)} ${data.value === null ? 'deleted' : `= ${JSON.stringify(data.value)}`} origin=${String(data.origin)}`;
  return `${at} EVENT ${event} ${JSON.stringify(data)}`;
}

/** Runs `gossip monitor` until Ctrl-C (0) or until the agent goes away (1). */
export async function runMonitor(argv: readonly string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseFlagsAndArgs(argv, { ...CLIENT_FLAGS, 'log-level': { type: 'string' } });
  if (v.help === true) {
    io.out(MONITOR_USAGE);
    return 0;
  }
  if (positionals.length > 0) usageError(`Unexpected argument '${positionals[0]}'`);
  const level: CliLogLevel = parseChoice('log-level', v['log-level'] ?? 'info', LOG_LEVELS.filter((l) => l !== 'silent'));
  const client = clientOptions(v);
  const res = await apiFetch({ ...client, timeoutMs: 0 }, 'GET', `/monitor?level=${level}`);
  io.err(`Monitoring the agent at ${client.http} (log level ${level}). Ctrl-C stops.`);
  const stop = untilInterrupted();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  void stop.done.then(() => reader.cancel());
  const sse = new SseReader();
  let interrupted = false;
  void stop.done.then(() => (interrupted = true));
  try {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done || value === undefined) break;
      for (const { event, data } of sse.push(value)) io.out(formatMonitorEvent(event, data as Record<string, unknown>));
    }
  } finally {
    stop.dispose();
  }
  if (interrupted) return 0;
  io.err(`The agent at ${client.http} closed the stream (it stopped).`);
  return 1;
}
