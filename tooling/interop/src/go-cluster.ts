import { GoPeer, type GoPeerStartOptions } from './go-peer.js';

/**
 * Starts `size` Go nodes named `${prefix}-0` … and joins every node to the first, then waits until each
 * sees all of them alive. On any failure the nodes already started are killed before the error propagates.
 */
export async function startGoCluster(
  size: number,
  options: Omit<GoPeerStartOptions, 'name'> & { prefix?: string; convergeTimeoutMs?: number } = {},
): Promise<GoPeer[]> {
  const { prefix = 'go', convergeTimeoutMs = 15_000, ...peerOptions } = options;
  const peers: GoPeer[] = [];
  try {
    for (let i = 0; i < size; i++) {
      peers.push(await GoPeer.start({ ...peerOptions, name: `${prefix}-${i}` }));
    }
    const seed = peers[0]!;
    await Promise.all(peers.slice(1).map((peer) => peer.join([seed.address])));
    await Promise.all(peers.map((peer) => peer.waitForMembers(size, convergeTimeoutMs)));
    return peers;
  } catch (error) {
    await Promise.all(peers.map((peer) => peer.kill()));
    throw error;
  }
}
