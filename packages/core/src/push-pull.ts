/**
 * Push/pull anti-entropy contents (PROTOCOL.md §6.4, §9.1): the local state we send, memberlist's `verifyProtocol`
 * compatibility check, the merge delegate's veto on joins, and merging the remote list and user state.
 */
import type { PushNodeState, PushPull } from '@gossip/wire';
import { NodeState } from '@gossip/wire';
import type { EngineContext } from './context.js';
import { MemberlistError } from './errors.js';
import { pushEntryFor } from './intern.js';
import { MEMBER_STATE_CODE, type Member, ipText, memberStateOf, snapshotMember } from './member.js';
import type { Membership } from './membership.js';
import { inBatches } from './steps.js';

const EMPTY: Uint8Array = new Uint8Array(0);

/** Builds and merges push/pull state for one node. */
export class PushPullState {
  constructor(
    private readonly ctx: EngineContext,
    private readonly membership: Membership,
  ) {}

  /** Our full node list plus the delegate's state (memberlist's `sendLocalState`). */
  localState(join: boolean): PushPull {
    const ctx = this.ctx;
    const states: PushNodeState[] = ctx.table.all().map((n) => ({
      name: n.name,
      addr: n.addr,
      port: n.port,
      // No metadata is nil, as Go sends it and as our alives carry it (not an empty bin).
      meta: n.meta.length === 0 ? null : n.meta,
      incarnation: n.incarnation,
      state: MEMBER_STATE_CODE[n.state],
      vsn: n.vsn,
    }));
    let userState = EMPTY;
    const delegate = ctx.config.delegate;
    if (delegate?.localState !== undefined) {
      try {
        userState = delegate.localState(join);
      } catch (err) {
        ctx.logger.error({ err }, 'delegate localState threw; sending no user state');
      }
    }
    return { join, states, userState };
  }

  /**
   * What a remote push/pull may leave undecoded (`PushPullDecodeOptions.heldEntry`): for a member other than us
   * that we list alive with full versions, the entry we would send for it. An entry equal to it changes nothing
   * when merged (an alive at an incarnation we hold), and its versions are already among ours in
   * {@link PushPullState.verifyProtocol}. Undefined (decode everything) while we list nobody else, and when a merge
   * or alive delegate must see every entry.
   */
  heldEntries(): ((name: string) => Uint8Array | undefined) | undefined {
    const ctx = this.ctx;
    if (ctx.config.merge?.notifyMerge !== undefined || ctx.config.alive?.notifyAlive !== undefined) return undefined;
    if (ctx.table.size <= 1) return undefined;
    return (name) => {
      const record = ctx.table.get(name);
      if (record === undefined || record.state !== 'alive' || record.vsn.length < 6 || name === ctx.name) return undefined;
      return pushEntryFor(record.info, record.incarnation, NodeState.Alive);
    };
  }

  /**
   * Verifies, vets and merges a remote state (memberlist's `mergeRemoteState`); rejects with a MemberlistError.
   * The node entries are merged `pushPullBatchSize` at a time with a yield between batches (steps.ts). Datagrams
   * and other push/pulls may therefore be handled between two batches; that is memberlist's own behaviour, whose
   * `mergeState` runs on the connection's goroutine and takes the node lock once per entry: each entry is applied
   * whole (`aliveNode` / `deadNode` / `suspectNode` keep their incarnation rules), and those rules make the result
   * independent of the order in which entries about one node arrive. The checks above the merge (versions, the
   * merge delegate's veto) see the whole remote list before any entry is applied, as in Go.
   */
  async mergeRemoteState(
    join: boolean,
    remote: PushNodeState[],
    userState: Uint8Array,
    quiet = false,
  ): Promise<void> {
    const ctx = this.ctx;
    await this.verifyProtocol(remote);
    const mergeDelegate = ctx.config.merge;
    if (join && mergeDelegate?.notifyMerge !== undefined) {
      const peers = remote.map((r) => remoteMember(r, ctx.clock.now()));
      let verdict: Error | void;
      try {
        verdict = mergeDelegate.notifyMerge(peers);
      } catch (err) {
        verdict = err instanceof Error ? err : new Error(String(err));
      }
      if (verdict instanceof Error) {
        throw new MemberlistError('ERR_MERGE_VETOED', `merge delegate refused the join: ${verdict.message}`, {
          cause: verdict,
        });
      }
    }
    await inBatches(ctx, remote, (r) => this.membership.mergeEntry(r, quiet));
    const delegate = ctx.config.delegate;
    if (userState.length > 0 && delegate?.mergeRemoteState !== undefined) {
      try {
        delegate.mergeRemoteState(userState, join);
      } catch (err) {
        ctx.logger.error({ err }, 'delegate mergeRemoteState threw');
      }
    }
  }

