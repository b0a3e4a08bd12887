/**
 * One simulated node process: a real `Memberlist` on its own `MemoryNetwork` endpoint, its membership events
 * feeding the simulation's trace and cluster view. A restart is a new process (generation + 1) at the same
 * address; an impostor is a second process claiming a name that is already taken.
 */

import type { MemberEvent, MemberEventType, MemberlistConfig } from '@gossip/core';
import { Memberlist } from '@gossip/core';
import type { MemoryEndpoint, MemoryNetwork, Random } from '@gossip/transport';
import type { TraceRecorder } from './trace.js';
import { NodeClock } from './node-clock.js';
import type { ClusterView } from './view.js';

/** Per-node configuration: tunables and application hooks; identity, transport, clock and random come from us. */
export type NodeOverrides = Partial<Omit<MemberlistConfig, 'name' | 'transport' | 'clock' | 'random'>>;

/** Lifecycle of a simulated node. */
export type NodeStatus = 'running' | 'crashed' | 'left';

/** One simulated node. */
export interface SimNode {
  /** Node name (also its memberlist name). */
  readonly name: string;
  /** Its `ip:port` on the simulated network. */
  readonly address: string;
  /** 0 for the first process, +1 on every restart. */
  readonly generation: number;
  /** Lifecycle state. */
  readonly status: NodeStatus;
  /** The running memberlist instance (the latest one after a restart). */
  readonly memberlist: Memberlist;
}

/** @internal The simulation's record of one node process. */
export interface NodeRecord {
  /** The simulation's key: the name, except for impostors (a second process claiming a taken name). */
  readonly key: string;
  /** The memberlist name. */
  readonly name: string;
  /** Identity of this process in the cluster view (`key#generation`). */
  readonly observer: string;
  readonly address: string;
  readonly generation: number;
  status: NodeStatus;
  readonly memberlist: Memberlist;
  readonly endpoint: MemoryEndpoint;
  /** The process's own clock: pausing it (with its inbound traffic) stalls the process. */
  readonly clock: NodeClock;
  readonly overrides: NodeOverrides;
}

/** @internal Tunables, hooks and the node's random stream; the process adds identity, transport and clock. */
export type NodeConfig = NodeOverrides & { random: Random };

const EVENT_TYPES: readonly MemberEventType[] = ['join', 'leave', 'update', 'suspect', 'alive'];

/** The simulated `ip:port` of the node added `index`-th: 10.0.0.0, 10.0.0.1, … (65,536 per /16). */
export function simulatedAddress(index: number): string {
  return `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}:7946`;
}

/** @internal Starts one process; the returned promise settles only while the clock is driven. */
export async function startNodeProcess(
  sim: { network: MemoryNetwork; view: ClusterView; trace: TraceRecorder },
  p: { key: string; name: string; address: string; generation: number; config: NodeConfig; overrides: NodeOverrides },
): Promise<NodeRecord> {
  const endpoint = sim.network.endpoint(p.address);
  const clock = new NodeClock(sim.network.clock);
  const config: MemberlistConfig = { ...p.config, name: p.name, transport: endpoint, clock };
  const memberlist = await Memberlist.create(config);
  const observer = `${p.key}#${p.generation}`;
  const record: NodeRecord = {
    key: p.key,
    name: p.name,
    observer,
    address: p.address,
    generation: p.generation,
    status: 'running',
    memberlist,
    endpoint,
    clock,
    overrides: p.overrides,
  };
  const { view, trace } = sim;
  // A node counts itself alive from the start, whether or not it reports its own join.
  view.apply(observer, p.name, 'alive');
  const listener = (event: MemberEvent): void => {
    // A crashed process may still be tearing down: what it says no longer counts.
    if (record.status !== 'running') return;
    const member = event.member;
    view.apply(observer, member.name, member.state);
    trace.record({
      at: event.at,
      observer: p.key,
      type: event.type,
      member: member.name,
      state: member.state,
      incarnation: member.incarnation,
    });
  };
  for (const type of EVENT_TYPES) memberlist.on(type, listener);
  return record;
}

/** @internal The public, live view of a record. */
export function publicNode(r: NodeRecord): SimNode {
  return {
    name: r.key,
    address: r.address,
    generation: r.generation,
    get status() {
      return r.status;
    },
    get memberlist() {
      return r.memberlist;
    },
  };
}
