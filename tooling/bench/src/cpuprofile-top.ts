/**
 * Prints the functions with the most self time (and their share) from a V8 .cpuprofile file, optionally only
 * for samples after the first `skipSeconds` (to leave start-up out):
 *   tsx src/cpuprofile-top.ts <file.cpuprofile> [top] [skipSeconds]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const [file, topArg = '30', skipArg = '0'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: cpuprofile-top <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const selfUs = new Map<number, number>();
const skipUs = Number(skipArg) * 1e6;
let elapsedUs = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  elapsedUs += dt;
  if (elapsedUs >= skipUs) selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
});
const byFunction = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  if (f.functionName !== '(idle)') total += us;
}
console.log(`busy ${(total / 1000).toFixed(0)} ms (excluding idle) over ${((elapsedUs - skipUs) / 1e6).toFixed(1)} s profiled`);
for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) {
  console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
}