  /**
   * memberlist's `verifyProtocol`: the versions every alive node (local and remote) understands must include
   * what every node (any state) currently speaks, for both the protocol and the delegate protocol. One pass over
   * both lists gathers the bounds and the spoken extremes, in steps (`VERIFY_SHARE` entries per turn at most): over
   * 10,000 remote and 20,000 local entries it had held one turn for 18 ms (issue #12). Only a failure looks again,
   * for the name to report.
   */
  async verifyProtocol(remote: readonly PushNodeState[]): Promise<void> {
    const ctx = this.ctx;
    const v = new VersionSpan();
    const perTurn = ctx.config.pushPullBatchSize * VERIFY_SHARE;
    await inBatches(ctx, remote, (r) => v.add(r.vsn, r.state === NodeState.Alive && r.vsn.length >= 5, r.vsn.length >= 6), perTurn);
    await inBatches(ctx, ctx.table.all(), (n) => v.add(n.vsn, n.state === 'alive', true), perTurn);
    if (v.compatible()) return;
    await inBatches(ctx, remote, (r) => v.check(r.name, r.vsn.length >= 6 ? r.vsn : undefined), perTurn);
    await inBatches(ctx, ctx.table.all(), (n) => v.check(n.name, n.vsn), perTurn);
  }
}

/** Version checks per turn, as a multiple of `pushPullBatchSize`: a check costs a small fraction of a merge. */
const VERIFY_SHARE = 16;

/** What {@link PushPullState.verifyProtocol} gathers: the versions all alive nodes understand, and those spoken. */
class VersionSpan {
  private maxpmin = 0;
  private minpmax = 255;
  private maxdmin = 0;
  private mindmax = 255;
  private lowP = 255;
  private highP = 0;
  private lowD = 255;
  private highD = 0;

  /** Counts `vsn` (`[pmin, pmax, pcur, dmin, dmax, dcur]`): its range when `alive`, its current versions when `full` (else 0). */
  add(vsn: Uint8Array, alive: boolean, full: boolean): void {
    if (alive) {
      this.maxpmin = Math.max(this.maxpmin, vsn[0] ?? 0);
      this.minpmax = Math.min(this.minpmax, vsn[1] ?? 0);
      this.maxdmin = Math.max(this.maxdmin, vsn[3] ?? 0);
      this.mindmax = Math.min(this.mindmax, vsn[4] ?? 0);
    }
    const pcur = full ? (vsn[2] ?? 0) : 0;
    const dcur = full ? (vsn[5] ?? 0) : 0;
    this.lowP = Math.min(this.lowP, pcur);
    this.highP = Math.max(this.highP, pcur);
    this.lowD = Math.min(this.lowD, dcur);
    this.highD = Math.max(this.highD, dcur);
  }

  /** Whether every version spoken lies inside what every alive node understands. */
  compatible(): boolean {
    return this.lowP >= this.maxpmin && this.highP <= this.minpmax && this.lowD >= this.maxdmin && this.highD <= this.mindmax;
  }

  /** Throws memberlist's error for node `name` if what it speaks (`vsn`; none reads as 0) is outside the bounds. */
  check(name: string, vsn: Uint8Array | undefined): void {
    const pcur = vsn?.[2] ?? 0;
    const dcur = vsn?.[5] ?? 0;
    if (pcur < this.maxpmin || pcur > this.minpmax) {
      throw new MemberlistError(
        'ERR_INCOMPATIBLE',
        `Node '${name}' protocol version (${pcur}) is incompatible: [${this.maxpmin}, ${this.minpmax}]`,
      );
    }
    if (dcur < this.maxdmin || dcur > this.mindmax) {
      throw new MemberlistError(
        'ERR_INCOMPATIBLE',
        `Node '${name}' delegate protocol version (${dcur}) is incompatible: [${this.maxdmin}, ${this.mindmax}]`,
      );
    }
  }
}

/** A public snapshot of a push/pull entry (for the merge delegate). */
function remoteMember(r: PushNodeState, now: number): Member {
  const { name, port, meta, incarnation, vsn } = r;
  const state = memberStateOf(r.state);
  return snapshotMember({ name, ip: ipText(r.addr), port, meta, state, incarnation, vsn, stateChangedAt: now });
}
