import { describe, expect, it } from 'vitest';
import { seedAddress } from './join.js';

describe('seedAddress', () => {
  it.each([
    ['10.0.0.1:8000', '10.0.0.1:8000'],
    ['10.0.0.1', '10.0.0.1:7946'],
    ['node-a/10.0.0.1:8000', '10.0.0.1:8000'],
    ['seeds.example.com', 'seeds.example.com:7946'],
    ['[::1]:9000', '[::1]:9000'],
    ['[fd00::1]', '[fd00::1]:7946'],
  ])('given %s and our port 7946, then the address to resolve is %s', (seed, want) => {
    expect(seedAddress(seed, 7946)).toBe(want);
  });
});
