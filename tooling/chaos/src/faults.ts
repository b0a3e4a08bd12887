/**
 * Network faults as nftables rules inside a host's namespace: table `inet gch` with an input and an output
 * chain. Each call replaces the host's whole rule set, so a fault is exactly what was last applied and
 * `clear` returns the host to a clean network. Traffic to and from the runner (198.18.0.1: the HTTP API the
 * testbed observes through) is never matched.
 *
 * Every fault drops on the *receiving* host's input chain, never on the sender's output chain: a packet
 * dropped in the sender's own output hook fails its `sendto` with EPERM, which no real network does (a cut cable
 * or a switch drops silently), and implementations react differently to that local error — memberlist v0.2.2
 * abandons the probe without suspecting anyone, so a cut made with output rules never split a Go cluster.
 */
import { mapLimit, run } from './exec.js';
import { RUNNER_IP } from './netns.js';

/** The rules of one host: nft statements for its input and output chains. */
export interface HostRules {
  readonly input: readonly string[];
  readonly output: readonly string[];
}

const TABLE = 'inet gch';
const NOT_RUNNER_IN = `ip saddr != ${RUNNER_IP}`;

/** No fault. */
export const CLEAN: HostRules = { input: [], output: [] };

function addressSet(ips: readonly string[]): string {
  return `{ ${ips.join(', ')} }`;
}

/**
 * Drops everything (or only UDP) this host receives from `peers`: one direction of a cut, `peers` → this host.
 * A cut both ways is this rule on both sides.
 */
export function dropFrom(peers: readonly string[], only?: 'udp'): HostRules {
  if (peers.length === 0) return CLEAN;
  return { input: [`ip saddr ${addressSet(peers)}${only === 'udp' ? ' meta l4proto udp' : ''} drop`], output: [] };
}

/**
 * Drops everything (or only UDP) this host receives from any host: with {@link dropFrom} of this host on every
 * other host, the host is cut off (a pulled cable) or UDP-blackholed.
 */
export function dropAllInbound(only?: 'udp'): HostRules {
  return { input: [`${NOT_RUNNER_IN}${only === 'udp' ? ' meta l4proto udp' : ''} drop`], output: [] };
}

/**
 * Drops `percent` % of the packets this host receives (`numgen random`). Applied on every host, each packet
 * crosses exactly one receiver, so every link loses `percent` % in each direction.
 */
export function inboundLoss(percent: number): HostRules {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`loss ${percent} % out of 0..100`);
  return { input: [`${NOT_RUNNER_IN} numgen random mod 100 < ${percent} drop`], output: [] };
}

/** The nft script that replaces namespace's rule set with `rules` (create-then-delete makes it idempotent). */
export function renderRules(rules: HostRules): string {
  const lines = [`table ${TABLE}`, `delete table ${TABLE}`];
  if (rules.input.length > 0 || rules.output.length > 0) {
    lines.push(
      `table ${TABLE} {`,
      '  chain input {',
      '    type filter hook input priority 0; policy accept;',
      ...rules.input.map((r) => `    ${r}`),
      '  }',
      '  chain output {',
      '    type filter hook output priority 0; policy accept;',
      ...rules.output.map((r) => `    ${r}`),
      '  }',
      '}',
    );
  }
  return lines.join('\n') + '\n';
}

/** Namespaces that hold rules now: clearing skips the others (one nft exec per host adds up at 64 hosts). */
const faulted = new Set<string>();

function isClean(rules: HostRules): boolean {
  return rules.input.length === 0 && rules.output.length === 0;
}

/** Applies `rules` in namespace `ns`. */
export async function applyRules(ns: string, rules: HostRules): Promise<void> {
  if (isClean(rules) && !faulted.has(ns)) return;
  await run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], renderRules(rules));
  if (isClean(rules)) faulted.delete(ns);
  else faulted.add(ns);
}

/** Applies per-host rules to many hosts at once. */
export async function applyAll(entries: ReadonlyArray<readonly [ns: string, rules: HostRules]>): Promise<void> {
  await mapLimit(entries, 8, ([ns, rules]) => applyRules(ns, rules));
}

/** Lists our table in `ns` ('' when there is none): the end-of-run check that no rule is left. */
export async function listRules(ns: string): Promise<string> {
  return run('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', TABLE]).catch(() => '');
}
