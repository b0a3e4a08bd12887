import { describe, expect, it } from 'vitest';
import { WireError } from './errors.js';
import { mapKey, Reader, Writer } from './msgpack.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const written = (f: (w: Writer) => void): string => {
  const w = new Writer(4);
  f(w);
  return hex(w.finish());
};
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof WireError ? e.code : `not a WireError: ${String(e)}`;
  }
  return undefined;
};

describe('Writer', () => {
  it('given unsigned values at each form boundary, when written, then the smallest unsigned form is used like go-msgpack', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [127, '7f'],
      [128, 'cc80'],
      [255, 'ccff'],
      [256, 'cd0100'],
      [65535, 'cdffff'],
      [65536, 'ce00010000'],
      [0xffffffff, 'ceffffffff'],
      [0x100000000, 'cf0000000100000000'],
    ];
    for (const [v, h] of cases) expect(written((w) => w.uint(v))).toBe(h);
  });

  it('given Go int values, when written for v0.2.2, then non-negative ones take unsigned forms and negative ones signed forms', () => {
    expect(written((w) => w.goInt(200, 'v0.2.2'))).toBe('ccc8');
    expect(written((w) => w.goInt(70000, 'v0.2.2'))).toBe('ce00011170');
    expect(written((w) => w.goInt(-1, 'v0.2.2'))).toBe('ff');
    expect(written((w) => w.goInt(-33, 'v0.2.2'))).toBe('d0df');
    expect(written((w) => w.goInt(-129, 'v0.2.2'))).toBe('d1ff7f');
    expect(written((w) => w.goInt(-40000, 'v0.2.2'))).toBe('d2ffff63c0');
  });

  it('given Go int values, when written for HEAD, then values above 127 take int16/int32/int64 forms', () => {
    expect(written((w) => w.goInt(127, 'head'))).toBe('7f');
    expect(written((w) => w.goInt(128, 'head'))).toBe('d10080');
    expect(written((w) => w.goInt(200, 'head'))).toBe('d100c8');
    expect(written((w) => w.goInt(32768, 'head'))).toBe('d200008000');
    expect(written((w) => w.goInt(0x80000000, 'head'))).toBe('d30000000080000000');
    expect(written((w) => w.goInt(-(2 ** 40), 'head'))).toBe('d3ffffff0000000000');
  });

  it('given strings and bytes of 31, 32, 65535 and 65536 bytes, when written, then the raw-str family is used and never str8 or bin', () => {
    expect(written((w) => w.str('a'.repeat(31))).slice(0, 2)).toBe('bf');
    expect(written((w) => w.str('a'.repeat(32))).slice(0, 6)).toBe('da0020');
    expect(written((w) => w.bytes(new Uint8Array(65535))).slice(0, 6)).toBe('daffff');
    expect(written((w) => w.bytes(new Uint8Array(65536))).slice(0, 10)).toBe('db00010000');
  });

  it('given a non-ASCII string, when written, then its UTF-8 bytes are counted in the header', () => {
    expect(written((w) => w.str('né'))).toBe('a36ec3a9');
  });

  it('given a nil or empty byte slice, when written, then nil is c0 and empty is a0, as Go distinguishes', () => {
    expect(written((w) => w.bytes(null))).toBe('c0');
    expect(written((w) => w.bytes(new Uint8Array(0)))).toBe('a0');
  });
});

