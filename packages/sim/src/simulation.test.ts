import { afterEach, describe, expect, it } from 'vitest';
import { SimulationError } from './errors.js';
import { STALL_IO_TURN_MS, Simulation } from './simulation.js';

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.shutdown();
  sim = undefined;
});

describe('Simulation', () => {
  it('given a condition that never holds, when waited for, then ERR_SIM_TIMEOUT is thrown after exactly maxMs of virtual time', async () => {
    sim = new Simulation({ seed: 1 });
    const err = await sim.waitFor(() => false, { maxMs: 1234, what: 'nothing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimulationError);
    expect((err as SimulationError).code).toBe('ERR_SIM_TIMEOUT');
    expect(sim.now()).toBe(1234);
  });

  it('given a node name in use, when added again, then ERR_SIM_NODE; unknown names too', async () => {
    sim = new Simulation({ seed: 1 });
    await sim.addNode('a');
    await expect(sim.addNode('a')).rejects.toMatchObject({ code: 'ERR_SIM_NODE' });
    expect(() => sim!.node('nope')).toThrow(SimulationError);
  });

  it('given nodes, then each gets its own simulated address and starts alone', async () => {
    sim = new Simulation({ seed: 1 });
    const names = await sim.addNodes(3);
    expect(names).toEqual(['node-0', 'node-1', 'node-2']);
    expect(names.map((n) => sim!.node(n).address)).toEqual(['10.0.0.0:7946', '10.0.0.1:7946', '10.0.0.2:7946']);
    expect(sim.converged({ expectAlive: ['node-0'] })).toBe(false);
    expect(sim.membersOf('node-1').map((m) => m.name)).toEqual(['node-1']);
  });

  it('given a partition, when it heals, then both sides see each other alive again', async () => {
    sim = new Simulation({ seed: 'partition' });
    const names = await sim.addNodes(6);
    await sim.joinAll();
    await sim.waitFor(() => sim!.converged(), { maxMs: 30_000 });
    const left = names.slice(0, 3);
    const right = names.slice(3);
    sim.partition(left, right);
    await sim.waitFor(() => right.every((r) => sim!.allSee(r, 'dead', left)) && left.every((l) => sim!.allSee(l, 'dead', right)), {
      maxMs: 120_000,
      what: 'both sides declare the other dead',
    });
    // Each half has converged on itself.
    await sim.waitFor(
      () => sim!.converged({ expectAlive: left, observers: left }) && sim!.converged({ expectAlive: right, observers: right }),
      { maxMs: 10_000, what: 'each half converged on itself' },
    );
    sim.heal();
    // As with memberlist, a healed partition needs a rejoin (operators re-join seeds periodically).
    await sim.join(left[0]!, [right[0]!]);
    await sim.waitFor(() => sim!.converged(), { maxMs: 60_000, what: 'healing' });
  });

  it('given nodes started converged, then every node lists every node alive before any packet, and the formed cluster still detects a crash', async () => {
    sim = new Simulation({ seed: 'warm' });
    const names = await sim.addNodes(20);
    sim.startConverged();
    expect(sim.converged()).toBe(true);
    expect(sim.network.stats().packetsSent).toBe(0);
    expect(sim.memberlist('node-7').numMembers()).toBe(20);
    // Nothing was announced: no queued news, no events.
    expect(sim.trace.events().length).toBe(0);
    await sim.runFor(10_000);
    expect(sim.converged()).toBe(true);
    await sim.crash('node-3');
    const others = names.filter((n) => n !== 'node-3');
    await sim.waitFor(() => sim!.allSee('node-3', 'dead', others), { maxMs: 60_000, what: 'crash detected' });
  });

  it('given a stalled node, when messages reach it during the stall, then it reads them one I/O turn after it resumes, not before', async () => {
    const received: number[] = [];
    sim = new Simulation({
      seed: 1,
      node: (name) => (name === 'node-0' ? { delegate: { nodeMeta: () => new Uint8Array(0), notifyMsg: () => void received.push(sim!.now()) } } : {}),
    });
    await sim.addNodes(2);
    sim.startConverged();
    await sim.runFor(1_000);
    const stalledAt = sim.now();
    sim.stall('node-0', 1_500);
    await sim.drive(sim.memberlist('node-1').sendBestEffort('node-0', Uint8Array.of(1)), 1_000);
    await sim.runFor(100);
    expect(received).toEqual([]);
    await sim.runFor(1_500);
    expect(received).toEqual([stalledAt + 1_500 + STALL_IO_TURN_MS]);
  });

  it('given a shut-down simulation, then further operations fail with ERR_SIM_SHUTDOWN', async () => {
    const s = new Simulation({ seed: 1 });
    await s.shutdown();
    await expect(s.runFor(1)).rejects.toMatchObject({ code: 'ERR_SIM_SHUTDOWN' });
  });
});
