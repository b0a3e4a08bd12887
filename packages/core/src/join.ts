/**
 * Joining a cluster (memberlist's `Join`, made parallel and cancellable): every seed is resolved by the transport
 * and every resulting address gets a push/pull with `Join: true` at the same time. One answer is enough.
 */
import { joinHostPort, splitHostPort } from '@gossip/wire';
import type { TimerHandle } from '@gossip/transport';
import { type AbortSignalLike, onAbort } from './abort.js';
import type { EngineContext } from './context.js';
import { JoinError, type JoinFailure, MemberlistError, toError, transportCauseCode } from './errors.js';
import { hostPort } from './member.js';
import { MetricNames } from './metrics.js';
import type { PendingWaits } from './pending-waits.js';
import type { StreamLayer } from './stream-layer.js';

/** `name/host:port` → `host:port`; a seed without a port gets ours (memberlist's `ensurePort`). */
export function seedAddress(seed: string, defaultPort: number): string {
  return parseSeed(seed, defaultPort).address;
}

/** A seed split into the node name it was written with (`name/…`, if any) and the `host:port` to resolve. */
export function parseSeed(seed: string, defaultPort: number): { name: string | undefined; address: string } {
  const slash = seed.indexOf('/');
  const name = slash > 0 ? seed.slice(0, slash) : undefined;
  return { name, address: hostWithPort(slash >= 0 ? seed.slice(slash + 1) : seed, defaultPort) };
}

function hostWithPort(host: string, defaultPort: number): string {
  try {
    splitHostPort(host);
    return host;
  } catch {
    return joinHostPort(host.replace(/^\[(.*)\]$/, '$1'), defaultPort);
  }
}

/**
 * Whether a failed push/pull says the seed is there but busy, so that the same address may answer later: the
 * exchange timed out, was reset, or was closed unanswered (what memberlist and we do past the push/pull cap).
 * A refused connection means nobody listens there: trying again would only delay the caller's error.
 */
export function seedWasBusy(err: unknown): boolean {
  if (!(err instanceof MemberlistError)) return false;
  switch (err.code) {
    case 'ERR_TIMEOUT':
    case 'ERR_OVERLOADED':
    case 'ERR_UNEXPECTED_MESSAGE':
      return true;
    case 'ERR_TRANSPORT': {
      const code = transportCauseCode(err);
      return code === 'ERR_TIMEOUT' || code === 'ERR_RESET' || code === 'ERR_CLOSED';
    }
    default:
      return false;
  }
}

/**
 * Backoff before retry number `retry` (1, 2, ...): "full jitter", uniform in [1, min(max, base × 2^(retry-1))).
 * Jitter matters more than the exponent: a storm of joiners turned away together must not come back together.
 */
export function joinBackoff(ctx: EngineContext, retry: number): number {
  const { joinBackoffMs, joinBackoffMaxMs } = ctx.config;
  const ceiling = Math.min(joinBackoffMaxMs, joinBackoffMs * 2 ** Math.min(retry - 1, 30));
  // At least 1 ms: a wait of 0 would have no timer to end it.
  return Math.max(1, Math.floor(ctx.random.next() * ceiling));
}

/**
 * Where a retry goes: a random alive member learned since the join began (`knownBefore` lists the names known
 * then, ourselves included), if any, else the seed again. Only those: a member of our own cluster answering
 * would make a join to a cluster that refuses us look successful. A seed that timed out
 * often merged us all the same and its gossip then reaches us; joining through one of those members takes the
 * load of a join storm off the seed, which every turned-away joiner would otherwise keep hitting.
 */
function spreadTarget(ctx: EngineContext, knownBefore: ReadonlySet<string>): string | undefined {
  const [peer] = ctx.table.kRandom(1, (n) => knownBefore.has(n.name) || n.state !== 'alive');
  return peer === undefined ? undefined : hostPort(peer.ip, peer.port);
}

/** Sends our own alive message to an address by UDP (see {@link hedgedJoinExchange}). */
export type JoinAnnounce = (address: string) => void;

