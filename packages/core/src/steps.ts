/**
 * Work on one large stream frame spread over event-loop turns (issue #12: no single turn may block for more than
 * ~20 ms). A turn does a bounded amount of work (`streamSliceBytes` of LZW, `pushPullBatchSize` node entries, and
 * no more than {@link TURN_BUDGET_MS} of it); between turns we yield with a 0 ms timer of the injected clock, so
 * datagrams, acks and other streams are served meanwhile and the simulator stays deterministic (its virtual clock
 * fires the timer). Work that fits in one turn finishes without yielding at all, as before.
 */
import type { EngineContext } from './context.js';
import { MemberlistError } from './errors.js';
import { MetricNames } from './metrics.js';

/**
 * How finely a turn's share of work is cut, so that a turn can stop early once it has used
 * {@link TURN_BUDGET_MS}: a step of `perTurn` units runs as calls of `perTurn / STEP_CUTS` units each.
 */
const STEP_CUTS = 16;

/**
 * Time a turn may spend on one frame's steps before it yields, even short of its share (`streamSliceBytes`,
 * `pushPullBatchSize`): a share's cost depends on the machine and on the work (a new member costs far more to
 * merge than a known one). Read from the injected clock, which in the simulator does not advance during
 * synchronous work, so simulated turns always run their whole share and stay deterministic.
 */
export const TURN_BUDGET_MS = 4;

/**
 * The budget, and 2.5 times the share, of a turn that follows a long one: when a yield took {@link LONG_TURN_MS} or
 * more, the event loop is saturated (a slow machine, or a thousand nodes in one process), its turns are long
 * anyway, and 4 ms per turn would only multiply this frame's latency by the turn length (a 1,000-member push/pull
 * took ten turns of a second each and ran past its deadline). 10 ms leaves room inside issue #12's 20 ms bound for
 * a young-generation collection that the step's own allocations set off (up to ~10 ms measured); 16 ms did not.
 */
export const LONG_TURN_BUDGET_MS = 10;

/** A yield at least this long means the event loop's turns are long (see {@link LONG_TURN_BUDGET_MS}). */
const LONG_TURN_MS = 50;

/**
 * Runs `work(amount)` until it returns true: up to `perTurn` units per event-loop turn, fewer once the turn has
 * used {@link TURN_BUDGET_MS} (after a long turn: 2.5 × `perTurn` and {@link LONG_TURN_BUDGET_MS}), yielding one
 * turn in between; what `work` throws rejects the run.
 */
export async function runSteps(ctx: EngineContext, work: (amount: number) => boolean, perTurn: number, deadline?: number): Promise<void> {
  let longTurns = false;
  for (;;) {
    const share = longTurns ? perTurn * (LONG_TURN_BUDGET_MS / TURN_BUDGET_MS) : perTurn;
    const budget = longTurns ? LONG_TURN_BUDGET_MS : TURN_BUDGET_MS;
    const cut = Math.max(1, Math.ceil(share / STEP_CUTS));
    const started = ctx.clock.now();
    for (let done = 0; done < share; done += cut) {
      if (work(Math.min(cut, share - done))) return;
      if (ctx.clock.now() - started >= budget) break;
    }
    const yielded = ctx.clock.now();
    await nextTurn(ctx);
    longTurns = ctx.clock.now() - yielded >= LONG_TURN_MS;
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

/**
 * Runs `each` over `items`, `perTurn` per turn at most (`ctx.config.pushPullBatchSize` unless told: work much
 * cheaper per item than a merge passes a multiple of it, and the turn's time budget still bounds it; see
 * {@link runSteps}).
 */
export async function inBatches<T>(
  ctx: EngineContext,
  items: readonly T[],
  each: (item: T) => void,
  perTurn: number = ctx.config.pushPullBatchSize,
): Promise<void> {
  let i = 0;
  await runSteps(
    ctx,
    (amount) => {
      const end = Math.min(items.length, i + amount);
      for (; i < end; i++) each(items[i]!);
      return i >= items.length;
    },
    perTurn,
  );
}
