import type { ChildProcess } from 'node:child_process';

/**
 * Every Go process the driver spawned and that has not exited yet. Tests call {@link killAllGoProcesses}
 * in `afterEach`, so a failing test never leaves a node running; the exit hook is the last resort when
 * the test runner itself goes away. (The Go peer also exits by itself when its stdin closes.)
 */
const live = new Set<ChildProcess>();
let hooked = false;

/** Starts tracking a spawned process until it exits. */
export function trackProcess(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/** SIGKILLs every tracked process that is still running and waits (bounded) until each has exited. */
export async function killAllGoProcesses(timeoutMs = 5_000): Promise<number> {
  const victims = [...live];
  await Promise.all(
    victims.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(resolve, timeoutMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGKILL');
        }),
    ),
  );
  return victims.length;
}

/** Number of tracked processes still running. */
export function liveGoProcessCount(): number {
  return live.size;
}
