/**
 * Vitest wiring of the Go gate, for the packages whose tests drive Go programs. In their vitest.config.ts:
 * `test: { ..., ...goSuites() }`, and `// @module-tag go` at the top of each Go-dependent test file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goAvailability } from '@gossip/gotools';
import type { Reporter, TestModule, TestUserConfig } from 'vitest/node';
import { GO_TAG, type GoGate, type GoSkipCount, decideGoGate, goSkipLine } from './go-gate.js';

type TestOptions = TestUserConfig;

/**
 * The `test` options that apply the Go gate: a `go` tag (skipped when Go is missing), a filter leaving Go files
 * out under `GOSSIP_GO=off`, and a reporter counting what was skipped. With `GOSSIP_REQUIRE_GO=1` and no Go it
 * throws, so the package's test run fails at once with the reason and the install hint.
 */
export function goSuites(env: NodeJS.ProcessEnv = process.env): Pick<TestOptions, 'tags' | 'tagsFilter' | 'reporters'> {
  const gate = decideGoGate(env, goAvailability(env));
  if (gate.mode === 'fail') throw new Error(gate.message);
  return {
    tags: [
      {
        name: GO_TAG,
        description: 'builds and runs Go memberlist v0.2.2 programs (needs Go and the memberlist sources)',
        ...(gate.mode === 'skip' ? { skip: true } : {}),
      },
    ],
    ...(gate.mode === 'exclude' ? { tagsFilter: [`!${GO_TAG}`] } : {}),
    reporters: gate.mode === 'skip' ? ['default', new GoSkipReporter(gate, env)] : ['default'],
  };
}

/**
 * Counts the `go`-tagged tests the run skipped. When the root test command set `GOSSIP_GO_SKIP_DIR`, it leaves
 * the count there for the command's single closing line; run alone, it prints that line itself.
 */
export class GoSkipReporter implements Reporter {
  constructor(
    private readonly gate: Extract<GoGate, { mode: 'skip' }>,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = countSkippedGoTests(testModules);
    if (count.tests === 0) return;
    const dir = this.env.GOSSIP_GO_SKIP_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const pkg = (JSON.parse(readFileSync('package.json', 'utf8')) as { name?: string }).name ?? 'unknown';
      const file = join(dir, `${pkg.replace(/[^a-z0-9.-]+/gi, '_')}.json`);
      writeFileSync(file, JSON.stringify({ package: pkg, reason: this.gate.reason, ...count }));
    } else {
      console.log(goSkipLine(count, this.gate.reason));
    }
  }
}

/** Skipped `go`-tagged tests and the files holding them. */
export function countSkippedGoTests(testModules: ReadonlyArray<TestModule>): GoSkipCount {
  let tests = 0;
  let files = 0;
  for (const module of testModules) {
    let inFile = 0;
    for (const test of module.children.allTests()) {
      if (test.tags.includes(GO_TAG) && test.result().state === 'skipped') inFile++;
    }
    tests += inFile;
    if (inFile > 0) files++;
  }
  return { tests, files };
}
