/**
 * Sharing of the small immutable byte arrays every member record holds (address and version vector). A node keeps
 * one record per member, so a cluster of n nodes holds n² of them in a simulation, and n per process in
 * production; interning collapses the copies made by every decoded message to one per distinct value. Both caches
 * are bounded: past their size, values are simply not shared, so hostile input cannot grow them.
 */
import { ipText } from './member.js';

const MAX_ADDRS = 65_536;
const MAX_VSNS = 4_096;

/** An advertised address: raw bytes (kept byte-exact for re-gossip) and their text form. */
export interface InternedAddr {
  readonly addr: Uint8Array;
  readonly ip: string;
}

const addrs = new Map<string, InternedAddr>();
const vsns = new Map<number, Uint8Array>();

function addrKey(addr: Uint8Array): string {
  let key = '';
  for (let i = 0; i < addr.length; i++) key += String.fromCharCode(addr[i] as number);
  return key;
}

/** The shared copy of `addr` with its text form. Callers must never mutate the returned bytes. */
export function internAddr(addr: Uint8Array): InternedAddr {
  const key = addrKey(addr);
  const hit = addrs.get(key);
  if (hit !== undefined) return hit;
  const value: InternedAddr = { addr: addr.slice(), ip: ipText(addr) };
  if (addrs.size < MAX_ADDRS && addr.length <= 16) addrs.set(key, value);
  return value;
}

/** The shared copy of a 6-byte version vector (anything else is copied as is). Never mutate the result. */
export function internVsn(vsn: Uint8Array): Uint8Array {
  if (vsn.length !== 6) return vsn.slice();
  // Six bytes fit exactly in a double's 53-bit mantissa.
  let key = 0;
  for (let i = 0; i < 6; i++) key = key * 256 + (vsn[i] as number);
  const hit = vsns.get(key);
  if (hit !== undefined) return hit;
  const value = vsn.slice();
  if (vsns.size < MAX_VSNS) vsns.set(key, value);
  return value;
}
