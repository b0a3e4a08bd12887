/**
 * Shared test support: bounded waits for a condition ({@link eventually}, {@link waitUntil}) and the pure part of
 * the Go gate. The vitest wiring is the `@gossip/test-support/vitest` entry.
 */
export { WaitTimeoutError, eventually, waitFor, waitUntil, delay, type EventuallyOptions, type NotYet } from './wait.js';
export { GO_TAG, decideGoGate, goSkipLine, type GoGate, type GoSkipCount } from './go-gate.js';
