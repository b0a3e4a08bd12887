/** `gossip agent`: runs one node with the replicated key/value store and its HTTP API until Ctrl-C. */
import type { Preset } from 'gossip';
import { Agent } from '../agent/agent.js';
import { type CliLogLevel, LOG_LEVELS, createCliLogger } from '../agent/logger.js';
import { parseChoice, parseFlags, parseHostPort, parseSeeds, usageError } from '../args.js';
import { type Io, untilInterrupted } from '../io.js';

/** `gossip agent --help`. */
export const AGENT_USAGE = `Usage: gossip agent --name NAME --bind IP:PORT [options]

Runs one gossip node with a replicated key/value store and an HTTP API, until Ctrl-C
(then it leaves the cluster gracefully).

Options:
  --name NAME            unique node name (required)
  --bind IP:PORT         gossip address, UDP and TCP (required; port 0 picks a free one)
  --advertise IP:PORT    address peers should use, if different from --bind (NAT, containers)
  --join HOST:PORT,...   seeds to join; retried with backoff until one answers (repeatable)
  --http IP:PORT         serve the HTTP API and dashboard here (e.g. 127.0.0.1:7480)
  --key BASE64           AES key (16, 24 or 32 bytes); the first is the primary (repeatable)
  --label LABEL          cluster label: traffic without it is dropped
  --preset lan|wan|local timing preset (default lan)
  --log-level LEVEL      debug, info, warn, error or silent (default info)
  -h, --help             show this help

HTTP API: GET /v1/members, GET /v1/kv, GET|PUT|DELETE /v1/kv/:key, GET /v1/events (SSE),
          GET /v1/health, GET /v1/metrics (Prometheus), GET / (dashboard)

Example:
  gossip agent --name a --bind 127.0.0.1:7946 --http 127.0.0.1:7480
  gossip agent --name b --bind 127.0.0.1:7947 --http 127.0.0.1:7481 --join 127.0.0.1:7946
  curl -X PUT --data hello http://127.0.0.1:7480/v1/kv/greeting
  curl http://127.0.0.1:7481/v1/kv/greeting`;

const FLAGS = {
  name: { type: 'string' },
  bind: { type: 'string' },
  advertise: { type: 'string' },
  join: { type: 'string', multiple: true },
  http: { type: 'string' },
  key: { type: 'string', multiple: true },
  label: { type: 'string' },
  preset: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parsed `gossip agent` flags. */
export interface AgentArgs {
  readonly help: boolean;
  readonly name: string;
  readonly bind: string;
  readonly advertise?: string;
  readonly join: string[];
  readonly http?: string;
  readonly keys: string[];
  readonly label?: string;
  readonly preset: Preset;
  readonly logLevel: CliLogLevel;
}

/** Parses and validates `gossip agent` flags (throws `ERR_USAGE`). */
export function parseAgentArgs(argv: readonly string[]): AgentArgs {
  const v = parseFlags(argv, FLAGS);
  if (v.help === true) return { help: true, name: '', bind: '', join: [], keys: [], preset: 'lan', logLevel: 'info' };
  if (v.name === undefined || v.name.length === 0) usageError('--name is required');
  if (Buffer.byteLength(v.name) > 64) usageError('--name must be at most 64 bytes');
  if (v.bind === undefined) usageError('--bind is required (e.g. --bind 127.0.0.1:7946)');
  const keys = v.key ?? [];
  for (const key of keys) {
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(key) ? Buffer.from(key, 'base64').length : -1;
    if (![16, 24, 32].includes(bytes)) usageError(`--key must be a base64 AES key of 16, 24 or 32 bytes`);
  }
  return {
    help: false,
    name: v.name,
    bind: parseHostPort('bind', v.bind),
    advertise: v.advertise === undefined ? undefined : parseHostPort('advertise', v.advertise, false),
    join: parseSeeds('join', v.join ?? []),
    http: v.http === undefined ? undefined : parseHostPort('http', v.http),
    keys,
    label: v.label,
    preset: parseChoice('preset', v.preset ?? 'lan', ['lan', 'wan', 'local'] as const),
    logLevel: parseChoice('log-level', v['log-level'] ?? 'info', LOG_LEVELS),
  };
}

/** Runs `gossip agent`; resolves with the exit status once stopped by a signal. */
export async function runAgent(argv: readonly string[], io: Io): Promise<number> {
  const args = parseAgentArgs(argv);
  if (args.help) {
    io.out(AGENT_USAGE);
    return 0;
  }
  const logger = createCliLogger(args.logLevel);
  const agent = await Agent.start({
    name: args.name,
    bind: args.bind,
    advertise: args.advertise,
    http: args.http,
    keys: args.keys,
    label: args.label,
    preset: args.preset,
    logger,
  });
  const self = agent.node.localNode();
  io.out(`gossip agent ${self.name} gossiping on ${self.address} (${args.preset} preset${args.keys.length > 0 ? ', encrypted' : ''})`);
  if (agent.http !== undefined) io.out(`HTTP API and dashboard: http://${agent.http.address}/`);
  io.out(args.join.length > 0 ? `Joining through ${args.join.join(', ')}. Ctrl-C leaves the cluster.` : 'Waiting for others to join. Ctrl-C leaves the cluster.');
  const interrupted = untilInterrupted();
  if (args.join.length > 0) {
    agent.join(args.join, true).catch(() => undefined);
  }
  const signal = await interrupted.done;
  interrupted.dispose();
  logger.info({ signal }, 'leaving the cluster');
  await agent.stop({ leave: true, leaveTimeoutMs: 3000 });
  return 0;
}
