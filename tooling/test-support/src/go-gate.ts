/**
 * The Go gate: whether the suites tagged `go` (they build and run Go memberlist v0.2.2 programs) run, are skipped
 * with one line of explanation, fail, or are left out. Pure: the environment and Go's availability come in.
 */
import { GO_INSTALL_HINT, type GoAvailability } from '@gossip/gotools';

export { goSkipLine } from '@gossip/gotools';

/** The tag Go-dependent test files carry (`// @module-tag go` at the top of the file). */
export const GO_TAG = 'go';

/**
 * What happens to the Go suites:
 * - `run`: Go is here;
 * - `skip`: Go is missing, the suites are reported skipped with {@link goSkipLine};
 * - `fail`: Go is missing and `GOSSIP_REQUIRE_GO=1` (CI) — the run stops with `message`;
 * - `exclude`: `GOSSIP_GO=off` (`pnpm test:unit`) — the suites are not even collected.
 */
export type GoGate =
  | { readonly mode: 'run' }
  | { readonly mode: 'exclude' }
  | { readonly mode: 'skip'; readonly reason: string }
  | { readonly mode: 'fail'; readonly message: string };

/** Decides the {@link GoGate} from the environment and what `goAvailability()` found. */
export function decideGoGate(env: Readonly<Record<string, string | undefined>>, go: GoAvailability): GoGate {
  if (env.GOSSIP_GO === 'off') return { mode: 'exclude' };
  if (go.available) return { mode: 'run' };
  const reason = go.reason ?? 'Go is unavailable';
  if (env.GOSSIP_REQUIRE_GO === '1') {
    return { mode: 'fail', message: `GOSSIP_REQUIRE_GO=1 but ${reason}. ${GO_INSTALL_HINT}.` };
  }
  return { mode: 'skip', reason };
}

/** Tests skipped for want of Go, by one package's run. */
export interface GoSkipCount {
  /** Skipped tests. */
  readonly tests: number;
  /** Test files they live in. */
  readonly files: number;
}
