import { describe, expect, it } from 'vitest';
import type { MemberView } from './agents.js';
import { sameAlive } from './cluster.js';

const m = (name: string, state: MemberView['state']): MemberView => ({ name, addr: '198.18.1.1', port: 7946, state, incarnation: 1 });

describe('sameAlive (the convergence test)', () => {
  const want = new Set(['a', 'b']);
  it('given exactly the wanted hosts alive, and others dead or left, then converged', () => {
    expect(sameAlive([m('a', 'alive'), m('b', 'alive'), m('c', 'dead'), m('d', 'left')], want)).toBe(true);
  });
  it('given a wanted host suspect, missing or dead, or an extra host alive, then not converged', () => {
    expect(sameAlive([m('a', 'alive'), m('b', 'suspect')], want)).toBe(false);
    expect(sameAlive([m('a', 'alive')], want)).toBe(false);
    expect(sameAlive([m('a', 'alive'), m('b', 'dead')], want)).toBe(false);
    expect(sameAlive([m('a', 'alive'), m('b', 'alive'), m('c', 'alive')], want)).toBe(false);
  });
});
