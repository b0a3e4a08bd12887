/**
 * Drives tooling/wire-check (the Go reference codec) over JSON lines. Builds it on first use with
 * @gossip/gotools, so a clean clone with Go installed needs nothing else; without Go, building throws.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildGoProgram } from '@gossip/gotools';

/** Source directory of the Go program. */
export const WIRE_CHECK_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../../tooling/wire-check');

/** Builds (if needed) and returns the wire-check binary path. */
export function buildWireCheck(): Promise<string> {
  return buildGoProgram(WIRE_CHECK_DIR, 'wire-check');
}

/** A request to wire-check; see tooling/wire-check/main.go. */
export interface GoRequest {
  op: string;
  type?: string;
  value?: unknown;
  hex?: string;
  parts?: string[];
}

/** A response from wire-check. */
export interface GoResponse {
  id: number;
  hex?: string;
  value?: Record<string, unknown>;
  parts?: string[];
  truncated: number;
  error?: string;
}

/** One running wire-check process answering requests in order. */
export class WireCheck {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (r: GoResponse) => void>();
  private nextId = 1;
  private stderr = '';

  private constructor(binary: string) {
    this.child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => {
      const r = JSON.parse(line) as GoResponse;
      const resolve = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      resolve?.(r);
    });
    this.child.on('exit', (code) => {
      for (const resolve of this.waiting.values()) {
        resolve({ id: -1, truncated: 0, error: `wire-check exited with ${code}: ${this.stderr}` });
      }
      this.waiting.clear();
    });
  }

  /** Builds and starts wire-check. */
  static async start(): Promise<WireCheck> {
    return new WireCheck(await buildWireCheck());
  }

  /** Sends one request. */
  request(req: GoRequest): Promise<GoResponse> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, ...req })}\n`);
    });
  }

  /** Sends many requests at once and waits for all answers. */
  all(reqs: GoRequest[]): Promise<GoResponse[]> {
    return Promise.all(reqs.map((r) => this.request(r)));
  }

  /** Ends the process. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }
}

/** Runs `wire-check bench` with a config and returns its ns/op results. */
export async function runGoBench(config: unknown): Promise<Record<string, number>> {
  const binary = await buildWireCheck();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['bench'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`wire-check bench exited with ${code}`));
      else resolve(JSON.parse(out) as Record<string, number>);
    });
    child.stdin.end(JSON.stringify(config));
  });
}
