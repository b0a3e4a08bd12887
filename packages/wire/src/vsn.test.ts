import { describe, expect, it } from 'vitest';
import { makeVsn, parseVsn } from './vsn.js';

describe('Vsn', () => {
  it('given no options, when made, then Go’s default [1,5,2,0,0,0] comes out', () => {
    expect(makeVsn()).toEqual(new Uint8Array([1, 5, 2, 0, 0, 0]));
  });

  it('given delegate versions, when made and parsed, then they round-trip', () => {
    const v = makeVsn({ pcur: 4, dmin: 2, dmax: 5, dcur: 4 });
    expect(parseVsn(v)).toEqual({ pmin: 1, pmax: 5, pcur: 4, dmin: 2, dmax: 5, dcur: 4 });
  });

  it('given an out-of-range entry, when made, then ERR_INVALID_ARGUMENT', () => {
    expect(() => makeVsn({ pcur: 256 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }) as Error);
  });

  it('given a short vector, when parsed, then undefined (HEAD ignores it)', () => {
    expect(parseVsn(new Uint8Array([1, 5]))).toBeUndefined();
  });
});
