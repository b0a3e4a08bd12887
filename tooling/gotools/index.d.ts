/** Where Debian installs Go library sources (memberlist v0.2.2, go-msgpack v0.5.5, ...). */
export declare const DEBIAN_GOCODE: string;

/** Thrown when the Go toolchain or Debian's memberlist sources are missing. */
export declare class GoUnavailableError extends Error {
  readonly code: 'ERR_GO_UNAVAILABLE';
}

/** Name of the optional JSON file in a program's directory listing `.go` files it shares with another program. */
export declare const SHARED_SOURCES_FILE: string;

/**
 * Builds the Go `main` package in `sourceDir` (GOPATH mode, against Debian's packages) into
 * `<sourceDir>/bin/<name>` and returns the binary's path. Files listed in `<sourceDir>/shared-sources.json`
 * (paths relative to `sourceDir`) are built in as if they were in `sourceDir` (from a staged copy under
 * `<sourceDir>/.build`), so two programs share one copy of a file. Rebuilds only when a `.go` file is newer than the
 * binary. Throws {@link GoUnavailableError} with install instructions when Go or memberlist is missing.
 */
export declare function buildGoProgram(sourceDir: string, name: string): Promise<string>;
