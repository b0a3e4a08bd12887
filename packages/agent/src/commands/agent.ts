/** `gossip agent`: runs one node with the replicated key/value store and its HTTP API until Ctrl-C or `gossip leave`. */
import { Agent } from '../agent/agent.js';
import { type AgentConfig, CONFIG_KEYS, DEFAULT_BIND, DEFAULT_HTTP, publicConfig, readConfigFile, resolveAgentConfig } from '../agent/config.js';
import { createCliLogger } from '../agent/logger.js';
import { parseFlags } from '../args.js';
import { type Io, untilInterrupted } from '../io.js';

/** `gossip agent --help`. */
export const AGENT_USAGE = `Usage: gossip agent [options]

Runs one gossip node with a replicated key/value store, an HTTP API and a dashboard,
until Ctrl-C or \`gossip leave\` (then it leaves the cluster gracefully).

Options:
  --name NAME            unique node name (default: the host name)
  --bind IP:PORT         gossip address, UDP and TCP (default ${DEFAULT_BIND}; port 0 picks one)
  --advertise IP:PORT    address peers should use (default: detected, as memberlist does)
  --join HOST:PORT,...   seeds to join; retried with backoff until one answers (repeatable)
  --http IP:PORT         HTTP API and dashboard (default ${DEFAULT_HTTP})
  --http-token TOKEN     token that state-changing API routes require (or GOSSIP_HTTP_TOKEN);
                         required when --http is not a loopback address
  --http-insecure        serve state-changing routes beyond loopback without a token
  --http-allowed-host H  a host name browsers may use for state changes (repeatable; the
                         dashboard reached by DNS name); loopback names and IPs always work
  --encrypt BASE64       AES key (16, 24 or 32 bytes, see \`gossip keygen\`): encrypt all traffic
  --key BASE64           a further key accepted for decryption (repeatable; rotation)
  --tag KEY=VALUE        a tag in this node's metadata (repeatable; Go peers see the bytes)
  --label LABEL          cluster label: traffic without it is dropped
  --preset lan|wan|local timing preset (default lan)
  --log-level LEVEL      debug, info, warn, error or silent (default info)
  --log-json             log JSON Lines instead of text (stderr)
  --config-file PATH     JSON file; keys: ${Object.keys(CONFIG_KEYS).join(', ')}
                         (flags win; tags merge key by key)
  -h, --help             show this help

HTTP API (under /v1/): members, health, metrics, events (SSE), kv, info, join, leave,
force-leave, keys, monitor; the dashboard at /.

Example:
  gossip agent --name a --bind 127.0.0.1:7946 --http 127.0.0.1:7480 --tag role=web
  gossip agent --name b --bind 127.0.0.1:7947 --http 127.0.0.1:7481 --join 127.0.0.1:7946
  gossip members --http 127.0.0.1:7481`;

const FLAGS = {
  name: { type: 'string' },
  bind: { type: 'string' },
  advertise: { type: 'string' },
  join: { type: 'string', multiple: true },
  http: { type: 'string' },
  'http-token': { type: 'string' },
  'http-insecure': { type: 'boolean' },
  'http-allowed-host': { type: 'string', multiple: true },
  encrypt: { type: 'string' },
  key: { type: 'string', multiple: true },
  tag: { type: 'string', multiple: true },
  label: { type: 'string' },
  preset: { type: 'string' },
  'log-level': { type: 'string' },
  'log-json': { type: 'boolean' },
  'config-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `gossip agent` flags and config file into the effective configuration (throws `ERR_USAGE`); `undefined` for --help. */
export function parseAgentArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  read?: (path: string) => string,
): AgentConfig | undefined {
  const { help, 'config-file': configFile, ...flags } = parseFlags(argv, FLAGS);
  if (help === true) return undefined;
  const file = configFile === undefined ? {} : readConfigFile(configFile, read);
  return resolveAgentConfig(flags, file, env);
}

/** Runs `gossip agent`; resolves with the exit status once stopped by a signal or `gossip leave`. */
export async function runAgent(argv: readonly string[], io: Io): Promise<number> {
  const config = parseAgentArgs(argv, process.env);
  if (config === undefined) {
    io.out(AGENT_USAGE);
    return 0;
  }
  const logger = createCliLogger(config.logLevel, undefined, config.logJson ? 'json' : 'text');
  const agent = await Agent.start({
    name: config.name,
    bind: config.bind,
    advertise: config.advertise,
    http: config.http,
    httpToken: config.httpToken,
    httpAllowedHosts: config.httpAllowedHosts,
    keys: config.keys,
    tags: config.tags,
    label: config.label,
    preset: config.preset,
    logger,
    config: publicConfig(config),
  });
  const self = agent.node.localNode();
  io.out(`gossip agent ${self.name} gossiping on ${self.address} (${config.preset} preset${config.keys.length > 0 ? ', encrypted' : ''})`);
  if (agent.http !== undefined) io.out(`HTTP API and dashboard: http://${agent.http.address}/`);
  io.out(config.join.length > 0 ? `Joining through ${config.join.join(', ')}. Ctrl-C leaves the cluster.` : 'Waiting for others to join. Ctrl-C leaves the cluster.');
  const interrupted = untilInterrupted();
  if (config.join.length > 0) {
    agent.join(config.join, true).catch(() => undefined);
  }
  const why = await Promise.race([interrupted.done, agent.stopRequested]);
  interrupted.dispose();
  logger.info({ why }, 'leaving the cluster');
  await agent.stop({ leave: true, leaveTimeoutMs: 3000 });
  return 0;
}
