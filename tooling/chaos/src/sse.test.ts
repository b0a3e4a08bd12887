import { describe, expect, it } from 'vitest';
import { type SseMessage, SseParser } from './sse.js';

describe('SseParser', () => {
  it('given events split across chunks, when fed, then each complete event is delivered once', () => {
    const got: SseMessage[] = [];
    const p = new SseParser((m) => got.push(m));
    p.push('retry: 1000\n\nid: 1\nevent: mem');
    p.push('ber\ndata: {"a":1}\n');
    expect(got).toEqual([]);
    p.push('\n: ping\n\nid: 2\nevent: kv\ndata: x\ndata: y\r\n\r\n');
    expect(got).toEqual([
      { id: '1', event: 'member', data: '{"a":1}' },
      { id: '2', event: 'kv', data: 'x\ny' },
    ]);
  });

  it('given a line longer than the bound, then it is dropped instead of buffered', () => {
    const got: SseMessage[] = [];
    const p = new SseParser((m) => got.push(m), 16);
    p.push('data: ' + 'x'.repeat(64));
    p.push('\n\ndata: ok\n\n');
    expect(got).toEqual([{ id: undefined, event: 'message', data: 'ok' }]);
  });
});
