import { describe, expect, it } from 'vitest';
import { blockPeers, CLEAN, inboundLoss, isolate, renderRules, udpBlackhole } from './faults.js';
import { RUNNER_IP } from './netns.js';

describe('fault rules', () => {
  it('given no fault, when rendered, then the script only removes our table', () => {
    expect(renderRules(CLEAN)).toBe('table inet gch\ndelete table inet gch\n');
  });

  it('given a partition, when rendered, then both chains drop the peer set and nothing else', () => {
    const script = renderRules(blockPeers(['198.18.1.3', '198.18.1.4'], 'both'));
    expect(script).toContain('type filter hook input priority 0; policy accept;');
    expect(script).toContain('ip saddr { 198.18.1.3, 198.18.1.4 } drop');
    expect(script).toContain('ip daddr { 198.18.1.3, 198.18.1.4 } drop');
  });

  it('given a one-way cut, when rendered, then only the output chain drops', () => {
    const rules = blockPeers(['198.18.1.9'], 'out');
    expect(rules.input).toEqual([]);
    expect(rules.output).toEqual(['ip daddr { 198.18.1.9 } drop']);
  });

  it('given loss, blackhole or isolation, when rendered, then traffic of the runner (the observer) is never matched', () => {
    for (const rules of [inboundLoss(10), udpBlackhole(), isolate()]) {
      for (const rule of [...rules.input, ...rules.output]) expect(rule).toMatch(new RegExp(`[sd]addr != ${RUNNER_IP.replace(/\./g, '\\.')} `));
    }
    expect(inboundLoss(10).input[0]).toContain('numgen random mod 100 < 10 drop');
  });

  it('given a loss outside 0..100 %, then it is refused', () => {
    expect(() => inboundLoss(101)).toThrow(RangeError);
    expect(() => inboundLoss(2.5)).toThrow(RangeError);
  });
});
