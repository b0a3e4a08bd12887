/**
 * `createNode`: the one call that gives an application a running gossip node on real sockets. It is wiring
 * only: options are validated, then core's `Memberlist` is created with a `UdpTcpTransport`, the system clock
 * and randomness, and (when keys are given) a live keyring as its cipher.
 */
import { Memberlist, prefixLogger, silentLogger } from '@gossip/core';
import { UdpTcpTransport, systemClock, systemRandom } from '@gossip/transport';
import { keyringCipher } from './keyring-cipher.js';
import { type NodeOptions, resolveNodeOptions } from './options.js';

/**
 * Creates and starts a node: binds UDP and TCP on `bind`, marks itself alive and starts probing and gossip.
 * It is alone until `node.join([...seeds])`. Leave with `await node.leave(ms)` then `await node.shutdown()`.
 *
 * @throws NodeOptionsError for bad options (before any socket is opened)
 * @throws MemberlistError `ERR_CONFIG` for out-of-range tunables
 * @throws TransportError `ERR_BIND` when the address is taken or not local
 */
export async function createNode(options: NodeOptions = {}): Promise<Memberlist> {
  const { core, socket, keyring } = resolveNodeOptions(options);
  const transport = new UdpTcpTransport({
    ...socket,
    clock: systemClock,
    dialTimeoutMs: core.tcpTimeoutMs,
    logger: prefixLogger(core.logger ?? silentLogger, { layer: 'transport' }),
  });
  return Memberlist.create({
    ...core,
    transport,
    clock: systemClock,
    random: systemRandom,
    cipher: keyring === undefined ? undefined : keyringCipher(keyring),
  });
}
