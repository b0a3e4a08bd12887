/**
 * The I/O turn: after an event-loop stall Node.js runs every expired timer before it reads the datagrams that
 * arrived meanwhile, so a reply sitting in the socket buffer would lose the race against its own timeout. Every
 * timeout that accuses a peer (an ack's expiry, a probe's direct-ping wait, a suspicion's expiry) is therefore
 * acted upon one I/O turn after it fired, once pending input has been read.
 */

/**
 * Delay that lets the event loop read pending I/O before a timeout is acted upon. 1 ms, the shortest timer Node.js
 * schedules: a timer created in the timers phase runs after the next poll phase has delivered waiting datagrams.
 */
export const IO_TURN_MS = 1;
