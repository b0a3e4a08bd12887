/**
 * Work on one large stream frame spread over event-loop turns (issue #12: no single turn may block for more than
 * ~20 ms). A step does a bounded amount of work (`streamSliceBytes` of LZW, `pushPullBatchSize` node entries);
 * between steps we yield with a 0 ms timer of the injected clock, so datagrams, acks and other streams are served
 * meanwhile and the simulator stays deterministic (its virtual clock fires the timer). Work that fits in one step
 * finishes without yielding at all, in the same turn as before.
 */
import type { EngineContext } from './context.js';
import { MemberlistError } from './errors.js';
import { MetricNames } from './metrics.js';

/** Runs `step` until it returns true, yielding one turn between calls; what `step` throws rejects the run. */
export async function runSteps(ctx: EngineContext, step: () => boolean, deadline?: number): Promise<void> {
  while (!step()) {
    await nextTurn(ctx);
    if (ctx.shuttingDown) throw new MemberlistError('ERR_SHUTDOWN', 'node shut down while a stream frame was processed');
    if (deadline !== undefined && ctx.clock.now() > deadline) {
      throw new MemberlistError('ERR_TIMEOUT', 'stream deadline passed while its frame was processed');
    }
  }
}

/** Gives the event loop one turn (a 0 ms timer runs after pending I/O has been polled). */
export function nextTurn(ctx: EngineContext): Promise<void> {
  ctx.metrics.incrCounter(MetricNames.streamYields, 1);
  return new Promise((resolve) => {
    ctx.clock.setTimeout(resolve, 0);
  });
}

/** Runs `each` over `items` in batches of `ctx.config.pushPullBatchSize`, yielding between batches. */
export async function inBatches<T>(ctx: EngineContext, items: readonly T[], each: (item: T) => void): Promise<void> {
  const size = ctx.config.pushPullBatchSize;
  let i = 0;
  await runSteps(ctx, () => {
    const end = Math.min(items.length, i + size);
    for (; i < end; i++) each(items[i]!);
    return i >= items.length;
  });
}
