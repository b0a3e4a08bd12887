import { describe, expect, it } from 'vitest';
import { hostNet, PREFIX, RUNNER_IP } from './netns.js';

describe('host addressing', () => {
  it('given every group and index, then names fit an interface name, carry the prefix, and addresses are unique in 198.18.0.0/15', () => {
    const seen = new Set<string>([RUNNER_IP]);
    for (const group of ['t', 'g', 'm'] as const) {
      for (let i = 0; i < 250; i++) {
        const h = hostNet(group, i);
        expect(h.ns.length).toBeLessThanOrEqual(15);
        expect(h.ns.startsWith(`${PREFIX}-`)).toBe(true);
        expect(h.ip).toMatch(/^198\.1[89]\.\d+\.\d+$/);
        expect(seen.has(h.ip)).toBe(false);
        seen.add(h.ip);
      }
    }
  });

  it('given an index out of range, then it is refused', () => {
    expect(() => hostNet('t', 250)).toThrow(RangeError);
  });
});
