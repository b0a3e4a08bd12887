/**
 * Push/pull anti-entropy contents (PROTOCOL.md §6.4, §9.1): the local state we send, memberlist's `verifyProtocol`
 * compatibility check, the merge delegate's veto on joins, and merging the remote list and user state.
 */
import type { PushNodeState, PushPull } from '@gossip/wire';
import { NodeState } from '@gossip/wire';
import type { EngineContext } from './context.js';
import { MemberlistError } from './errors.js';
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
      meta: n.meta,
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
    fromSeed = false,
  ): Promise<void> {
    const ctx = this.ctx;
    this.verifyProtocol(remote);
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
    await inBatches(ctx, remote, (r) => this.membership.mergeEntry(r, fromSeed));
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
   * what every node (any state) currently speaks, for both the protocol and the delegate protocol.
   */
  verifyProtocol(remote: readonly PushNodeState[]): void {
    let maxpmin = 0;
    let minpmax = 255;
    let maxdmin = 0;
    let mindmax = 255;
    const widen = (v: Uint8Array): void => {
      maxpmin = Math.max(maxpmin, v[0] ?? 0);
      minpmax = Math.min(minpmax, v[1] ?? 0);
      maxdmin = Math.max(maxdmin, v[3] ?? 0);
      mindmax = Math.min(mindmax, v[4] ?? 0);
    };
    for (const r of remote) if (r.state === NodeState.Alive && r.vsn.length >= 5) widen(r.vsn);
    for (const n of this.ctx.table.all()) if (n.state === 'alive') widen(n.vsn);

    const check = (name: string, pcur: number, dcur: number): void => {
      if (pcur < maxpmin || pcur > minpmax) {
        throw new MemberlistError(
          'ERR_INCOMPATIBLE',
          `Node '${name}' protocol version (${pcur}) is incompatible: [${maxpmin}, ${minpmax}]`,
        );
      }
      if (dcur < maxdmin || dcur > mindmax) {
        throw new MemberlistError(
          'ERR_INCOMPATIBLE',
          `Node '${name}' delegate protocol version (${dcur}) is incompatible: [${maxdmin}, ${mindmax}]`,
        );
      }
    };
    for (const r of remote) {
      const full = r.vsn.length >= 6;
      check(r.name, full ? (r.vsn[2] ?? 0) : 0, full ? (r.vsn[5] ?? 0) : 0);
    }
    for (const n of this.ctx.table.all()) check(n.name, n.vsn[2] ?? 0, n.vsn[5] ?? 0);
  }
}

/** A public snapshot of a push/pull entry (for the merge delegate). */
function remoteMember(r: PushNodeState, now: number): Member {
  const { name, port, meta, incarnation, vsn } = r;
  const state = memberStateOf(r.state);
  return snapshotMember({ name, ip: ipText(r.addr), port, meta, state, incarnation, vsn, stateChangedAt: now });
}
