// `pnpm check:packages`: publint (strict) and arethetypeswrong over every published package, as packed. Run after
// `pnpm build`. ESM-only packages (no `require` condition) are checked with attw's esm-only profile.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, hasCommonJsEntry, publishedPackages } from '../src/packages.js';

const bin = (name: string): string => join(REPO_ROOT, 'tooling/release/node_modules/.bin', name);
const failed: string[] = [];
for (const { dir, manifest } of publishedPackages()) {
  const path = join(REPO_ROOT, dir);
  const esmOnly = !hasCommonJsEntry(manifest);
  const runs: [string, string[]][] = [
    ['publint', [path, '--strict']],
    ['attw', ['--pack', path, '--format', 'ascii', ...(esmOnly ? ['--profile', 'esm-only'] : [])]],
  ];
  for (const [tool, args] of runs) {
    const r = spawnSync(bin(tool), args, { cwd: path, encoding: 'utf8' });
    const ok = r.status === 0;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${tool.padEnd(7)} ${manifest.name}${tool === 'attw' && esmOnly ? ' (esm-only)' : ''}`);
    if (!ok) {
      failed.push(`${tool} ${manifest.name}`);
      process.stdout.write(`${r.stdout}${r.stderr}`);
    }
  }
}
if (failed.length > 0) {
  console.error(`check:packages: ${failed.length} problem(s): ${failed.join(', ')}`);
  process.exit(1);
}
console.log('check:packages: publint and arethetypeswrong clean for every published package');
