/**
 * Who may change an agent's state over HTTP. Browsers make any web page able to send requests to a local agent
 * (cross-site forms and fetches), and DNS rebinding makes a page's own host name resolve to 127.0.0.1, so a
 * state-changing route (PUT, DELETE, POST, and reading the keyring) refuses:
 *
 * - a `Host` that is neither a loopback name (`localhost`, a loopback IP) nor an IP address of the agent's own
 *   (the address it listens on; any IP literal when it listens on all interfaces) nor a name the operator
 *   allowed (`--http-allowed-host`, for a dashboard reached by DNS name): a rebound name never is;
 * - an `Origin` other than the agent's own (`http://` + the request's `Host`): pages of other sites;
 * - without the agent's API token when one is configured (`Authorization: Bearer …`).
 *
 * Requests without an `Origin` (curl, the `gossip` CLI) pass the origin check: only browsers send one.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { splitHostPort } from 'gossip';

/** Why a request was refused: HTTP status, stable code, message. */
export interface Refusal {
  readonly status: 403 | 401;
  readonly code: 'ERR_HTTP_FORBIDDEN' | 'ERR_HTTP_UNAUTHORIZED';
  readonly message: string;
}

function isLoopbackIp(ip: string): boolean {
  return isIP(ip) === 4 ? ip.startsWith('127.') : ip === '::1' || ip === '0:0:0:0:0:0:0:1';
}

function isUnspecified(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::' || ip === '0:0:0:0:0:0:0:0';
}

/** The host part of a `Host` header (`name`, `name:port`, `[v6]`, `[v6]:port`), lower-cased, or undefined. */
export function hostOf(header: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::\d{1,5})?$/.exec(header.trim());
  return (m?.[1] ?? m?.[2])?.toLowerCase();
}

/** Whether `host` (from a `Host` header) names this agent: a loopback name, or one of its own IP addresses. */
export function isAllowedHost(host: string, listenIp: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 0) return false;
  return isLoopbackIp(host) || host === listenIp.toLowerCase() || isUnspecified(listenIp);
}

/** Checks a state-changing request against the rules above; `undefined` when it may proceed. */
export function refuseStateChange(
  req: IncomingMessage,
  listenAddress: string,
  token: string | undefined,
  allowedHosts: ReadonlySet<string> = new Set(),
): Refusal | undefined {
  const hostHeader = req.headers.host ?? '';
  const host = hostOf(hostHeader);
  const { host: listenIp } = splitHostPort(listenAddress);
  if (host === undefined || !(isAllowedHost(host, listenIp) || allowedHosts.has(host))) {
    return { status: 403, code: 'ERR_HTTP_FORBIDDEN', message: `Host ${JSON.stringify(hostHeader)} is not this agent's address or a loopback name` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${hostHeader}`) {
    return { status: 403, code: 'ERR_HTTP_FORBIDDEN', message: `cross-origin request from ${JSON.stringify(origin)} refused` };
  }
  if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
    return { status: 401, code: 'ERR_HTTP_UNAUTHORIZED', message: 'this route needs the agent\'s API token: Authorization: Bearer <token>' };
  }
  return undefined;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (m === null) return false;
  const given = Buffer.from(m[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
