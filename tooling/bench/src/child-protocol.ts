/**
 * Messages between the cluster harness and a node it runs in a child process. The slowed node of the
 * false-positive scenario lives in a child so that blocking its event loop blocks nobody else.
 */
import type { MemberState } from '@gossip/core';
import type { LogKind } from './observer.js';

/** Parent → child requests; each is answered by one {@link ChildReply} with the same `id`. */
export type ChildRequest =
  | { id: number; cmd: 'join'; seed: string }
  | { id: number; cmd: 'crash' }
  | { id: number; cmd: 'leave'; timeoutMs: number }
  | { id: number; cmd: 'counters' }
  | { id: number; cmd: 'health' }
  /** Block the event loop for a random `blockMinMs..blockMaxMs`, then run `gapMinMs..gapMaxMs`, repeatedly. */
  | { id: number; cmd: 'block'; on: boolean; blockMinMs: number; blockMaxMs: number; gapMinMs: number; gapMaxMs: number }
  /** Delay inbound packets and streams by `minMs..maxMs` (the Go harness's slow switch). */
  | { id: number; cmd: 'delay'; on: boolean; minMs: number; maxMs: number }
  | { id: number; cmd: 'shutdown' };

/** Child → parent messages: what the node witnessed, replies, and a ready notice. */
export type ChildMessage =
  | { t: 'ready'; address: string }
  | { t: 'join'; name: string; at: number }
  | { t: 'leave'; name: string; state: MemberState; at: number }
  | { t: 'log'; kind: LogKind; target: string; at: number }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: string }
  | { t: 'fatal'; error: string };