/**
 * One join push/pull with `target`, hedged (config `joinHedgeMs`; 0 gives memberlist's plain wait). A seed in a
 * join storm is slow for everyone at once: Node.js takes one connection per listener per event-loop turn, and Go
 * and we both serve a bounded number of push/pulls. After `joinHedgeMs` without an answer we announce ourselves
 * to the target by UDP (`announce`: our own alive, which every memberlist node takes from a datagram and gossips),
 * so the cluster learns us and its gossip reaches us. From then on, every `joinHedgeMs`, a push/pull with a member
 * learned since the join began ({@link spreadTarget}), or else with a node we do not list that pinged us by name
 * since then (it learned us from the announcement), runs beside the wait, one at a time: that member's listener
 * is not the one every joiner queues at. The first exchange to finish joins us; hedges still running are aborted,
 * the exchange with `target` is not. If the exchange with `target` fails first, so does this (the caller's retry
 * goes to a learned member then).
 */
export function hedgedJoinExchange(
  ctx: EngineContext,
  streams: StreamLayer,
  announce: JoinAnnounce | undefined,
  target: string,
  knownBefore: ReadonlySet<string>,
  signal: AbortSignalLike | undefined,
  quiet?: () => boolean,
): Promise<void> {
  const timeoutMs = Math.max(ctx.config.joinTimeoutMs, ctx.config.tcpTimeoutMs);
  const hedgeMs = ctx.config.joinHedgeMs;
  if (hedgeMs <= 0 || announce === undefined) return streams.pushPull(target, true, signal, timeoutMs, quiet);
  // Hedges stop once any exchange answered; the one with `target` runs to its end even after a hedge answered:
  // a member's view may still lack what the storm's gossip no longer carries, and the seed's answer fills it
  // (merged as an ordinary answer, so the members new to us then are gossiped).
  const started = ctx.clock.now();
  const hedges = new AbortController();
  const removeAbort = onAbort(signal, () => hedges.abort(signal?.reason));
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let announced = false;
    let hedging = false;
    let timer: TimerHandle;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      timer = ctx.cancelTimer(timer);
      removeAbort();
      hedges.abort();
      if (err === undefined) resolve();
      else reject(toError(err));
    };
    const tick = (): void => {
      timer = undefined;
      if (settled || ctx.shuttingDown) return;
      if (!announced) {
        announced = true;
        announce(target);
        ctx.metrics.incrCounter(MetricNames.joinHedge, 1, { kind: 'announce' });
      } else if (!hedging) {
        const pinger = ctx.lastUnknownPinger;
        const other = spreadTarget(ctx, knownBefore) ?? (pinger !== undefined && pinger.at >= started ? pinger.address : undefined);
        if (other !== undefined && other !== target) {
          hedging = true;
          ctx.metrics.incrCounter(MetricNames.joinHedge, 1, { kind: 'push_pull' });
          streams.pushPull(other, true, hedges.signal, timeoutMs, quiet).then(
            () => finish(),
            (err: unknown) => {
              hedging = false;
              ctx.logger.debug({ err, address: other }, 'hedged join push/pull failed');
            },
          );
        }
      }
      timer = ctx.clock.setTimeout(tick, hedgeMs);
    };
    timer = ctx.clock.setTimeout(tick, hedgeMs);
    streams.pushPull(target, true, signal, timeoutMs, quiet).then(
      () => finish(),
      (err: unknown) => {
        if (!settled) finish(err);
        else ctx.logger.debug({ err, address: target }, 'seed answered after a hedge, or not at all');
      },
    );
  });
}

/**
 * Contacts every seed in parallel; resolves how many addresses answered, rejects with a {@link JoinError} listing
 * each failure when none did, or with `ERR_ABORTED` as soon as `signal` aborts (in-flight streams are torn down).
 * An address whose seed was busy ({@link seedWasBusy}) is tried again after a jittered backoff, up to
 * `joinAttempts` times, for as long as no other address has answered — through a member learned since the join
 * began when there is one ({@link spreadTarget}); `waits` ends those backoffs at shutdown. Each exchange is
 * hedged when `announce` is given ({@link hedgedJoinExchange}).
 */
