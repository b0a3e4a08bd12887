/**
 * The package micro-benchmarks: each package's own `bench` script (wire, transport, keyring, sim), which
 * writes bench-results/<name>.json at the repository root. Run one at a time through pnpm, bounded in time.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tooling/bench/src → ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Where every benchmark writes its JSON. */
export const RESULTS_DIR = join(REPO_ROOT, 'bench-results');

/** One package micro-benchmark. */
export interface MicroBench {
  /** pnpm filter name. */
  pkg: string;
  /** Result file name in bench-results/. */
  file: string;
  /** Extra environment (bounds). */
  env?: Record<string, string>;
  /** Hard bound on the script. */
  timeoutMs: number;
}

/** Outcome of one micro-benchmark. */
export interface MicroOutcome {
  pkg: string;
  file: string;
  ran: boolean;
  ok: boolean;
  seconds: number;
  /** Why it did not run or failed. */
  note?: string;
  /** The result file as this run wrote it (other engineers may rerun a package's bench later). */
  data?: unknown;
}

/** Whether package directory `dir` (under packages/) has a `bench` script. */
export function hasBenchScript(dir: string): boolean {
  const path = join(REPO_ROOT, 'packages', dir, 'package.json');
  if (!existsSync(path)) return false;
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as { scripts?: Record<string, string> };
  return typeof pkg.scripts?.bench === 'string';
}

/** Runs one micro-benchmark; a result file is accepted only if it was written by this run. */
export function runMicro(bench: MicroBench, env: Record<string, string>, log: (line: string) => void): Promise<MicroOutcome> {
  const started = Date.now();
  const resultPath = join(RESULTS_DIR, bench.file);
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['--filter', bench.pkg, 'bench'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, ...bench.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const onData = (chunk: string): void => {
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 10) tail.shift();
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, bench.timeoutMs);
    const done = (code: number | null, err?: Error): void => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      const fresh = existsSync(resultPath) && statSync(resultPath).mtimeMs >= started;
      const ok = code === 0 && fresh;
      const note = err
        ? err.message
        : killed
          ? `killed after ${bench.timeoutMs / 1000} s`
          : !fresh
            ? `exit ${code}, no fresh ${bench.file}: ${tail.slice(-3).join(' | ')}`
            : code !== 0
              ? `exit ${code}: ${tail.slice(-3).join(' | ')}`
              : undefined;
      log(`micro ${bench.pkg}: ${ok ? 'ok' : 'FAILED'} in ${seconds} s${note ? ` (${note})` : ''}`);
      let data: unknown;
      if (fresh) {
        try {
          data = JSON.parse(readFileSync(resultPath, 'utf8'));
        } catch {
          data = undefined;
        }
      }
      resolve({ pkg: bench.pkg, file: bench.file, ran: true, ok, seconds, ...(note ? { note } : {}), ...(data === undefined ? {} : { data }) });
    };
    child.on('error', (e) => done(null, e));
    child.on('close', (code) => done(code));
  });
}
