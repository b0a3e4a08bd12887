/**
 * `gossip demo`: starts an N-node cluster on loopback in this process, prints the dashboard URL, runs the guided
 * tour (join, writes, a conflict, a crash, a revive, a delete) with how long the cluster took to notice each,
 * then keeps the cluster up for the dashboard until `--duration` or Ctrl-C.
 */
import type { Preset } from 'gossip';
import {
  type CliLogLevel,
  type Io,
  LOG_LEVELS,
  createCliLogger,
  parseChoice,
  parseDuration,
  parseFlags,
  parseIntFlag,
  untilInterrupted,
} from '@gossip/agent';
import { DemoCluster } from '../demo/cluster.js';
import { runTour, watchActions } from '../demo/tour.js';

/** `gossip demo --help`. */
export const DEMO_USAGE = `Usage: gossip demo [--nodes 5] [--duration 60s] [options]

Starts a cluster of N gossip nodes on 127.0.0.1 (one process, each node with its own
UDP/TCP port and HTTP port), prints the dashboard URL and walks through what the library
does: nodes finding each other, writes spreading, a conflict resolved, a node crashing
(suspected, then declared dead everywhere), coming back, and catching up.
Each step prints how long the cluster took to notice, measured on every node's own view.

Options:
  --nodes N            cluster size, 2 to 16 (default 5)
  --duration D         stop after D: 60s, 2m, 500ms; 0 or "forever" runs until Ctrl-C (default 60s)
  --http-port P        HTTP port of node-1; node-i gets P+i-1, 0 picks free ports (default 7480)
  --preset local|lan   timing preset (default local: probe 1 s, gossip 100 ms)
  --log-level LEVEL    node logs on stderr: debug, info, warn, error, silent (default error)
  -h, --help           show this help

While it runs, open the dashboard: kill and revive nodes, set keys, watch it converge.`;

/**
 * The demo raises the Local preset's retransmit multiplier (2) to memberlist's LAN value (4). With 2, each node
 * relays news of a joiner only twice, and in a 5-node cluster that booted at once about one run in four left a
 * node unaware of another until the next push/pull (15 s later): correct, but a poor first minute.
 */
export const DEMO_RETRANSMIT_MULT = 4;

const FLAGS = {
  nodes: { type: 'string' },
  duration: { type: 'string' },
  'http-port': { type: 'string' },
  preset: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parsed `gossip demo` flags. */
export interface DemoArgs {
  readonly help: boolean;
  readonly nodes: number;
  /** 0 = until interrupted. */
  readonly durationMs: number;
  readonly httpPort: number;
  readonly preset: Preset;
  readonly logLevel: CliLogLevel;
}

/** Parses and validates `gossip demo` flags (throws `ERR_USAGE`). */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const v = parseFlags(argv, FLAGS);
  return {
    help: v.help === true,
    nodes: parseIntFlag('nodes', v.nodes ?? '5', 2, 16),
    durationMs: parseDuration('duration', v.duration ?? '60s'),
    httpPort: parseIntFlag('http-port', v['http-port'] ?? '7480', 0, 65535 - 16),
    preset: parseChoice('preset', v.preset ?? 'local', ['local', 'lan'] as const),
    logLevel: parseChoice('log-level', v['log-level'] ?? 'error', LOG_LEVELS),
  };
}

/** How the user can run the command again: `pnpm gossip` when started through the root scripts. */
function invokedAs(): string {
  const script = process.env.npm_lifecycle_event;
  return script === 'demo' || script === 'gossip' ? 'pnpm gossip' : 'gossip';
}

/** Runs `gossip demo`; resolves with 0 when the duration ends or on Ctrl-C. */
export async function runDemo(argv: readonly string[], io: Io): Promise<number> {
  const args = parseDemoArgs(argv);
  if (args.help) {
    io.out(DEMO_USAGE);
    return 0;
  }
  const t0 = performance.now();
  const stamp = (): string => `[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;
  const host = '127.0.0.1';
  const cluster = new DemoCluster({
    size: args.nodes,
    host,
    httpBasePort: args.httpPort,
    preset: args.preset,
    tunables: { retransmitMult: DEMO_RETRANSMIT_MULT },
    logger: createCliLogger(args.logLevel),
  });
  const say = (line: string): void => {
    io.out(`${stamp()} ${line}`);
    cluster.narrate(line.trim());
  };

  const stop = new AbortController();
  const interrupted = untilInterrupted(stop.signal);
  const timer = args.durationMs > 0 ? setTimeout(() => stop.abort(), args.durationMs) : undefined;
  void interrupted.done.then((why) => {
    if (why !== 'abort') io.out(`${stamp()} ${why}: stopping`);
    stop.abort();
  });

  try {
    const presetLine = args.preset === 'local' ? 'Local preset: probe every 1 s, gossip every 100 ms' : 'LAN preset: probe every 1 s, gossip every 200 ms';
    io.out(`gossip demo: ${args.nodes} nodes on ${host} in this process (${presetLine})`);
    await cluster.start();
    const [first] = cluster.running();
    io.out('');
    io.out(`  Dashboard:  http://${first?.http?.address ?? '?'}/`);
    io.out(`  Members:    ${invokedAs()} members --http ${first?.http?.address ?? '?'}`);
    io.out(`  Set a key:  curl -X PUT --data hi http://${first?.http?.address ?? '?'}/v1/kv/hello`);
    io.out('');
    for (const s of cluster.status()) io.out(`  ${s.name.padEnd(8)} gossip ${s.gossip.padEnd(21)} http ${s.http ?? '-'}`);
    io.out('');
    const unwatch = watchActions(cluster, say, stop.signal);
    // A node killed from the dashboard mid-tour can make a step impossible: the tour stops, the cluster stays up.
    const done = await runTour(cluster, say, stop.signal).catch((err: unknown) => {
      say(`Tour interrupted: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    });
    if (done && !stop.signal.aborted) {
      const remaining = Math.round(Math.max(0, args.durationMs - (performance.now() - t0)) / 1000);
      const left = args.durationMs > 0 ? ` for ${remaining} s more (--duration 0 keeps it up)` : '';
      say(`Tour done. The cluster keeps running${left}: open the dashboard, kill and revive nodes, set keys. Ctrl-C stops.`);
    } else if (!stop.signal.aborted) {
      say('The tour stopped early; the cluster keeps running for inspection. Ctrl-C stops.');
    }
    await new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve(), { once: true })));
    unwatch();
    if (!done) io.out(`${stamp()} stopped before the tour finished`);
    io.out(`${stamp()} ${args.durationMs > 0 && performance.now() - t0 >= args.durationMs ? 'duration reached: ' : ''}stopping ${cluster.running().length} nodes (each leaves the cluster)`);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    interrupted.dispose();
    await cluster.stop();
  }
  io.out(`${stamp()} stopped. Bye.`);
  return 0;
}
