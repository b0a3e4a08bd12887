import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildGoProgram } from '@gossip/gotools';
import {
  encodeConfig,
  objectField,
  parseEvent,
  parseKeyring,
  parseNode,
  parseStats,
  toBase64,
} from './codec.js';
import {
  GoPeerCommandError,
  GoPeerExitedError,
  GoPeerProtocolError,
  GoPeerTimeoutError,
} from './errors.js';
import { EventLog } from './event-log.js';
import { LineTail } from './line-tail.js';
import { trackProcess } from './registry.js';
import { poll, withTimeout } from './timing.js';
import type {
  GoKeyringView,
  GoNodeState,
  GoNodeView,
  GoPeerConfig,
  GoPeerEvent,
  GoTrafficStats,
} from './types.js';

/** Directory of the Go peer's sources (tooling/interop/go-peer), from src/ and dist/ alike. */
export const GO_PEER_DIR = fileURLToPath(new URL('../go-peer', import.meta.url));

/** Options of {@link GoPeer.start}: the node's configuration plus driver settings. */
export interface GoPeerStartOptions extends GoPeerConfig {
  /** Bound on build + spawn + ready; default 60 s (the first build compiles memberlist). */
  startTimeoutMs?: number;
  /** Default bound on a command's reply; default 15 s. */
  commandTimeoutMs?: number;
  /** Lines of memberlist's log kept for failure messages; default 400. */
  stderrLines?: number;
  /** Also copy the node's log to this process's stderr (or set GOSSIP_GO_PEER_LOG=1). */
  echoStderr?: boolean;
}

interface Pending {
  command: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One real HashiCorp memberlist v0.2.2 node in a child process, driven over JSON lines. Every method maps
 * to one memberlist call; waits are always bounded.
 */
export class GoPeer {
  /** Node name. */
  readonly name: string;
  /** Advertised IP. */
  readonly addr: string;
  /** Bound (and advertised) port, UDP and TCP. */
  readonly port: number;
  /** Everything the node reported, with waits and an async iterator. */
  readonly events = new EventLog();

  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private readonly exitedPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly log: LineTail,
    private readonly commandTimeoutMs: number,
    ready: { name: string; addr: string; port: number },
    exited: Promise<void>,
  ) {
    this.name = ready.name;
    this.addr = ready.addr;
    this.port = ready.port;
    this.exitedPromise = exited;
  }

  /** `ip:port`, what other nodes pass to join. */
  get address(): string {
    return this.addr.includes(':') ? `[${this.addr}]:${this.port}` : `${this.addr}:${this.port}`;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Process id of the Go node. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The tail of memberlist's log (stderr). */
  stderr(): string {
    return this.log.text();
  }

  /** Builds the Go peer once, spawns a node and resolves when it is listening. */
  static async start(options: GoPeerStartOptions): Promise<GoPeer> {
    const { startTimeoutMs = 60_000, commandTimeoutMs = 15_000, stderrLines, echoStderr, ...config } = options;
    const deadline = Date.now() + startTimeoutMs;
    const binary = await withTimeout(buildGoProgram(GO_PEER_DIR, 'go-peer'), startTimeoutMs, 'building go-peer');
    const child = spawn(binary, [JSON.stringify(encodeConfig(config))], { stdio: ['pipe', 'pipe', 'pipe'] });
    trackProcess(child);
    const log = new LineTail(stderrLines);
    const echo = echoStderr ?? process.env.GOSSIP_GO_PEER_LOG === '1';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      log.write(chunk);
      if (echo) process.stderr.write(chunk);
    });
    child.stdin.on('error', () => {}); // EPIPE after the process died is reported through 'exit'