describe('Reader', () => {
  it('given every integer width and signedness, when read as an int, then the value is recovered', () => {
    const cases: [string, number][] = [
      ['05', 5],
      ['ff', -1],
      ['cc80', 128],
      ['cd0100', 256],
      ['ce00010000', 65536],
      ['cf0000000100000000', 2 ** 32],
      ['d0ff', -1],
      ['d1ff7f', -129],
      ['d2ffff63c0', -40000],
      ['d3ffffffffffffffff', -1],
      ['c0', 0],
    ];
    for (const [h, v] of cases) expect(new Reader(unhex(h)).int()).toBe(v);
  });

  it('given a negative or oversized value for an unsigned field, when read, then ERR_MALFORMED (Go refuses it too)', () => {
    expect(codeOf(() => new Reader(unhex('ff')).uint(0xffff))).toBe('ERR_MALFORMED');
    expect(codeOf(() => new Reader(unhex('ce00010000')).uint(0xffff))).toBe('ERR_MALFORMED');
    expect(codeOf(() => new Reader(unhex('cfffffffffffffffff')).uint(0xffffffff))).toBe('ERR_MALFORMED');
    expect(codeOf(() => new Reader(unhex('ca00000000')).uint(10))).toBe('ERR_MALFORMED');
  });

  it('given bools as true/false, fixint 0/1 or nil, when read, then Go semantics apply and anything else is malformed', () => {
    expect(['c3', '01', 'c2', '00', 'c0'].map((h) => new Reader(unhex(h)).bool())).toEqual([true, true, false, false, false]);
    expect(codeOf(() => new Reader(unhex('02')).bool())).toBe('ERR_MALFORMED');
  });

  it('given bytes as raw str, str8, bin8/16/32 or an array of small ints, when read, then the same bytes come back', () => {
    for (const h of ['a20102', 'd9020102', 'c4020102', 'c500020102', 'c6000000020102', '920102', 'dc00020102', 'dd000000020102']) {
      expect(hex(new Reader(unhex(h)).bytes()!)).toBe('0102');
    }
    expect(new Reader(unhex('c0')).bytes()).toBeNull();
    expect(codeOf(() => new Reader(unhex('91cd0100')).bytes())).toBe('ERR_MALFORMED');
  });

  it('given a string as bin (HEAD accepts it), when read, then it decodes as text; invalid UTF-8 becomes U+FFFD', () => {
    expect(new Reader(unhex('c4026869')).str()).toBe('hi');
    expect(new Reader(unhex('a2ff41')).str()).toBe('\ufffdA');
  });

  it('given lengths beyond the input, when read, then ERR_TRUNCATED is thrown before anything is allocated', () => {
    expect(codeOf(() => new Reader(unhex('dbffffffff00')).bytes())).toBe('ERR_TRUNCATED');
    expect(codeOf(() => new Reader(unhex('ddffffffff')).bytes())).toBe('ERR_TRUNCATED');
    expect(codeOf(() => new Reader(unhex('dfffffffff')).mapLen())).toBe('ERR_TRUNCATED');
    expect(codeOf(() => new Reader(unhex('dbffffff00')).str())).toBe('ERR_TRUNCATED');
    expect(codeOf(() => new Reader(unhex('cd01')).int())).toBe('ERR_TRUNCATED');
  });

  it('given known and unknown keys in any str or bin form, when matched, then the key index or -1 is returned', () => {
    const keys = [mapKey('Node'), mapKey('SeqNo')];
    expect(new Reader(unhex('a553657' + '14e6f')).key(keys)).toBe(1);
    expect(new Reader(unhex('c4044e6f6465')).key(keys)).toBe(0);
    expect(new Reader(unhex('a44e6f6466')).key(keys)).toBe(-1);
    expect(codeOf(() => new Reader(unhex('01')).key(keys))).toBe('ERR_MALFORMED');
  });

  it('given values of every msgpack type, when skipped, then the cursor lands right after each', () => {
    const values = [
      '00', 'e0', 'c0', 'c2', 'c3', 'a3616263', 'd903616263', 'da0001ff', 'db00000001ff', 'c401ff', 'c50001ff', 'c600000001ff',
      'c70105ff', 'c8000105ff', 'c90000000105ff', 'ca00000000', 'cb0000000000000000', 'cc01', 'cd0001', 'ce00000001',
      'cf0000000000000001', 'd001', 'd10001', 'd200000001', 'd30000000000000001', 'd401ff', 'd501ffff', 'd601ffffffff',
      'd701ffffffffffffffff', 'd801' + 'ff'.repeat(16), '920102', 'dc0001c0', 'dd00000001c0', '81a16101', 'de0001a16101',
      'df00000001a16101',
    ];
    for (const v of values) {
      const r = new Reader(unhex(`${v}2a`));
      r.skip();
      expect(r.int(), v).toBe(42);
    }
    expect(codeOf(() => new Reader(unhex('c1')).skip())).toBe('ERR_MALFORMED');
  });

  it('given 40 nested arrays, when skipped, then ERR_MALFORMED instead of deep recursion', () => {
    expect(codeOf(() => new Reader(new Uint8Array(40).fill(0x91)).skip())).toBe('ERR_MALFORMED');
  });
});
