/**
 * Work on one large stream frame spread over event-loop turns (issue #12: no single turn may block for more than
 * ~20 ms). A turn does a bounded amount of work (`streamSliceBytes` of LZW, `pushPullBatchSize` node entries, and
 * no more than {@link TURN_BUDGET_MS} of it); between turns we yield with a 0 ms timer of the injected clock, so
 * datagrams, acks and other streams are served meanwhile and the simulator stays deterministic (its virtual clock
 * fires the timer). Work that fits in one turn finishes without yielding at all, as before.
 */
import type { Clock } from '@gossip/transport';
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
 * The most a turn may spend on one frame's steps when the event loop is saturated (see {@link turnBudgetMs}).
 */
export const MAX_TURN_BUDGET_MS = 50;

/**
 * A saturated loop's turns are long anyway (a thousand nodes in one process: a second each), and a step per turn
 * then costs the frame a whole turn of latency: a 1,000-member push/pull took ten turns of a second each and ran
 * past its deadline, and a storm's post-join push/pulls failed by the hundred. So a turn may spend this share of
 * the length the node's last yield measured: at most 5% more latency for everything else, and as little as
 * {@link TURN_BUDGET_MS} when the loop is not saturated (issue #12's 20 ms bound, where turns are short).
 */
const SATURATED_SHARE = 1 / 20;

/** What one node's steps last measured of the event loop. */
interface LoopGauge {
  /** How long the node's latest yield took (ms), and when it ended. */
  lastYieldMs: number;
  at: number;
}

const gauges = new WeakMap<EngineContext, LoopGauge>();

/**
 * The same, per clock: the nodes of one process share its event loop, and one with no frame in steps of its own (so
 * no yield to measure) must still know the loop is slow before it blames a peer for a late header. Only deadlines
 * read it: step budgets shared by every node at once made every turn longer (finding 14 of BENCHMARKS.md).
 */
const clockGauges = new WeakMap<Clock, LoopGauge>();

/**
 * The time a turn may spend on one frame's steps now: {@link TURN_BUDGET_MS}, or, while the node's yields take
 * long, {@link SATURATED_SHARE} of the latest one's length, up to {@link MAX_TURN_BUDGET_MS}. A measurement counts
 * for twice its own length: once the loop has recovered, the next yield says so.
 */
export function turnBudgetMs(ctx: EngineContext): number {
  return Math.min(MAX_TURN_BUDGET_MS, Math.max(TURN_BUDGET_MS, loopLagMs(ctx) * SATURATED_SHARE));
}

/** The latest yield's length while that measurement is recent (it counts for twice its length), else 0. */
function recentLag(g: LoopGauge | undefined, now: number): number {
  return g === undefined || now - g.at > 2 * g.lastYieldMs ? 0 : g.lastYieldMs;
}

/** How long the node's latest yield took (ms), while that measurement is recent (see {@link turnBudgetMs}). */
export function loopLagMs(ctx: EngineContext): number {
  return recentLag(gauges.get(ctx), ctx.clock.now());
}

/**
 * How long the latest yield of any node on this node's clock took (ms), while recent; 0 when the event loop is not
 * known to be slow. A deadline meant for a peer's pace, not ours, adds twice this.
 */
export function clockLagMs(ctx: EngineContext): number {
  return recentLag(clockGauges.get(ctx.clock), ctx.clock.now());
}

/**
 * Runs `work(amount)` until it returns true: up to `perTurn` units per event-loop turn, fewer once the turn has
 * used its budget ({@link turnBudgetMs}; a saturated loop's longer budget brings a proportionally larger share),
 * yielding one turn in between; what `work` throws rejects the run. No deadline: the work is bounded by the
 * frame's size limits, and a stream's deadline bounds only the wait for its bytes (see `readFrame`).
 */
export async function runSteps(ctx: EngineContext, work: (amount: number) => boolean, perTurn: number): Promise<void> {
  for (;;) {
    const budget = turnBudgetMs(ctx);
    const share = Math.max(1, Math.floor(perTurn * (budget / TURN_BUDGET_MS)));
    const cut = Math.max(1, Math.ceil(share / STEP_CUTS));
    const started = ctx.clock.now();
    for (let done = 0; done < share; done += cut) {
      if (work(Math.min(cut, share - done))) return;
      if (ctx.clock.now() - started >= budget) break;
    }
    await nextTurn(ctx);
    if (ctx.shuttingDown) throw new MemberlistError('ERR_SHUTDOWN', 'node shut down while a stream frame was processed');
  }
}

/** Gives the event loop one turn (a 0 ms timer runs after pending I/O has been polled). */
export async function nextTurn(ctx: EngineContext): Promise<void> {
  ctx.metrics.incrCounter(MetricNames.streamYields, 1);
  const yielded = ctx.clock.now();
  await new Promise<void>((resolve) => {
    ctx.clock.setTimeout(resolve, 0);
  });
  const at = ctx.clock.now();
  const g = { lastYieldMs: at - yielded, at };
  gauges.set(ctx, g);
  clockGauges.set(ctx.clock, g);
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
