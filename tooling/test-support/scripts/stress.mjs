#!/usr/bin/env node
// Load for robustness runs: the test suite must pass while every core is busy with something else.
//
//   node tooling/test-support/scripts/stress.mjs cpu [--workers N] [--seconds S]
//       keeps N cores (default: all) busy until Ctrl-C, or for S seconds
//   node tooling/test-support/scripts/stress.mjs runs [--runs 5] [--workers N] [-- command...]
//       keeps the cores busy while running `command` (default `pnpm test`) R times in a row; stops at the first
//       failure; prints one line per run (exit status, duration, load average) and a summary
//
// Plain JavaScript: it must run before anything is built. The load is busy loops in worker threads, at normal
// priority, so the tests compete with it for the CPU as they would with a noisy neighbour.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';

const argv = process.argv.slice(2);
const mode = argv[0];
const dashDash = argv.indexOf('--');
const options = dashDash >= 0 ? argv.slice(1, dashDash) : argv.slice(1);
const command = dashDash >= 0 ? argv.slice(dashDash + 1) : ['pnpm', 'test'];
const flag = (name, fallback) => {
  const i = options.indexOf(`--${name}`);
  return i >= 0 ? Number(options[i + 1]) : fallback;
};

const BURN = `
  const { parentPort } = require('node:worker_threads');
  let stop = false;
  parentPort.on('message', () => { stop = true; });
  const tick = () => { const end = Date.now() + 50; let x = 0; while (Date.now() < end) x = (x * 31 + 7) % 1000003; if (!stop) setImmediate(tick); else process.exit(0); };
  tick();
`;

function startLoad(workers) {
  const threads = Array.from({ length: workers }, () => new Worker(BURN, { eval: true }));
  return () => Promise.all(threads.map((t) => (t.postMessage('stop'), t.terminate())));
}

const fmt = (n) => n.toFixed(2);

if (mode === 'cpu') {
  const workers = flag('workers', availableParallelism());
  const seconds = flag('seconds', 0);
  const stop = startLoad(workers);
  console.log(`stress: ${workers} busy worker(s)${seconds ? ` for ${seconds} s` : ' until Ctrl-C'}`);
  const end = () => void stop().then(() => process.exit(0));
  process.on('SIGINT', end);
  process.on('SIGTERM', end);
  if (seconds) setTimeout(end, seconds * 1000);
} else if (mode === 'runs') {
  const runs = flag('runs', 5);
  const workers = flag('workers', availableParallelism());
  const stop = startLoad(workers);
  console.log(`stress: ${workers} busy worker(s); running \`${command.join(' ')}\` ${runs} time(s)`);
  const results = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const started = Date.now();
      // Async spawn would let the event loop idle; spawnSync blocks only this thread, the workers keep burning.
      const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit', shell: process.platform === 'win32' });
      const line = `stress: run ${i}/${runs}: ${r.status === 0 ? 'passed' : `FAILED (exit ${r.status ?? r.signal})`} in ${fmt((Date.now() - started) / 1000)} s, load average ${loadavg().map(fmt).join(' ')}`;
      results.push(line);
      console.log(line);
      if (r.status !== 0) break;
    }
  } finally {
    await stop();
  }
  console.log(results.join('\n'));
  const passed = results.filter((l) => l.includes(': passed')).length;
  console.log(`stress: ${passed}/${runs} runs passed with ${workers} busy worker(s)`);
  process.exit(passed === runs ? 0 : 1);
} else {
  console.error('usage: stress.mjs cpu [--workers N] [--seconds S] | runs [--runs R] [--workers N] [-- command...]');
  process.exit(2);
}
