/** Where Debian installs Go library sources (memberlist v0.2.2, go-msgpack v0.5.5, ...). */
export declare const DEBIAN_GOCODE: string;

/** Install instructions for Go and memberlist v0.2.2 (Debian/Ubuntu, and other systems), on one line. */
export declare const GO_INSTALL_HINT: string;

/**
 * The one line a test run prints when Go suites were skipped: how many tests in how many files (and which
 * packages), why, how to install Go and memberlist, and how to make the skip a failure.
 */
export declare function goSkipLine(
  count: { readonly tests: number; readonly files: number; readonly packages?: readonly string[] },
  reason: string,
): string;

/**
 * The GOPATH-style tree holding memberlist v0.2.2 and its dependencies under `src/`: `GOSSIP_GOCODE` when set
 * (e.g. a `go mod vendor` tree on systems without Debian's packages), else {@link DEBIAN_GOCODE}.
 */
export declare function goCodeDir(env?: NodeJS.ProcessEnv): string;

/** Whether the Go reference programs can be built here, and if not, why. */
export interface GoAvailability {
  /** True when `go` is on PATH and memberlist's sources are in {@link goCodeDir}. */
  readonly available: boolean;
  /** Why not, in a few words; undefined when available. */
  readonly reason: string | undefined;
  /** The GOPATH tree that was looked at. */
  readonly gocode: string;
}

/**
 * Checks, without running anything, whether Go suites can run: the `go` command on `env.PATH` and memberlist's
 * sources in {@link goCodeDir}. Test configurations use it to skip (or, with `GOSSIP_REQUIRE_GO=1`, fail) the
 * Go-dependent suites.
 */
export declare function goAvailability(env?: NodeJS.ProcessEnv): GoAvailability;

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
