/** Where a command writes: injected so tests capture output instead of touching the process streams. */
export interface Io {
  /** A line for the user (stdout). */
  out(line: string): void;
  /** A diagnostic line (stderr). */
  err(line: string): void;
}

/** The process's stdout and stderr. */
export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Resolves when SIGINT or SIGTERM arrives (or `signal` aborts); the returned `dispose` removes the handlers.
 * A second Ctrl-C while shutting down exits at once with status 130.
 */
export function untilInterrupted(signal?: AbortSignal): { done: Promise<string>; dispose: () => void } {
  let dispose = (): void => {};
  const done = new Promise<string>((resolve) => {
    let interrupted = false;
    const onSignal = (name: string) => () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      resolve(name);
    };
    const onInt = onSignal('SIGINT');
    const onTerm = onSignal('SIGTERM');
    const onAbort = (): void => resolve('abort');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    signal?.addEventListener('abort', onAbort, { once: true });
    dispose = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
    };
  });
  return { done, dispose };
}
