/**
 * Drives tooling/keyring-check (memberlist v0.2.2's own encryption code, built with @gossip/gotools) over
 * stdin/stdout JSON lines. Used by the interop test and the benchmark.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildGoProgram } from '@gossip/gotools';

/** Directory of the Go program. */
export const KEYRING_CHECK_DIR = fileURLToPath(new URL('../../../tooling/keyring-check', import.meta.url));

/** One request; byte fields are hex. */
export interface CheckRequest {
  op: 'encrypt' | 'decrypt' | 'encryptStream' | 'decryptStream' | 'gcmSeal' | 'gcmOpen' | 'bench';
  vsn?: number;
  key?: string;
  keys?: string[];
  plaintext?: string;
  data?: string;
  aad?: string;
  label?: string;
  nonce?: string;
  keySize?: number;
  size?: number;
  iterations?: number;
}

/** One response. */
export interface CheckResponse {
  ok: boolean;
  error?: string;
  data?: string;
  plaintext?: string;
  encryptNs?: number;
  decryptNs?: number;
}

/** A running keyring-check process answering requests in order. */
export class KeyringCheck {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending: { resolve: (r: CheckResponse) => void; reject: (e: Error) => void }[] = [];
  #stderr = '';

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.#pending.shift()?.resolve(JSON.parse(line) as CheckResponse);
    });
    child.on('exit', (code) => {
      for (const p of this.#pending.splice(0)) {
        p.reject(new Error(`keyring-check exited (${code}): ${this.#stderr}`));
      }
    });
  }

  /** Builds (if needed) and starts the Go program. Rejects when Go or memberlist is missing. */
  static async start(): Promise<KeyringCheck> {
    const binary = await buildGoProgram(KEYRING_CHECK_DIR, 'keyring-check');
    return new KeyringCheck(spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Sends one request and waits for its response. */
  request(req: CheckRequest): Promise<CheckResponse> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#child.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  /** Like {@link request} but throws when Go answered with an error. */
  async ok(req: CheckRequest): Promise<CheckResponse> {
    const res = await this.request(req);
    if (!res.ok) throw new Error(`keyring-check ${req.op} failed: ${res.error ?? '?'}`);
    return res;
  }

  /** Closes stdin and waits for the process to exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin.end();
    await exited;
  }
}

/** Hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** Bytes of hex. */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
