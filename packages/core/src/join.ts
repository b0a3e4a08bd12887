/**
 * Joining a cluster (memberlist's `Join`, made parallel and cancellable): every seed is resolved by the transport
 * and every resulting address gets a push/pull with `Join: true` at the same time. One answer is enough.
 */
import { joinHostPort, splitHostPort } from '@gossip/wire';
import { type AbortSignalLike, onAbort } from './abort.js';
import type { EngineContext } from './context.js';
import { JoinError, type JoinFailure, MemberlistError, toError } from './errors.js';
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
 * Contacts every seed in parallel; resolves how many addresses answered, rejects with a {@link JoinError} listing
 * each failure when none did, or with `ERR_ABORTED` as soon as `signal` aborts (in-flight streams are torn down).
 */
export async function joinCluster(
  ctx: EngineContext,
  streams: StreamLayer,
  seeds: readonly string[],
  signal: AbortSignalLike | undefined,
): Promise<number> {
  if (signal?.aborted) throw new MemberlistError('ERR_ABORTED', 'join aborted');
  const causes: JoinFailure[] = [];
  let joined = 0;
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
    await Promise.all(
      addresses.map(async (address) => {
        try {
          await streams.pushPull(address, true, signal);
          joined++;
        } catch (err) {
          causes.push(described(address, err));
          ctx.logger.debug({ err, address, seed }, 'failed to join');
        }
      }),
    );
  };
  let rejectAbort!: (err: Error) => void;
  const aborted = new Promise<never>((_, reject) => (rejectAbort = reject));
  const removeAbort = onAbort(signal, () => rejectAbort(new MemberlistError('ERR_ABORTED', 'join aborted')));
  try {
    await Promise.race([Promise.all(seeds.map(attempt)), aborted]);
  } finally {
    removeAbort();
  }
  if (joined === 0) {
    if (ctx.shuttingDown) throw new MemberlistError('ERR_SHUTDOWN', 'node shut down while joining');
    const first = causes[0];
    throw new JoinError(`failed to join any of ${seeds.length} seed(s)${first ? `: ${first.error.message}` : ''}`, causes);
  }
  return joined;
}
