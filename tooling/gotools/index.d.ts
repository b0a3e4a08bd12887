/** Where Debian installs Go library sources (memberlist v0.2.2, go-msgpack v0.5.5, ...). */
export declare const DEBIAN_GOCODE: string;

/** Thrown when the Go toolchain or Debian's memberlist sources are missing. */
export declare class GoUnavailableError extends Error {
  readonly code: 'ERR_GO_UNAVAILABLE';
}

/**
 * Builds the Go `main` package in `sourceDir` (GOPATH mode, against Debian's packages) into
 * `<sourceDir>/bin/<name>` and returns the binary's path. Rebuilds only when a `.go` file is newer than the
 * binary. Throws {@link GoUnavailableError} with install instructions when Go or memberlist is missing.
 */
export declare function buildGoProgram(sourceDir: string, name: string): Promise<string>;