    // Lines before `ready` are buffered; once the GoPeer exists they go straight to it.
    const route: { peer?: GoPeer } = {};
    const early: GoPeerEvent[] = [];
    let exitListener: ((code: number | null, signal: string | null) => void) | undefined;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitListener?.(code, signal);
        resolve();
      });
    });

    const ready = new Promise<{ name: string; addr: string; port: number }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new GoPeerTimeoutError(`go-peer ${config.name} not ready within ${startTimeoutMs} ms\n${log.text()}`));
      }, Math.max(1, deadline - Date.now()));
      exitListener = (code, signal) => {
        clearTimeout(timer);
        reject(new GoPeerExitedError(`go-peer ${config.name} exited (${code ?? signal}) before ready\n${log.text()}`));
      };
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (text) => {
        let line: Record<string, unknown>;
        try {
          line = objectField(JSON.parse(text), 'line');
        } catch {
          log.write(`[driver] not a protocol line: ${text}\n`);
          return;
        }
        if (route.peer) return route.peer.onLine(line);
        if (line.event === 'ready') {
          clearTimeout(timer);
          resolve({ name: String(line.name), addr: String(line.addr), port: Number(line.port) });
        } else if (line.event === 'error') {
          log.write(`[driver] ${String(line.error)}\n`);
        } else if (typeof line.event === 'string') {
          early.push(parseEvent(line));
        }
      });
    });

    const info = await ready;
    const started = new GoPeer(child, log, commandTimeoutMs, info, exited);
    route.peer = started;
    exitListener = (code, signal) => started.onExit(code, signal);
    if (child.exitCode !== null || child.signalCode !== null) started.onExit(child.exitCode, child.signalCode);
    for (const event of early) started.events.push(event);
    return started;
  }

  // ---- membership ----

  /** memberlist Join: push/pull with each address; resolves with the number reached. */
  async join(addrs: string[], timeoutMs?: number): Promise<number> {
    const result = objectField(await this.command('join', { addrs }, timeoutMs), 'join');
    return Number(result.joined);
  }

  /** memberlist Leave: broadcasts the leave and waits for it to go out (or the timeout). */
  async leave(timeoutMs = 5_000): Promise<void> {
    await this.command('leave', { timeoutMs }, timeoutMs + 5_000);
  }

  /** Live members (alive and suspect), with their real state and incarnation. */
  async members(): Promise<GoNodeView[]> {
    const result = objectField(await this.command('members'), 'members');
    return (result.members as unknown[]).map(parseNode);
  }

  /** Every entry of the node list, dead and left nodes included (until memberlist reaps them). */
  async nodes(): Promise<GoNodeView[]> {
    const result = objectField(await this.command('nodes'), 'nodes');
    return (result.nodes as unknown[]).map(parseNode);
  }

  /** This node as it sees itself. */
  async localNode(): Promise<GoNodeView> {
    return parseNode(objectField(await this.command('localNode'), 'localNode').node);
  }

  /** memberlist NumMembers: alive + suspect nodes, self included. */
  async numMembers(): Promise<number> {
    return Number(objectField(await this.command('numMembers'), 'numMembers').count);
  }

  /** memberlist GetHealthScore (Lifeguard awareness; 0 is healthy). */
  async healthScore(): Promise<number> {
    return Number(objectField(await this.command('healthScore'), 'healthScore').score);
  }

  /** Sets the meta returned by Delegate.NodeMeta; call {@link updateNode} to announce it. */
  async setMeta(meta: Uint8Array): Promise<void> {
    await this.command('setMeta', { data: toBase64(meta) });
  }

  /** memberlist UpdateNode: re-announces this node (new incarnation, current meta). */
  async updateNode(timeoutMs = 5_000): Promise<void> {
    await this.command('updateNode', { timeoutMs }, timeoutMs + 5_000);
  }

  /** memberlist Ping(name, addr): one UDP ping; resolves with the RTT in ms. */
  async ping(node: string, addr?: string): Promise<number> {
    const result = objectField(await this.command('ping', { node, addr }), 'ping');
    return Number(result.rttMs);
  }

  // ---- application data ----

  /** memberlist SendBestEffort: one UDP user message to a live member. */
  async sendBestEffort(node: string, data: Uint8Array): Promise<void> {
    await this.command('sendBestEffort', { node, data: toBase64(data) });
  }

  /** memberlist SendReliable: a user message over a TCP stream. */
  async sendReliable(node: string, data: Uint8Array): Promise<void> {
    await this.command('sendReliable', { node, data: toBase64(data) });
  }

  /** Queues a user broadcast in the delegate's TransmitLimitedQueue (piggybacked on gossip). */
  async broadcast(data: Uint8Array): Promise<void> {
    await this.command('broadcast', { data: toBase64(data) });
  }

  /** Sets the push/pull user state returned by Delegate.LocalState. */
  async setUserState(data: Uint8Array): Promise<void> {
    await this.command('setUserState', { data: toBase64(data) });
  }

  // ---- security ----

  /** Keyring.AddKey. */
  async installKey(key: Uint8Array): Promise<GoKeyringView> {
    return parseKeyring(await this.command('installKey', { key: toBase64(key) }));
  }

  /** Keyring.UseKey: makes an installed key primary. */
  async useKey(key: Uint8Array): Promise<GoKeyringView> {
    return parseKeyring(await this.command('useKey', { key: toBase64(key) }));
  }

  /** Keyring.RemoveKey (the primary key cannot be removed). */
  async removeKey(key: Uint8Array): Promise<GoKeyringView> {
    return parseKeyring(await this.command('removeKey', { key: toBase64(key) }));
  }

  /** The installed keys, primary first. */
  async keys(): Promise<GoKeyringView> {
    return parseKeyring(await this.command('keys'));
  }

  /** Changes GossipVerifyIncoming/Outgoing live (v0.2.2 reads them at every send and receive). */
  async setVerify(verify: { incoming?: boolean; outgoing?: boolean }): Promise<{ incoming: boolean; outgoing: boolean }> {
    const result = objectField(await this.command('setVerify', verify), 'setVerify');
    return { incoming: result.incoming === true, outgoing: result.outgoing === true };
  }

  // ---- test knobs ----

  /** Delays every inbound packet and stream by a random [minMs, maxMs] (default 1–2 s) while enabled. */
  async setSlow(enabled: boolean, delay: { minMs?: number; maxMs?: number } = {}): Promise<void> {
    await this.command('setSlow', { enabled, ...delay });
  }

  /** Turns `pingComplete` events on or off. */
  async setPingEvents(enabled: boolean): Promise<void> {
    await this.command('setPingEvents', { enabled });
  }

  /** What the node has written to the network so far. */
  async stats(): Promise<GoTrafficStats> {
    return parseStats(await this.command('stats'));
  }

  // ---- waits ----

  /** First event matching `predicate` (history included unless `since` is given), bounded by `timeoutMs`. */
  waitForEvent(
    predicate: (event: GoPeerEvent) => boolean,
    timeoutMs: number,
    options: { since?: number; description?: string } = {},
  ): Promise<GoPeerEvent> {
    return this.events.waitFor(predicate, timeoutMs, options).catch((error: Error) => {
      throw this.withLog(error);
    });
  }

  /** Polls until exactly `count` members are live (alive or suspect, self included). */
  async waitForMembers(count: number, timeoutMs: number): Promise<GoNodeView[]> {
    let last: GoNodeView[] = [];
    const found = await poll(timeoutMs, async () => {
      last = await this.members();
      return last.length === count ? last : undefined;
    });
    if (found) return found;
    const seen = last.map((m) => `${m.name}:${m.state}`).join(', ');
    throw this.withLog(new GoPeerTimeoutError(`${this.name}: ${count} members not reached in ${timeoutMs} ms (has ${seen})`));
  }

  /** Polls the full node list until `node` is in `state` (e.g. 'dead' after a crash). */
  async waitForState(node: string, state: GoNodeState, timeoutMs: number): Promise<GoNodeView> {
    let last: GoNodeView | undefined;
    const found = await poll(timeoutMs, async () => {
      last = (await this.nodes()).find((n) => n.name === node);
      return last?.state === state ? last : undefined;
    });
    if (found) return found;
    throw this.withLog(
      new GoPeerTimeoutError(`${this.name}: ${node} not ${state} within ${timeoutMs} ms (is ${last?.state ?? 'unknown'})`),
    );
  }

  // ---- lifecycle ----

  /** SIGKILL: a crash as the cluster sees it (no leave, sockets vanish). Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await withTimeout(this.exitedPromise, 5_000, `${this.name} exit after SIGKILL`);
  }

  /** Graceful stop: memberlist Shutdown (no leave) and process exit; SIGKILL if it hangs. */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (this.exited) return;
    try {
      await this.command('shutdown', {}, timeoutMs);
      await withTimeout(this.exitedPromise, timeoutMs, `${this.name} exit after shutdown`);
    } catch {
      await this.kill();
    }
  }

  // ---- plumbing ----

  private command(cmd: string, fields: Record<string, unknown> = {}, timeoutMs = this.commandTimeoutMs): Promise<unknown> {
    if (this.exitInfo) {
      return Promise.reject(this.withLog(new GoPeerExitedError(`${this.name}: ${cmd} after the process exited`)));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.withLog(new GoPeerTimeoutError(`${this.name}: ${cmd} not answered within ${timeoutMs} ms`)));
      }, timeoutMs);
      this.pending.set(id, { command: cmd, resolve, reject, timer });
      this.child.stdin.write(`${JSON.stringify({ ...fields, id, cmd })}\n`);
    });
  }

  private onLine(line: Record<string, unknown>): void {
    if (typeof line.id === 'number') {
      const pending = this.pending.get(line.id);
      if (!pending) return; // answered after its timeout
      this.pending.delete(line.id);
      clearTimeout(pending.timer);
      if (line.ok === true) pending.resolve(line.result ?? null);
      else pending.reject(new GoPeerCommandError(pending.command, String(line.error), line.result));
      return;
    }
    try {
      this.events.push(parseEvent(line));
    } catch (error) {
      this.log.write(`[driver] ${error instanceof GoPeerProtocolError ? error.message : String(error)}\n`);
    }
  }

  private onExit(code: number | null, signal: string | null): void {
    if (this.exitInfo) return;
    this.exitInfo = { code, signal };
    this.events.push({ type: 'exit', code, signal });
    const reason = new GoPeerExitedError(`${this.name} exited (${code ?? signal})`);
    this.events.close(reason);
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(this.withLog(new GoPeerExitedError(`${this.name}: ${pending.command} interrupted: process exited (${code ?? signal})`)));
    }
  }

  private withLog(error: Error): Error {
    error.message += `\n--- ${this.name} log (tail) ---\n${this.log.text()}`;
    return error;
  }
}
