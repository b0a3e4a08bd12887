/** Typed errors of the simulator, each with a stable `code`. */

/** Stable reasons a simulation operation failed. */
export type SimulationErrorCode =
  /** A condition awaited with `waitFor` (or an operation driven by the clock) did not happen in time. */
  | 'ERR_SIM_TIMEOUT'
  /** No simulated node has this name, or it is not in the state the operation needs. */
  | 'ERR_SIM_NODE'
  /** The simulation was shut down. */
  | 'ERR_SIM_SHUTDOWN';

/** The error class of `@gossip/sim`. */
export class SimulationError extends Error {
  /** Stable machine-readable code. */
  readonly code: SimulationErrorCode;

  constructor(code: SimulationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulationError';
    this.code = code;
  }
}