export async function joinCluster(
  ctx: EngineContext,
  streams: StreamLayer,
  seeds: readonly string[],
  signal: AbortSignalLike | undefined,
  waits: PendingWaits,
  announce?: JoinAnnounce,
): Promise<number> {
  if (signal?.aborted) throw new MemberlistError('ERR_ABORTED', 'join aborted');
  const causes: JoinFailure[] = [];
  let joined = 0;
  const knownBefore = new Set(ctx.table.all().map((n) => n.name));
  // A join that began knowing nobody but ourselves merges its first answer quietly (Membership.mergeEntry): the
  // members it lists are news to us alone. Later answers may come from another cluster and are gossiped as usual.
  let quietAnswerLeft = knownBefore.size <= 1;
  const quiet = (): boolean => {
    const first = quietAnswerLeft;
    quietAnswerLeft = false;
    return first;
  };
  // Backoffs in progress end early once any address answered (nothing left to retry for) or the join ends.
  let wakeAll!: () => void;
  const someoneJoined = new Promise<void>((resolve) => (wakeAll = resolve));
  const backoff = async (ms: number): Promise<void> => {
    try {
      await waits.wait(someoneJoined, ms, 'join backoff');
    } catch (err) {
      if (!(err instanceof MemberlistError && err.code === 'ERR_TIMEOUT')) throw err;
    }
  };
  const contact = async (address: string, described: (err: unknown) => JoinFailure, seed: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const target = attempt === 1 ? address : (spreadTarget(ctx, knownBefore) ?? address);
      try {
        await hedgedJoinExchange(ctx, streams, announce, target, knownBefore, signal, quiet);
        joined++;
        wakeAll();
        return;
      } catch (err) {
        const retry = attempt < ctx.config.joinAttempts && joined === 0 && !ctx.shuttingDown && seedWasBusy(err);
        if (!retry) {
          causes.push(described(err));
          ctx.logger.debug({ err, address, seed, attempts: attempt }, 'failed to join');
          return;
        }
        const code = err instanceof MemberlistError ? err.code : 'ERR_TRANSPORT';
        ctx.metrics.incrCounter(MetricNames.joinRetry, 1, { code });
        const delay = joinBackoff(ctx, attempt);
        ctx.logger.debug({ err, address: target, seed, attempt, delayMs: delay }, 'seed busy: will try to join again');
        await backoff(delay);
        if (joined > 0 || ctx.shuttingDown || signal?.aborted) {
          if (joined === 0) causes.push(described(err));
          return;
        }
      }
    }
  };
  const attempt = async (seed: string): Promise<void> => {
    const { name, address: target } = parseSeed(seed, ctx.self.port);
    const described = (address: string, err: unknown): JoinFailure =>
      name === undefined ? { address, error: toError(err), seed } : { address, error: toError(err), seed, name };
    let addresses: string[];
    try {
      addresses = await ctx.transport.resolve(target);
    } catch (err) {
      causes.push(described(seed, err));
      return;
    }
    await Promise.all(addresses.map((address) => contact(address, (err) => described(address, err), seed)));
  };
  let rejectAbort!: (err: Error) => void;
  const aborted = new Promise<never>((_, reject) => (rejectAbort = reject));
  const removeAbort = onAbort(signal, () => rejectAbort(new MemberlistError('ERR_ABORTED', 'join aborted')));
  try {
    await Promise.race([Promise.all(seeds.map(attempt)), aborted]);
  } finally {
    removeAbort();
    wakeAll();
  }
  if (joined === 0) {
    if (ctx.shuttingDown) throw new MemberlistError('ERR_SHUTDOWN', 'node shut down while joining');
    const first = causes[0];
    throw new JoinError(`failed to join any of ${seeds.length} seed(s)${first ? `: ${first.error.message}` : ''}`, causes);
  }
  return joined;
}
