/**
 * The CLI's client of an agent's HTTP API. Failures say which address was tried and why: connection refused,
 * timeout, a name that does not resolve, or the agent's own error (`{ error: { code, message } }`).
 */
import { DemoError } from './errors.js';

/** Default time to wait for an answer. */
export const CLIENT_TIMEOUT_MS = 5_000;

/** Where and how to reach the agent. */
export interface ClientOptions {
  /** The agent's HTTP API, `ip:port`. */
  readonly http: string;
  /** API token for state-changing routes. */
  readonly token?: string;
  /** Default {@link CLIENT_TIMEOUT_MS}; 0 waits forever (streams). */
  readonly timeoutMs?: number;
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  const first = cause?.errors?.[0]?.code;
  if (typeof first === 'string') return first;
  return typeof cause?.message === 'string' ? cause.message : undefined;
}

const WHY: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED): nothing listens there',
  ECONNRESET: 'connection reset (ECONNRESET)',
  EHOSTUNREACH: 'host unreachable (EHOSTUNREACH)',
  ENETUNREACH: 'network unreachable (ENETUNREACH)',
  ENOTFOUND: 'host name not found (ENOTFOUND)',
  EADDRNOTAVAIL: 'address not available (EADDRNOTAVAIL)',
};

/** Explains why `url` could not be fetched. */
function unreachable(url: string, err: unknown, timeoutMs: number): DemoError {
  const name = (err as { name?: unknown }).name;
  const code = causeCode(err);
  const why =
    name === 'TimeoutError' || name === 'AbortError'
      ? `no answer within ${timeoutMs / 1000} s (timeout)`
      : code !== undefined
        ? (WHY[code] ?? code)
        : err instanceof Error
          ? err.message
          : String(err);
  return new DemoError('ERR_AGENT_UNREACHABLE', `cannot reach the agent at ${url}: ${why}. Is \`gossip agent\` running with --http ${new URL(url).host}?`, { cause: err });
}

/** Sends a request; returns the response once it is 2xx, else throws `ERR_AGENT_REQUEST` with the agent's message. */
export async function apiFetch(options: ClientOptions, method: string, path: string, body?: unknown): Promise<Response> {
  const url = `http://${options.http}/v1${path}`;
  const timeoutMs = options.timeoutMs ?? CLIENT_TIMEOUT_MS;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined,
    });
  } catch (err) {
    throw unreachable(url, err, timeoutMs);
  }
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const json = (await res.json()) as { error?: { code?: string; message?: string } };
      if (json.error?.message !== undefined) message = `${json.error.message} (HTTP ${res.status} ${json.error.code ?? ''})`.replace(' )', ')');
    } catch {
      // Not our JSON: the status says enough.
    }
    throw new DemoError('ERR_AGENT_REQUEST', `${method} ${url}: ${message}`);
  }
  return res;
}

/** {@link apiFetch} and parse the JSON answer. */
export async function apiJson<T>(options: ClientOptions, method: string, path: string, body?: unknown): Promise<T> {
  const res = await apiFetch(options, method, path, body);
  return (await res.json()) as T;
}
