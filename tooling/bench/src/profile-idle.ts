/**
 * An idle TS cluster to profile: N nodes join, settle, then idle for a window. Run under the V8 profiler:
 *   node --cpu-prof --cpu-prof-dir=prof --import tsx src/profile-idle.ts --n=32 --seconds=20
 *   pnpm --filter @gossip/bench exec tsx src/cpuprofile-top.ts prof/<file>.cpuprofile
 */
import { parseArgs } from 'node:util';
import { TsCluster, sleep } from './ts-cluster.js';
import { measureJoin } from './ts-scenarios.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '32' }, seconds: { type: 'string', default: '20' }, preset: { type: 'string', default: 'lan' } },
});
const cluster = await TsCluster.create(Number(values.n), values.preset === 'local' ? 'local' : 'lan');
const joined = await measureJoin(cluster, 60_000);
process.stderr.write(`joined in ${joined.ms} ms (ok=${joined.ok}); idling ${values.seconds} s\n`);
await sleep(2000);
const cpu0 = process.cpuUsage();
await sleep(Number(values.seconds) * 1000);
const cpu = process.cpuUsage(cpu0);
process.stderr.write(`cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms over ${values.seconds} s for ${values.n} nodes\n`);
await cluster.shutdown();
