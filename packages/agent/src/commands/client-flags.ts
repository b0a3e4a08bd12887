/** Flags every client command shares: where the agent's API is, and its token. */
import { DEFAULT_HTTP } from '../agent/config.js';
import { parseHostPort } from '../args.js';
import type { ClientOptions } from '../client.js';

/** `--http` and `--token`, for parseArgs. */
export const CLIENT_FLAGS = {
  http: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The usage lines of {@link CLIENT_FLAGS}. */
export const CLIENT_FLAGS_USAGE = `  --http IP:PORT     the agent's HTTP API (default GOSSIP_HTTP_ADDR or ${DEFAULT_HTTP})
  --token TOKEN      the agent's API token, if it has one (default GOSSIP_HTTP_TOKEN)
  -h, --help         show this help`;

/** Client options from the parsed flags and the environment. */
export function clientOptions(values: { http?: string; token?: string }, env: Readonly<Record<string, string | undefined>> = process.env): ClientOptions {
  return {
    http: parseHostPort('http', values.http ?? env.GOSSIP_HTTP_ADDR ?? DEFAULT_HTTP, false),
    token: values.token ?? env.GOSSIP_HTTP_TOKEN,
  };
}
