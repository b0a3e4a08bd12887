/** One host: a namespace, the agent process in it, and the stream of what that agent observes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { type AgentKind, type AgentPrograms, type MemberView, agentCommand, fetchMembers, gossipAddress, streamEvents } from './agents.js';
import { ChaosError } from './errors.js';
import type { EventLog } from './events.js';
import { pollUntil } from './exec.js';
import type { HostNet } from './netns.js';

/** A host of the testbed. */
export class Host {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopStream: (() => void) | undefined;
  private epoch = 0;
  private readonly stderrTail: string[] = [];

  constructor(
    /** Node name (also the host name in tables). */
    readonly name: string,
    readonly kind: AgentKind,
    readonly net: HostNet,
    /** Seeds this host joins through when it starts. */
    public seeds: readonly string[],
    private readonly programs: AgentPrograms,
    private readonly log: EventLog,
  ) {}

  /** `ip:port` of its gossip endpoint. */
  get address(): string {
    return gossipAddress(this.net.ip);
  }

  /** Whether the agent process is running (stalled counts as running). */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** The agent's process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the agent and waits (bounded) until its HTTP API answers; then follows its event stream. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child !== undefined) throw new ChaosError('ERR_CHAOS_AGENT', `${this.name} is already running`);
    const argv = agentCommand({ kind: this.kind, name: this.name, ip: this.net.ip, seeds: this.seeds }, this.programs);
    // `ip netns exec` execs the agent in place: the pid we get is the agent's, so signals reach it directly.
    const child = spawn('ip', ['netns', 'exec', this.net.ns, ...argv], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    const epoch = ++this.epoch;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolve();
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderrTail.push(...text.split('\n').filter((l) => l.length > 0));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - 40));
    });
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => this.stderrTail.push(`(exited: ${signal ?? `status ${code}`})`));
    const up = await pollUntil(
      async () => {
        if (this.child !== child) return false;
        return (await fetchMembers(this.net.ip, 1000).then(() => true).catch(() => undefined)) ?? undefined;
      },
      timeoutMs,
      200,
    );
    if (up !== true) {
      await this.kill();
      throw new ChaosError('ERR_CHAOS_AGENT', `${this.name} did not start within ${timeoutMs} ms${this.tail()}`);
    }
    this.follow(epoch, 0);
  }

  private tail(): string {
    return this.stderrTail.length > 0 ? `; its stderr:\n  ${this.stderrTail.slice(-10).join('\n  ')}` : '';
  }

  private follow(epoch: number, lastId: number): void {
    let last = lastId;
    this.stopStream = streamEvents(
      this.net.ip,
      last,
      (event) => {
        last = event.id;
        this.log.add(this.name, event);
      },
      () => {
        // Reconnect while the same process runs (a stalled agent's stream may drop); a new process starts afresh.
        if (this.epoch !== epoch || this.child === undefined) return;
        setTimeout(() => {
          if (this.epoch === epoch && this.child !== undefined) this.follow(epoch, last);
        }, 500).unref();
      },
    );
  }

  /** Sends `signal` to the agent (no-op when it is not running). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }

  /** Waits until the process has exited, at most `timeoutMs`; true if it did. */
  async waitExit(timeoutMs: number): Promise<boolean> {
    if (this.child === undefined) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([this.exited.then(() => true), timedOut]);
    clearTimeout(timer);
    return done;
  }

  private endObservation(): void {
    this.epoch++;
    this.stopStream?.();
    this.stopStream = undefined;
  }

  /** SIGKILL: a crash (no leave). */
  async kill(): Promise<void> {
    this.endObservation();
    this.signal('SIGKILL');
    await this.waitExit(10_000);
  }

  /** Graceful stop: SIGINT makes the agent leave the cluster and exit; SIGKILL if it does not within the bound. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.child === undefined) return;
    this.signal('SIGCONT');
    this.signal('SIGINT');
    const done = await this.waitExit(timeoutMs);
    this.endObservation();
    if (!done) await this.kill();
  }

  /** `GET /v1/members` of this agent. */
  members(timeoutMs = 2000): Promise<MemberView[]> {
    return fetchMembers(this.net.ip, timeoutMs);
  }
}
