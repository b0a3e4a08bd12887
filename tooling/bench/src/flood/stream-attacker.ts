/**
 * The sender of `pnpm flood block`'s stream frames, in a process of its own: building a 10,000-node push/pull or a
 * 30 MiB bomb allocates tens of MB, and in the victim's process that garbage (and its collection) would be counted
 * as the victim's event-loop block. The parent names a shape and a round; the child builds that frame with the
 * same shape table, then writes it when told to.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encryptedShapes, sendStream, streamShapes } from './block.js';

interface Prepare {
  readonly kind: 'prepare';
  readonly shape: string;
  readonly round: number;
  readonly keyHex?: string;
}
interface Send {
  readonly kind: 'send';
  readonly address: string;
}

/** The parent's handle on the attacker process. */
export class StreamAttacker {
  private readonly child: ChildProcess;

  constructor() {
    this.child = fork(fileURLToPath(import.meta.url), ['--flood-attacker'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  /** Builds shape `shape`'s frame for round `round` in the attacker (encrypted with `key` if given). */
  prepare(shape: string, round: number, key?: Uint8Array): Promise<number> {
    return this.ask({ kind: 'prepare', shape, round, ...(key === undefined ? {} : { keyHex: Buffer.from(key).toString('hex') }) });
  }

  /** Sends the prepared frame to `address`; resolves its size once the victim closed the connection. */
  send(address: string): Promise<number> {
    return this.ask({ kind: 'send', address });
  }

  close(): void {
    this.child.kill();
  }

  private ask(message: Prepare | Send): Promise<number> {
    return new Promise((resolve, reject) => {
      const onExit = (): void => reject(new Error('the flood attacker process exited'));
      this.child.once('exit', onExit);
      this.child.once('message', (bytes) => {
        this.child.off('exit', onExit);
        resolve(Number(bytes));
      });
      this.child.send(message);
    });
  }
}

if (process.argv.includes('--flood-attacker')) {
  let frame: Uint8Array = new Uint8Array(0);
  process.on('message', (m: Prepare | Send) => {
    if (m.kind === 'prepare') {
      const shapes = m.keyHex === undefined ? streamShapes() : encryptedShapes(Uint8Array.from(Buffer.from(m.keyHex, 'hex')));
      const make = shapes[m.shape];
      if (make === undefined) throw new RangeError(`unknown stream shape ${m.shape}`);
      frame = make(m.round);
      process.send?.(frame.length);
    } else {
      void sendStream(m.address, frame).then(() => process.send?.(frame.length));
    }
  });
}
