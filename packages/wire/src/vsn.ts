/**
 * `Vsn`: the 6-byte version vector `[pmin, pmax, pcur, dmin, dmax, dcur]` carried by alive messages and push/pull
 * entries (PROTOCOL.md §9.1).
 */
import { invalidArgument } from './errors.js';

/** Protocol version bounds a node advertises. */
export interface VersionInfo {
  /** Lowest protocol version understood (Go: 1). */
  pmin: number;
  /** Highest protocol version understood (Go: 5). */
  pmax: number;
  /** Protocol version spoken (Go default: 2). */
  pcur: number;
  /** Lowest delegate protocol version understood. */
  dmin: number;
  /** Highest delegate protocol version understood. */
  dmax: number;
  /** Delegate protocol version spoken. */
  dcur: number;
}

/** What Go memberlist advertises by default: `[1, 5, 2, 0, 0, 0]`. */
export const DEFAULT_VERSION: Readonly<VersionInfo> = Object.freeze({ pmin: 1, pmax: 5, pcur: 2, dmin: 0, dmax: 0, dcur: 0 });

/** Builds a 6-byte Vsn; unspecified fields take Go's defaults. */
export function makeVsn(v: Partial<VersionInfo> = {}): Uint8Array {
  const full = { ...DEFAULT_VERSION, ...v };
  const out = new Uint8Array(6);
  const values = [full.pmin, full.pmax, full.pcur, full.dmin, full.dmax, full.dcur];
  for (let i = 0; i < 6; i++) {
    const x = values[i]!;
    if (!Number.isInteger(x) || x < 0 || x > 255) throw invalidArgument(`Vsn entries must be 0..255, got ${x}`);
    out[i] = x;
  }
  return out;
}

/**
 * Reads a Vsn. Returns `undefined` for anything but 6 bytes: HEAD ignores such vectors in alive messages and
 * counts them as version 0 (incompatible) in push/pull.
 */
export function parseVsn(vsn: Uint8Array): VersionInfo | undefined {
  if (vsn.length !== 6) return undefined;
  return { pmin: vsn[0]!, pmax: vsn[1]!, pcur: vsn[2]!, dmin: vsn[3]!, dmax: vsn[4]!, dcur: vsn[5]! };
}
