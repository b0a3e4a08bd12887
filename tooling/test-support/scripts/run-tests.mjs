#!/usr/bin/env node
// The root `pnpm test` / `pnpm test:unit`: runs turbo, then sums what the packages' Go gates skipped into ONE
// line, so a newcomer without Go sees a passing run and exactly what did not run, why, and how to fix it.
//
//   node tooling/test-support/scripts/run-tests.mjs           lint, typecheck and every suite (Go ones gated)
//   node tooling/test-support/scripts/run-tests.mjs --unit    the test suites only, Go suites left out
// Any other argument goes to turbo (e.g. `pnpm test --filter=@gossip/wire`).
//
// Plain JavaScript on purpose: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GO_INSTALL_HINT, goAvailability, goSkipLine } from '@gossip/gotools';

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const env = { ...process.env };
const go = goAvailability(env);

if (unit) {
  env.GOSSIP_GO = 'off';
} else if (!go.available && env.GOSSIP_REQUIRE_GO === '1') {
  console.error(`test: GOSSIP_REQUIRE_GO=1 but ${go.reason}. ${GO_INSTALL_HINT}.`);
  process.exit(1);
}

// Run as `pnpm test` or directly with node: either way turbo is the workspace's own.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
env.PATH = `${join(repoRoot, 'node_modules', '.bin')}${delimiter}${env.PATH ?? ''}`;

const skipDir = mkdtempSync(join(tmpdir(), 'gossip-go-skips-'));
env.GOSSIP_GO_SKIP_DIR = skipDir;
const tasks = unit ? ['test'] : ['lint', 'typecheck', 'test'];
const turbo = spawnSync('turbo', ['run', ...tasks, '--concurrency=1', ...args.filter((a) => a !== '--unit')], {
  stdio: 'inherit',
  env,
  cwd: repoRoot,
  shell: process.platform === 'win32',
});
if (turbo.error) console.error(`test: could not run turbo: ${turbo.error.message}`);

let tests = 0;
let files = 0;
const packages = [];
for (const name of readdirSync(skipDir)) {
  const skipped = JSON.parse(readFileSync(join(skipDir, name), 'utf8'));
  tests += skipped.tests;
  files += skipped.files;
  packages.push(skipped.package);
}
rmSync(skipDir, { recursive: true, force: true });

if (unit) {
  console.log('test:unit: Go-dependent suites left out (GOSSIP_GO=off); `pnpm test` runs them.');
} else if (tests > 0) {
  console.log(goSkipLine({ tests, files, packages }, go.reason));
}
process.exit(turbo.status ?? 1);
