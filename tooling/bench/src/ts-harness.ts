/**
 * The TS side of the cluster benchmarks: N gossip nodes in this process on loopback, the same scenarios and
 * the same JSON report as the Go harness (tooling/bench/go, see its README for every field). Run by the
 * orchestrator as `node --expose-gc --import tsx src/ts-harness.ts --n=32 --preset=lan ...`; progress goes
 * to stderr, the report is the last line on stdout.
 */
import { parseArgs } from 'node:util';
import type { ClusterReport, FpReport } from './report-types.js';
import { addRun, emptyTiming, round1 } from './stats.js';
import { TsCluster, sleep } from './ts-cluster.js';
import { measureStorm } from './ts-storm.js';
import type { BenchPreset } from './ts-node.js';
import {
  countWindow,
  describeSlowMode,
  heapAfterGc,
  measureCrash,
  measureIdle,
  measureJoin,
  measureLeave,
  measureSecondCluster,
  measureSlowedWindow,
  waitHealed,
} from './ts-scenarios.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '8' },
    preset: { type: 'string', default: 'lan' },
    scenario: { type: 'string', default: 'all' },
    'idle-seconds': { type: 'string', default: '20' },
    'idle-warmup': { type: 'string', default: '0' },
    'fp-seconds': { type: 'string', default: '20' },
    'fp-delay-seconds': { type: 'string', default: '0' },
    reps: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '120' },
    'storm-hold-seconds': { type: 'string', default: '60' },
  },
});

const n = Number(values.n);
const presetArg = values.preset;
const scenario = values.scenario;
const idleSeconds = Number(values['idle-seconds']);
const idleWarmup = Number(values['idle-warmup']);
const fpSeconds = Number(values['fp-seconds']);
const fpDelaySeconds = Number(values['fp-delay-seconds']);
const reps = Number(values.reps);
const timeoutMs = Number(values.timeout) * 1000;

function progress(message: string): void {
  process.stderr.write(`[ts-bench ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

/** `all`, one scenario, or a comma-separated list (the Go harness takes `all` or one name); `storm` is not in `all`. */
const want = (s: string): boolean => scenario === 'all' || scenario.split(',').includes(s);

async function main(): Promise<ClusterReport> {
  if (!(n >= 3)) throw new Error('--n must be at least 3');
  if (presetArg !== 'lan' && presetArg !== 'local') throw new Error(`unknown preset ${presetArg} (lan, local)`);
  const preset: BenchPreset = presetArg;
  const started = performance.now();
  const out: ClusterReport = { implementation: 'gossip (TypeScript)', node: process.version, n, preset, reps, wallSeconds: 0 };
  const errors: string[] = [];
  const fail = (err: unknown): void => {
    const message = err instanceof Error ? err.message : String(err);
    errors.push(message);
    progress(`error: ${message}`);
  };

  if (want('join') || want('crash') || want('leave')) {
    const join = emptyTiming();
    const suspect = emptyTiming();
    const dead = emptyTiming();
    const left = emptyTiming();
    for (let rep = 0; rep < reps; rep++) {
      let c: TsCluster;
      try {
        c = await TsCluster.create(n, preset);
      } catch (err) {
        fail(err);
        break;
      }
      try {
        const j = await measureJoin(c, timeoutMs);
        addRun(join, j.ms, j.ok);
        progress(`rep ${rep}: join convergence ${j.ms} ms (ok=${j.ok})`);
        if (want('crash') && j.ok) {
          const r = await measureCrash(c, timeoutMs);
          addRun(suspect, r.firstSuspect.ms, r.firstSuspect.ok);
          addRun(dead, r.allDead.ms, r.allDead.ok);
          progress(`rep ${rep}: crash first suspect ${r.firstSuspect.ms} ms, all dead ${r.allDead.ms} ms`);
        }
        if (want('leave') && j.ok) {
          const l = await measureLeave(c, timeoutMs);
          addRun(left, l.ms, l.ok);
          progress(`rep ${rep}: leave seen by all ${l.ms} ms`);
        }
      } catch (err) {
        fail(err);
      } finally {
        await c.shutdown();
      }
    }
    if (want('join')) out.join = { convergence: join };
    if (want('crash')) {
      out.crash = {
        model:
          'crash = Memberlist.shutdown() without leave(): timers stopped, transport (UDP and TCP sockets) closed, so peers get ' +
          'no acks and refused TCP connections, as from a killed process; firstSuspect = earliest local accusation ' +
          '("suspect node has failed") by any node; allDead = last notifyLeave(dead) among the survivors',
        firstSuspect: suspect,
        allDead: dead,
      };
    }
    if (want('leave')) out.leave = { allLeft: left };
  }

  if (want('idle') || want('fp')) {
    const baseline = heapAfterGc();
    let c: TsCluster | undefined;
    try {
      // The slow node of the fp scenario runs in its own process so its stalls block nobody else.
      c = await TsCluster.create(n, preset, want('fp'));
      const j = await measureJoin(c, timeoutMs);
      if (!j.ok) throw new Error('idle/fp cluster did not converge');
      // Let the join broadcasts drain before measuring.
      await sleep(2000 + idleWarmup * 1000);
      if (want('idle')) {
        progress(`idle window ${idleSeconds}s`);
        const idle = await measureIdle(c, idleSeconds * 1000, baseline);
        out.idle = { ...idle, heapSecondClusterBytesPerNode: await measureSecondCluster(n, preset, timeoutMs) };
      }
      if (want('fp')) {
        progress(`false-positive windows: healthy ${fpSeconds}s, slowed ${fpSeconds}s`);
        const t0 = Date.now();
        await sleep(fpSeconds * 1000);
        const healthy = countWindow(c, '', t0, Date.now());
        const slowed = await measureSlowedWindow(c, fpSeconds * 1000, 'block-event-loop');
        const fp: FpReport = {
          windowSeconds: fpSeconds,
          slowNode: c.nodes[1]?.name ?? '',
          slowDelay: describeSlowMode('block-event-loop'),
          healthy,
          slowed,
        };
        if (fpDelaySeconds > 0) {
          const healed = await waitHealed(c, 30_000);
          progress(`healed=${healed}; slowed window (inbound delay, Go's model) ${fpDelaySeconds}s`);
          fp.slowedInboundDelay = await measureSlowedWindow(c, fpDelaySeconds * 1000, 'delay-inbound');
        }
        out.fp = fp;
      }
    } catch (err) {
      fail(err);
    } finally {
      await c?.shutdown();
    }
  }
  if (scenario === 'storm') {
    try {
      out.storm = await measureStorm(n, preset, timeoutMs, Number(values['storm-hold-seconds']) * 1000, progress);
    } catch (err) {
      fail(err);
    }
  }
  if (errors.length > 0) out.errors = errors;
  out.wallSeconds = round1((performance.now() - started) / 1000);
  return out;
}

main().then(
  (report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(report.errors === undefined ? 0 : 1);
  },
  (err: unknown) => {
    progress(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
