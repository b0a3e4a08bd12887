import { describe, expect, it } from 'vitest';
import { CLEAN, dropAllInbound, dropFrom, inboundLoss, renderRules } from './faults.js';
import { RUNNER_IP } from './netns.js';

describe('fault rules', () => {
  it('given no fault, when rendered, then the script only removes our table', () => {
    expect(renderRules(CLEAN)).toBe('table inet gch\ndelete table inet gch\n');
  });

  it('given one side of a partition, when rendered, then the input chain drops the peer set and the output chain nothing (the sender never sees an error)', () => {
    const rules = dropFrom(['198.18.1.3', '198.18.1.4']);
    expect(rules.output).toEqual([]);
    const script = renderRules(rules);
    expect(script).toContain('type filter hook input priority 0; policy accept;');
    expect(script).toContain('ip saddr { 198.18.1.3, 198.18.1.4 } drop');
    expect(script).not.toContain('daddr');
  });

  it('given a UDP-only cut, when rendered, then only UDP from the peers is dropped', () => {
    expect(dropFrom(['198.18.1.9'], 'udp').input).toEqual(['ip saddr { 198.18.1.9 } meta l4proto udp drop']);
    expect(dropFrom([])).toBe(CLEAN);
  });

  it('given loss, a blackhole or isolation, when rendered, then only input is matched and traffic of the runner (the observer) never', () => {
    for (const rules of [inboundLoss(10), dropAllInbound('udp'), dropAllInbound()]) {
      expect(rules.output).toEqual([]);
      for (const rule of rules.input) expect(rule).toMatch(new RegExp(`saddr != ${RUNNER_IP.replace(/\./g, '\\.')} `));
    }
    expect(inboundLoss(10).input[0]).toContain('numgen random mod 100 < 10 drop');
  });

  it('given a loss outside 0..100 %, then it is refused', () => {
    expect(() => inboundLoss(101)).toThrow(RangeError);
    expect(() => inboundLoss(2.5)).toThrow(RangeError);
  });
});
