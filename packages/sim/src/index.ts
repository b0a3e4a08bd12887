/**
 * `@gossip/sim`: a deterministic simulator for gossip clusters. Real `@gossip/core` nodes run on an in-memory
 * network under a virtual clock, with every random choice drawn from one seed, so a test of your delegate can
 * crash, partition, slow down and restart nodes, watch minutes of cluster time in seconds, and replay any run.
 */
export { STALL_IO_TURN_MS, Simulation, type JoinAllOptions, type SimulationOptions, type WaitOptions } from './simulation.js';
export { simulatedAddress, type NodeOverrides, type NodeStatus, type SimNode } from './node-process.js';
export { TraceRecorder, type TraceEvent, type TraceQuery } from './trace.js';
export { GOSSIP_ADDITIONS_OFF, LIFEGUARD_OFF, PLAIN_SWIM, detectionBounds, presetTunables, type DetectionBounds, type PresetName } from './presets.js';
export { SimulationError, type SimulationErrorCode } from './errors.js';
