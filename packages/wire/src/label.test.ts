import { describe, expect, it } from 'vitest';
import { addLabel, labelHeader, stripLabel } from './label.js';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe('label header', () => {
  it('given a packet and label "prod", when labelled and stripped, then f4 04 "prod" precedes the packet and both come back', () => {
    const labelled = addLabel(bytes(1, 2), 'prod');
    expect(Buffer.from(labelled).toString('hex')).toBe('f40470726f640102');
    const { label, labelBytes, rest } = stripLabel(labelled);
    expect(label).toBe('prod');
    expect(labelBytes).toEqual(new TextEncoder().encode('prod'));
    expect(rest).toEqual(bytes(1, 2));
  });

  it('given a packet without a label, when stripped, then the label is undefined and the packet is untouched', () => {
    const out = stripLabel(bytes(0, 1));
    expect(out.label).toBeUndefined();
    expect(out.labelBytes.length).toBe(0);
    expect(out.rest).toEqual(bytes(0, 1));
  });

  it('given an empty or 256-byte label, when added, then ERR_LABEL; a 255-byte label is fine', () => {
    expect(() => addLabel(bytes(1), '')).toThrow(expect.objectContaining({ code: 'ERR_LABEL' }) as Error);
    expect(() => addLabel(bytes(1), 'x'.repeat(256))).toThrow(expect.objectContaining({ code: 'ERR_LABEL' }) as Error);
    expect(stripLabel(addLabel(bytes(1), 'x'.repeat(255))).label).toBe('x'.repeat(255));
  });

  it('given a header with length 0, when stripped, then ERR_LABEL', () => {
    expect(() => stripLabel(bytes(0xf4, 0, 1))).toThrow(expect.objectContaining({ code: 'ERR_LABEL' }) as Error);
  });

  it('given a header cut short (a stream still arriving), when stripped, then ERR_TRUNCATED', () => {
    expect(() => stripLabel(bytes(0xf4))).toThrow(expect.objectContaining({ code: 'ERR_TRUNCATED' }) as Error);
    expect(() => stripLabel(bytes(0xf4, 4, 0x70))).toThrow(expect.objectContaining({ code: 'ERR_TRUNCATED' }) as Error);
  });

  it('given a label as bytes, when a stream header is made, then it is the bare header', () => {
    expect(labelHeader(bytes(0x61))).toEqual(bytes(0xf4, 1, 0x61));
  });
});
