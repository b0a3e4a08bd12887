/** Base class of every error raised by the Go peer driver; `code` is stable and safe to match on. */
export class GoPeerError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A command was answered with `ok: false` (memberlist returned an error). */
export class GoPeerCommandError extends GoPeerError {
  /** Partial result sent with the error, e.g. `{ joined: 0 }` for a failed join. */
  readonly result: unknown;

  constructor(command: string, message: string, result: unknown) {
    super('ERR_GO_PEER_COMMAND', `${command} failed: ${message}`);
    this.result = result;
  }
}

/** A command, the start-up or a wait did not finish in time. */
export class GoPeerTimeoutError extends GoPeerError {
  constructor(message: string) {
    super('ERR_GO_PEER_TIMEOUT', message);
  }
}

/** The Go process exited (or was killed) while something was still waiting for it. */
export class GoPeerExitedError extends GoPeerError {
  constructor(message: string) {
    super('ERR_GO_PEER_EXITED', message);
  }
}

/** The Go process wrote something that is not a protocol line, or an unknown event. */
export class GoPeerProtocolError extends GoPeerError {
  constructor(message: string) {
    super('ERR_GO_PEER_PROTOCOL', message);
  }
}
