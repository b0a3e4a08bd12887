/**
 * Everything the testbed knows about the agents it runs: which program, which flags, which HTTP paths and what
 * they answer. TS hosts run the `gossip agent` command (@gossip/agent); Go hosts run `go-agent/` (memberlist v0.2.2 behind the
 * same observation API). Switching to another agent command or API layout is an edit of this file only.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGoProgram } from '@gossip/gotools';
import { ChaosError } from './errors.js';
import { SseParser } from './sse.js';

/** TS agent (`gossip agent`) or Go agent (memberlist v0.2.2). */
export type AgentKind = 'ts' | 'go';

/** Gossip and HTTP ports; every host has its own address, so every host uses the same ports. */
export const GOSSIP_PORT = 7946;
/** HTTP API port of every agent. */
export const HTTP_PORT = 7480;

/** The HTTP API paths both agents serve. */
export const API = {
  /** `GET`: every member this agent knows, dead and left included. */
  members: '/v1/members',
  /** `GET`: server-sent events; `member` events carry `{ type, member }`. */
  events: '/v1/events',
} as const;

/** A member as an agent lists it. */
export interface MemberView {
  readonly name: string;
  readonly addr: string;
  readonly port: number;
  readonly state: 'alive' | 'suspect' | 'dead' | 'left';
  readonly incarnation: number;
}

/** A membership event as an agent streams it. */
export interface AgentEvent {
  readonly id: number;
  /** Wall-clock ms (the agents share this machine's clock with the runner). */
  readonly time: number;
  readonly type: 'join' | 'suspect' | 'alive' | 'dead' | 'left' | 'update';
  readonly member: MemberView;
}

/** What to start on one host. */
export interface AgentSpec {
  readonly kind: AgentKind;
  readonly name: string;
  readonly ip: string;
  /** `ip:port` seeds; empty for the first host. */
  readonly seeds: readonly string[];
}

/** Paths of the programs, resolved once per run. */
export interface AgentPrograms {
  /** `gossip` CLI (JavaScript entry point). */
  readonly tsCli: string;
  /** The Go agent binary, when Go hosts are wanted. */
  readonly goBin?: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The TS agents' API token for this run: the harness never changes state over HTTP, so nobody needs to know it. */
const HTTP_TOKEN = randomBytes(16).toString('hex');

/** Finds the built `gossip` CLI and, if `withGo`, builds the Go agent. */
export async function resolvePrograms(withGo: boolean): Promise<AgentPrograms> {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@gossip/agent/package.json');
  const tsCli = join(dirname(pkg), 'dist', 'cli.js');
  // dist/ of this package and src/ (under vitest) are both one level below the package root.
  const goBin = withGo ? await buildGoProgram(join(here, '..', 'go-agent'), 'go-agent') : undefined;
  return { tsCli, goBin };
}

/** The command line (run inside the host's namespace) that starts `spec`. */
export function agentCommand(spec: AgentSpec, programs: AgentPrograms): string[] {
  const bind = `${spec.ip}:${GOSSIP_PORT}`;
  const http = `${spec.ip}:${HTTP_PORT}`;
  if (spec.kind === 'ts') {
    const join = spec.seeds.length > 0 ? ['--join', spec.seeds.join(',')] : [];
    // The API listens on the namespace address, so the agent insists on a token for state changes; the harness
    // only reads, and a per-run token keeps the hosts closed to anything else on the bridge.
    return [process.execPath, programs.tsCli, 'agent', '--name', spec.name, '--bind', bind, '--http', http, '--http-token', HTTP_TOKEN, ...join, '--log-level', 'error'];
  }
  if (programs.goBin === undefined) throw new ChaosError('ERR_CHAOS_AGENT', 'the Go agent was not built (no --go hosts requested)');
  const join = spec.seeds.length > 0 ? ['-join', spec.seeds.join(',')] : [];
  return [programs.goBin, '-name', spec.name, '-bind', bind, '-http', http, ...join];
}

/** `ip:port` a peer joins through. */
export function gossipAddress(ip: string): string {
  return `${ip}:${GOSSIP_PORT}`;
}

/** `GET /v1/members` of the agent at `ip`, bounded by `timeoutMs`. */
export function fetchMembers(ip: string, timeoutMs = 2000): Promise<MemberView[]> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port: HTTP_PORT, path: API.members, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 16 * 1024 * 1024) req.destroy(new ChaosError('ERR_CHAOS_AGENT', `${ip}: member list over 16 MiB`));
        else chunks.push(c);
      });
      res.on('end', () => {
        try {
          if (res.statusCode !== 200) throw new ChaosError('ERR_CHAOS_AGENT', `${ip}: GET ${API.members} answered ${res.statusCode}`);
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as MemberView[]);
        } catch (err) {
          reject(err instanceof ChaosError ? err : new ChaosError('ERR_CHAOS_AGENT', `${ip}: bad member list`, { cause: err }));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new ChaosError('ERR_CHAOS_AGENT', `${ip}: GET ${API.members} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Streams the agent's member events (`GET /v1/events`) after `lastId`; `onClose` fires once when the stream ends
 * for any reason. Returns a function that closes the stream.
 */
export function streamEvents(ip: string, lastId: number, onEvent: (event: AgentEvent) => void, onClose: () => void): () => void {
  let closed = false;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    onClose();
  };
  const parser = new SseParser((msg) => {
    if (msg.event !== 'member') return;
    try {
      const body = JSON.parse(msg.data) as AgentEvent & { kind?: string };
      if (typeof body.member?.name === 'string' && typeof body.type === 'string') onEvent(body);
    } catch {
      // A malformed event is skipped: observation must not stop on one bad line.
    }
  });
  const req = request({ host: ip, port: HTTP_PORT, path: API.events, method: 'GET', headers: { 'last-event-id': String(lastId) } }, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      finish();
      return;
    }
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.push(chunk));
    res.on('end', finish);
    res.on('error', finish);
    res.on('close', finish);
  });
  req.on('error', finish);
  req.on('close', () => {
    if (req.destroyed) finish();
  });
  req.end();
  return () => {
    req.destroy();
    finish();
  };
}
